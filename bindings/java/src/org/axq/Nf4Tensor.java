package org.axq;

import java.util.Objects;
import org.axq.internal.AxqNative;
import org.axq.internal.SWIGTYPE_p_axq_nf4_tensor;

/**
 * A vector quantized to bitsandbytes' NF4 or FP4 with blockwise absmax,
 * optionally double-quantized. Immutable once made. It holds native
 * memory: close it; a Cleaner frees a forgotten one.
 */
public final class Nf4Tensor extends NativeObject<SWIGTYPE_p_axq_nf4_tensor> {
  public enum Kind {
    NF4(0),
    FP4(1);

    private final int code;

    Kind(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Kind fromCode(long code) {
      return code == 1 ? FP4 : NF4;
    }
  }

  private Nf4Tensor(SWIGTYPE_p_axq_nf4_tensor handle) {
    super(handle, AxqNative::nf4_destroy, "nf4 tensor");
  }

  /** NF4, blocks of 64, double quantization, all cores. */
  public static Nf4Tensor quantize(float[] src) {
    return quantize(src, Kind.NF4, 64, true, 0);
  }

  /**
   * Quantizes n > 0 finite values: blockSize a power of two in 32..4096,
   * doubleQuant compresses the block absmax values, threads 0 = all cores
   * (results are the same for any value).
   */
  public static Nf4Tensor quantize(float[] src, Kind kind, int blockSize, boolean doubleQuant, int threads) {
    Objects.requireNonNull(src, "src");
    Native.load();
    return new Nf4Tensor(Native.checkHandle(
        AxqNative.nf4_quantize(src, kind.code(), blockSize, doubleQuant ? 1 : 0, threads)));
  }

  /** kind, block_size, double_quant, n, block_count, packed_bytes, group_size, group_count, total_bytes. */
  private long[] info() {
    long[] ints = new long[9];
    Native.check(AxqNative.nf4_info(handle(), ints));
    return ints;
  }

  public Kind kind() {
    return Kind.fromCode(info()[0]);
  }

  public int blockSize() {
    return (int) info()[1];
  }

  public boolean doubleQuant() {
    return info()[2] != 0;
  }

  /** The number of values. */
  public long size() {
    return info()[3];
  }

  public long blockCount() {
    return info()[4];
  }

  /** Codes, absmax values (or their codes, group scales and offset) together. */
  public long totalBytes() {
    return info()[8];
  }

  /** 8 * totalBytes / size: 4.5 for blocks of 64 without double quantization, about 4.127 with it. */
  public double bitsPerParameter() {
    return AxqNative.nf4_bits_per_parameter(handle());
  }

  /** The dequantized values. */
  public float[] dequantize() {
    float[] dst = new float[Math.toIntExact(size())];
    Native.check(AxqNative.nf4_dequantize(handle(), dst, 0));
    return dst;
  }

  /** The effective absmax of every block. */
  public float[] absmax() {
    float[] dst = new float[Math.toIntExact(blockCount())];
    Native.check(AxqNative.nf4_absmax(handle(), dst));
    return dst;
  }

  /** The 16 code values of kind (index = code). */
  public static float[] codeValues(Kind kind) {
    Native.load();
    float[] dst = new float[16];
    Native.check(AxqNative.nf4_code_values(kind.code(), dst));
    return dst;
  }

  /**
   * The stored parts, in bitsandbytes' layout: packed holds ceil(n/2)
   * bytes, element 2j in the high nibble of byte j. Without double
   * quantization absmax holds one f32 per block; with it absmaxCodes holds
   * one dynamic-map code per block, absmax2 one f32 per group of 256 blocks
   * and offset the mean that was subtracted (effective absmax =
   * map[code] * absmax2 + offset). Unused arrays are null.
   */
  public static final class Parts {
    public final Kind kind;
    public final int blockSize;
    public final boolean doubleQuant;
    public final long n;
    public final byte[] packed;
    public final float[] absmax;
    public final byte[] absmaxCodes;
    public final float[] absmax2;
    public final float offset;

