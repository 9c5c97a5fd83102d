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
}
