package org.axq;

import java.util.Arrays;
import java.util.Objects;
import org.axq.internal.AxqNative;
import org.axq.internal.SWIGTYPE_p_axq_int_tensor;

/**
 * A tensor quantized with an explicit integer scheme (symmetric, affine,
 * power of two), 2..8 bits, per tensor, per channel or per group. Immutable
 * once made, so many threads may read it. It holds native memory: close it;
 * a Cleaner frees a forgotten one.
 */
public final class IntTensor extends NativeObject<SWIGTYPE_p_axq_int_tensor> {
  /** How values map to codes. */
  public enum Scheme {
    /** Codes in [-qmax, qmax], qmax = 2^(bits-1) - 1, zero point 0. */
    SYMMETRIC(0),
    /** Unsigned codes 0..2^bits - 1 with a zero point. */
    AFFINE(1),
    /** Symmetric, the scale rounded up to a power of two. */
    POWER_OF_TWO(2);

    private final int code;

    Scheme(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Scheme fromCode(long code) {
      for (Scheme s : values()) if (s.code == code) return s;
      throw new IllegalArgumentException("unknown scheme " + code);
    }
  }

  /** Which elements share one scale (and zero point). */
  public enum Granularity {
    PER_TENSOR(0),
    /** One set per index along axis. */
    PER_CHANNEL(1),
    /** Runs of groupSize elements along each row (groupSize must divide the row length). */
    PER_GROUP(2);

    private final int code;

    Granularity(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Granularity fromCode(long code) {
      for (Granularity g : values()) if (g.code == code) return g;
      throw new IllegalArgumentException("unknown granularity " + code);
    }
  }

  /** How {@link #quantize} works; defaults: 8-bit symmetric per tensor. Setters return this. */
  public static final class Options {
    // Package-private: FakeQuant.quantizeTensor reads them too.
    int bits = 8;
    Scheme scheme = Scheme.SYMMETRIC;
    Granularity granularity = Granularity.PER_TENSOR;
    int axis = 1;
    long groupSize = 32;
    int threads;

    /** 2..8. */
    public Options bits(int bits) {
      this.bits = bits;
      return this;
    }

    public Options scheme(Scheme scheme) {
      this.scheme = Objects.requireNonNull(scheme, "scheme");
      return this;
    }

    public Options granularity(Granularity granularity) {
      this.granularity = Objects.requireNonNull(granularity, "granularity");
      return this;
    }

    /** PER_CHANNEL's axis (default 1: the rows of a 2-D weight). */
    public Options axis(int axis) {
      this.axis = axis;
      return this;
    }

    /** PER_GROUP's group size (default 32). */
    public Options groupSize(long groupSize) {
      this.groupSize = groupSize;
      return this;
    }

    /** 0 (the default) = all cores; results are the same for any value. */
    public Options threads(int threads) {
      this.threads = threads;
      return this;
    }
  }

  private IntTensor(SWIGTYPE_p_axq_int_tensor handle) {
    super(handle, AxqNative::int_tensor_destroy, "int tensor");
  }

  /** Quantizes the F32 tensor src; opts null = the defaults. */
  public static IntTensor quantize(Tensor src, Options opts) {
    Objects.requireNonNull(src, "src");
    Options o = opts != null ? opts : new Options();
    return new IntTensor(Native.checkHandle(AxqNative.int_quantize(src.handle(), o.bits, o.scheme.code(),
        o.granularity.code(), o.axis, o.groupSize, o.threads)));
  }

  /** A new F32 tensor of the same dims with the dequantized values. */
  public Tensor dequantize() {
    return new Tensor(Native.checkHandle(AxqNative.int_dequantize(handle(), 0)));
  }

  /**
   * bits, scheme, granularity, axis, ndim, group_size, nelements,
   * code_bytes, param_count, param_bytes, dims[0..3].
   */
  private long[] info() {
    long[] ints = new long[14];
    Native.check(AxqNative.int_tensor_info(handle(), ints));
    return ints;
  }

  public int bits() {
    return (int) info()[0];
  }

  public Scheme scheme() {
    return Scheme.fromCode(info()[1]);
  }

  public Granularity granularity() {
    return Granularity.fromCode(info()[2]);
  }

  /** PER_CHANNEL: the axis; otherwise -1. */
  public int axis() {
    return (int) info()[3];
  }

  /** PER_GROUP: the group size; otherwise 0. */
  public long groupSize() {
    return info()[5];
  }

  /** The dimensions, row length first. */
  public long[] dims() {
    long[] ints = info();
    return Arrays.copyOfRange(ints, 10, 10 + (int) ints[4]);
  }

  public long elementCount() {
    return info()[6];
  }

  public long codeBytes() {
    return info()[7];
  }

  /** The number of scales. */
  public long paramCount() {
    return info()[8];
  }

  /** 4 bytes per scale, doubled for AFFINE (zero points). */
  public long paramBytes() {
    return info()[9];
  }

  /** 8 * (codeBytes + paramBytes) / elementCount. */
  public double bitsPerWeight() {
    return AxqNative.int_tensor_bits_per_weight(handle());
  }

  /**
   * A copy of the packed codes: a byte per code for 5..8 bits (two's
   * complement for the symmetric schemes, unsigned for AFFINE), two per byte
   * (low nibble first) for 2..4 bits; each row starts on a byte.
   */
  public byte[] codes() {
    byte[] out = new byte[Math.toIntExact(codeBytes())];
    Native.check(AxqNative.int_tensor_codes(handle(), out));
    return out;
  }

  /** The scales as a new F32 tensor of the parameter shape; close it. */
  public Tensor scales() {
    return new Tensor(Native.checkHandle(AxqNative.int_tensor_scales(handle())));
  }

  /** The zero points (integers as f32, 0 for the symmetric schemes) as a new F32 tensor; close it. */
  public Tensor zeroPoints() {
    return new Tensor(Native.checkHandle(AxqNative.int_tensor_zero_points(handle())));
  }
}