    public Parts(Kind kind, int blockSize, boolean doubleQuant, long n, byte[] packed, float[] absmax,
                 byte[] absmaxCodes, float[] absmax2, float offset) {
      this.kind = Objects.requireNonNull(kind, "kind");
      this.blockSize = blockSize;
      this.doubleQuant = doubleQuant;
      this.n = n;
      this.packed = packed;
      this.absmax = absmax;
      this.absmaxCodes = absmaxCodes;
      this.absmax2 = absmax2;
      this.offset = offset;
    }
  }

  /** A copy of every stored part. */
  public Parts parts() {
    long[] info = info();
    boolean dq = info[2] != 0;
    byte[] packed = new byte[Math.toIntExact(info[5])];
    Native.check(AxqNative.nf4_parts_bytes(handle(), 0, packed));
    if (!dq) {
      float[] absmax = new float[Math.toIntExact(info[4])];
      Native.check(AxqNative.nf4_parts_floats(handle(), 0, absmax));
      return new Parts(Kind.fromCode(info[0]), (int) info[1], false, info[3], packed, absmax, null, null, 0f);
    }
    byte[] codes = new byte[Math.toIntExact(info[4])];
    float[] absmax2 = new float[Math.toIntExact(info[7])];
    float[] offset = new float[1];
    Native.check(AxqNative.nf4_parts_bytes(handle(), 1, codes));
    Native.check(AxqNative.nf4_parts_floats(handle(), 1, absmax2));
    Native.check(AxqNative.nf4_parts_floats(handle(), 2, offset));
    return new Parts(Kind.fromCode(info[0]), (int) info[1], true, info[3], packed, null, codes, absmax2, offset[0]);
  }

  private static int length(byte[] a) {
    return a == null ? 0 : a.length;
  }

  private static int length(float[] a) {
    return a == null ? 0 : a.length;
  }

  /**
   * A tensor made of a copy of p (e.g. a bitsandbytes checkpoint's weight,
   * absmax, nested_absmax and offset). The arrays p's mode needs must have
   * their exact lengths and the others be null or empty; absmax values and
   * the offset must be finite.
   */
  public static Nf4Tensor fromParts(Parts p) {
    Objects.requireNonNull(p, "p");
    if (p.n > 0 && p.blockSize > 0) {
      long blocks = (p.n + p.blockSize - 1) / p.blockSize;
      long groups = (blocks + 255) / 256;
      boolean bad = length(p.packed) != (p.n + 1) / 2;
      if (p.doubleQuant) {
        bad |= length(p.absmaxCodes) != blocks || length(p.absmax2) != groups || length(p.absmax) != 0;
      } else {
        bad |= length(p.absmax) != blocks || length(p.absmaxCodes) != 0 || length(p.absmax2) != 0;
      }
      if (bad) {
        throw new AxqException(AxqStatus.INVALID_ARGUMENT, "nf4 fromParts: " + length(p.packed) + " packed bytes, "
            + length(p.absmax) + " absmax, " + length(p.absmaxCodes) + " absmax codes, " + length(p.absmax2)
            + " absmax2 for n " + p.n + ", block size " + p.blockSize + ", double quantization " + p.doubleQuant
            + " (" + (p.n + 1) / 2 + " packed bytes, " + blocks + " blocks, " + groups + " groups expected)");
      }
    }
    Native.load();
    byte[] packed = p.packed != null ? p.packed : new byte[0];
    byte[] codes = p.absmaxCodes != null ? p.absmaxCodes : new byte[0];
    float[] floats = p.doubleQuant ? p.absmax2 : p.absmax;
    return new Nf4Tensor(Native.checkHandle(AxqNative.nf4_from_parts(p.kind.code(), p.blockSize,
        p.doubleQuant ? 1 : 0, p.n, packed, codes, floats != null ? floats : new float[0], p.offset)));
  }

  /**
   * The 256 ascending entries of the dynamic map double quantization codes
   * the block absmax values with (entry 127 is 0, entry 255 is 1);
   * bitsandbytes stores it as nested_quant_map.
   */
  public static float[] dynamicMap() {
    Native.load();
    float[] dst = new float[256];
    Native.check(AxqNative.nf4_dynamic_map(dst));
    return dst;
  }
}
