package org.axq;

import java.util.Objects;
import org.axq.internal.AxqNative;
import org.axq.internal.SWIGTYPE_p_axq_linear;

/**
 * A quantized linear layer y = x W^T + b: W holds outFeatures rows of
 * inFeatures weights in a libaxq type, b (optional) stays f32. It holds
 * native memory: close it (try-with-resources); a Cleaner frees a forgotten
 * one when it becomes unreachable. The layer never changes after
 * {@link #create}, so many threads may run {@link #forward} at once; close
 * must not race with other uses.
 */
public final class Linear extends NativeObject<SWIGTYPE_p_axq_linear> {
  /** How {@link #create} quantizes the weight; every setter returns this. */
  public static final class Options {
    private AxqType fallbackType;
    private int threads;
    private Tensor.TernaryRule ternaryRule = Tensor.TernaryRule.REFERENCE;

    /**
     * The type used when inFeatures is not a multiple of the weight type's
     * block; null (the default) makes that case an error naming the nearest
     * valid widths.
     */
    public Options fallbackType(AxqType type) {
      this.fallbackType = type;
      return this;
    }

    public AxqType fallbackType() {
      return fallbackType;
    }

    /** Threads for quantizing the weight; 0 (the default) = all cores. */
    public Options threads(int threads) {
      this.threads = threads;
      return this;
    }

    public int threads() {
      return threads;
    }

    /** How I2_S, TQ1_0 and TQ2_0 weights choose their trits. */
    public Options ternaryRule(Tensor.TernaryRule rule) {
      this.ternaryRule = Objects.requireNonNull(rule, "rule");
      return this;
    }

    public Tensor.TernaryRule ternaryRule() {
      return ternaryRule;
    }
  }

  private Linear(SWIGTYPE_p_axq_linear handle) {
    super(handle, AxqNative::linear_destroy, "linear layer");
  }

  /**
   * A layer from weight (outFeatures rows of inFeatures values, row-major)
   * quantized to type, and bias (null, or outFeatures values); both are
   * copied. opts may be null for the defaults.
   */
  public static Linear create(AxqType type, float[] weight, long outFeatures, long inFeatures, float[] bias,
      Options opts) {
    Objects.requireNonNull(weight, "weight");
    // The C helper rejects these lengths without a message of its own, so
    // they are named here.
    if (outFeatures > 0 && inFeatures > 0
        && (weight.length % inFeatures != 0 || weight.length / inFeatures != outFeatures)) {
      throw new AxqException(AxqStatus.INVALID_ARGUMENT, "weight: " + weight.length + " values, but "
          + outFeatures + " rows of " + inFeatures + " need " + outFeatures * inFeatures);
    }
    if (bias != null && bias.length != outFeatures) {
      throw new AxqException(AxqStatus.INVALID_ARGUMENT,
          "bias: " + bias.length + " values, but outFeatures is " + outFeatures);
    }
    Options o = opts != null ? opts : new Options();
    Native.load();
    return new Linear(Native.checkHandle(AxqNative.linear_create(type.id(), weight,
        bias != null ? bias : new float[0], outFeatures, inFeatures,
        o.fallbackType != null ? o.fallbackType.id() : -1, o.threads, o.ternaryRule.code())));
  }

  /** create with the default options. */
  public static Linear create(AxqType type, float[] weight, long outFeatures, long inFeatures, float[] bias) {
    return create(type, weight, outFeatures, inFeatures, bias, null);
  }

  /**
   * y for a batch of inputs: x holds batch rows of inFeatures values
   * (batch = x.length / inFeatures), the result batch rows of outFeatures.
   */
  public float[] forward(float[] x) {
    Objects.requireNonNull(x, "x");
    long in = inFeatures();
    // At least one row, so that a bad x.length gets the library's message
    // about x rather than one about an empty y.
    long batch = Math.max(1, x.length / in);
    float[] y = new float[Math.toIntExact(batch * outFeatures())];
    forward(x, y, 0);
    return y;
  }

  /** forward into y (batch rows of outFeatures) without allocating. */
  public void forward(float[] x, float[] y) {
    forward(x, y, 0);
  }

  /** forward on `threads` threads: 0 = all cores; results are the same for any value. */
  public void forward(float[] x, float[] y, int threads) {
    Native.check(AxqNative.linear_forward(handle(), x, y, threads));
  }

  /** type, has_bias, in_features, out_features, weight_bytes. */
  private long[] info() {
    long[] ints = new long[5];
    Native.check(AxqNative.linear_info(handle(), ints));
    return ints;
  }

  /** The weight's type: the one asked for, or the fallback if it was used. */
  public AxqType type() {
    return AxqType.fromId((int) info()[0]);
  }

  public boolean hasBias() {
    return info()[1] != 0;
  }

  public long inFeatures() {
    return info()[2];
  }

  public long outFeatures() {
    return info()[3];
  }

  /** The quantized weight's bytes, scales included (the f32 bias is not counted). */
  public long weightBytes() {
    return info()[4];
  }

  /** 8 * weightBytes / (outFeatures * inFeatures). */
  public double bitsPerWeight() {
    return AxqNative.linear_bits_per_weight(handle());
  }

  /** f32 weight bytes over quantized weight bytes. */
  public double compressionRatio() {
    return AxqNative.linear_compression_ratio(handle());
  }

  /** A copy of the weight tensor (dims {inFeatures, outFeatures}); close it. */
  public Tensor weight() {
    return new Tensor(Native.checkHandle(AxqNative.linear_weight(handle())));
  }
}
