package org.axq;

import org.axq.internal.AxqNative;
import org.axq.internal.SWIGTYPE_p_axq_tensor;

/**
 * A libaxq tensor: row-major, 1 to 4 dims, dims[0] the row length (ggml's
 * ne[0]). It holds native memory: close it (try-with-resources); a Cleaner
 * frees a forgotten one when it becomes unreachable. Many threads may read
 * a tensor at once; close must not race with other uses.
 */
public final class Tensor extends NativeObject<SWIGTYPE_p_axq_tensor> {
  Tensor(SWIGTYPE_p_axq_tensor handle) {
    super(handle, AxqNative::tensor_destroy, "tensor");
  }

  /** A zero-filled tensor. */
  public static Tensor create(AxqType type, long... dims) {
    Native.load();
    return new Tensor(Native.checkHandle(AxqNative.tensor_create(type.id(), dims)));
  }

  /** An F32 tensor holding a copy of data (product(dims) values). */
  public static Tensor fromFloats(float[] data, long... dims) {
    Native.load();
    return new Tensor(Native.checkHandle(AxqNative.tensor_from_f32(data, dims)));
  }

  /** A tensor of any type from a copy of its exact bytes (e.g. from a GGUF file). */
  public static Tensor fromBytes(AxqType type, byte[] data, long... dims) {
    Native.load();
    return new Tensor(Native.checkHandle(AxqNative.tensor_from_bytes(type.id(), dims, data)));
  }

  public AxqType type() {
    return AxqType.fromId(AxqNative.tensor_type(handle()));
  }

  /** The dimensions, row length first. */
  public long[] dims() {
    SWIGTYPE_p_axq_tensor h = handle();
    long[] dims = new long[AxqNative.tensor_ndim(h)];
    for (int i = 0; i < dims.length; ++i) dims[i] = AxqNative.tensor_dim(h, i);
    return dims;
  }

  public long elementCount() {
    return AxqNative.tensor_nelements(handle());
  }

  public long byteCount() {
    return AxqNative.tensor_nbytes(handle());
  }

  /** A copy of the data, ggml's bytes (UNSUPPORTED for a repacked tensor). */
  public byte[] toBytes() {
    SWIGTYPE_p_axq_tensor h = handle();
    byte[] out = new byte[Math.toIntExact(AxqNative.tensor_nbytes(h))];
    Native.check(AxqNative.tensor_read(h, out));
    return out;
  }

  /** A copy of the values of an F32 tensor. */
  public float[] toFloats() {
    SWIGTYPE_p_axq_tensor h = handle();
    if (AxqNative.tensor_type(h) != AxqType.F32.id()) {
      throw new AxqException(AxqStatus.INVALID_ARGUMENT,
          "toFloats: tensor is " + type().ggmlName() + ", not f32 (dequantize it)");
    }
    float[] out = new float[Math.toIntExact(AxqNative.tensor_nelements(h))];
    Native.check(AxqNative.tensor_read_f32(h, out));
    return out;
  }

  /** Quantizes this F32 tensor to type on all cores. */
  public Tensor quantize(AxqType type) {
    return quantize(type, 0, TernaryRule.REFERENCE);
  }

  /**
   * Quantizes this F32 tensor. threads: 0 = all cores (results are the same
   * for any value); rule: how I2_S, TQ1_0 and TQ2_0 choose their trits.
   */
  public Tensor quantize(AxqType type, int threads, TernaryRule rule) {
    return quantize(type, threads, rule, null);
  }

  /** Quantizes this F32 tensor on all cores with an importance per column (see below). */
  public Tensor quantize(AxqType type, float[] importance) {
    return quantize(type, 0, TernaryRule.REFERENCE, importance);
  }

  /**
   * Quantizes this F32 tensor minimising the error weighted by importance:
   * null (none), or the importance of each column (finite, >= 0), dims[0]
   * values for every row or dims[0] * dims[2] for a 3-D tensor, one run per
   * matrix (an {@link Imatrix} entry's values). Q2_K..Q6_K, Q4_0, Q4_1,
   * Q5_0 and Q5_1 use it as ggml does with an imatrix; other types check it
   * and ignore it.
   */
  public Tensor quantize(AxqType type, int threads, TernaryRule rule, float[] importance) {
    return new Tensor(Native.checkHandle(
        AxqNative.quantize(handle(), type.id(), threads, rule.code(), importanceArray(importance))));
  }

  /** The array the C layer takes: empty for none, so an empty array a caller passes is refused here. */
  static float[] importanceArray(float[] importance) {
    if (importance == null) return new float[0];
    if (importance.length == 0) {
      throw new AxqException(AxqStatus.INVALID_ARGUMENT, "importance: empty (null for none)");
    }
    return importance;
  }

  /** A new F32 tensor with this tensor's values. */
  public Tensor dequantize() {
    return new Tensor(Native.checkHandle(AxqNative.dequantize(handle(), 0)));
  }

  /** A row-interleaved copy of Q4_0, Q4_1 or Q8_0 weights: same matmul results, faster. */
  public Tensor repack() {
    return new Tensor(Native.checkHandle(AxqNative.tensor_repack(handle())));
  }

  public boolean isRepacked() {
    return AxqNative.tensor_is_repacked(handle()) == 1;
  }

  /** One row of an I8_S tensor, as axq_matmul_i2s_i8 uses it. */
  public static final class I8sRow {
    /** The int8 codes. */
    public final byte[] codes;
    /** 127 / absmax of the row. */
    public final float scale;
    /** The sum of the codes. */
    public final int sum;

    I8sRow(byte[] codes, float scale, int sum) {
      this.codes = codes;
      this.scale = scale;
      this.sum = sum;
    }
  }

  /** Row {@code row} of an I8_S tensor. */
  public I8sRow i8sRow(long row) {
    SWIGTYPE_p_axq_tensor h = handle();
    byte[] codes = new byte[Math.toIntExact(AxqNative.tensor_dim(h, 0))];
    float[] scale = new float[1];
    long[] sum = new long[1];
    Native.check(AxqNative.i8s_row(h, row, codes, scale, sum));
    return new I8sRow(codes, scale[0], (int) sum[0]);
  }

  /** How I2_S, TQ1_0 and TQ2_0 map floats to trits. */
  public enum TernaryRule {
    /** The reference implementations' own rule (bitnet.cpp, ggml). */
    REFERENCE(0),
    /** BitNet b1.58's absmean ternarizer. */
    ABSMEAN(1);

    private final int code;

    TernaryRule(int code) {
      this.code = code;
    }

    int code() {
      return code;
    }
  }
}
