package org.axq;

import java.util.Objects;
import org.axq.internal.AxqNative;
import org.axq.internal.SWIGTYPE_p_axq_calibrator;

/**
 * A streaming, mergeable observer of f32 data that gives quantization
 * ranges (MinMax, Percentile, MeanStd, KL entropy, moving average). It holds
 * native memory: close it (try-with-resources); a Cleaner frees a forgotten
 * one. Any method may run from several threads at once; close must not
 * race with other uses.
 */
public final class Calibrator extends NativeObject<SWIGTYPE_p_axq_calibrator> {
  /** How {@link #range} turns the observations into [lo, hi]. */
  public enum Method {
    MINMAX(0),
    PERCENTILE(1),
    MEANSTD(2),
    ENTROPY(3),
    MOVING_AVERAGE(4);

    private final int code;

    Method(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  /** What the observer has seen; min, max, mean and variance are 0 while count is 0. */
  public static final class Info {
    public final int bins;
    public final long count;
    public final long batches;
    public final float min;
    public final float max;
    public final double mean;
    /** Population variance. */
    public final double variance;
    public final double binWidth;
    public final double absBinWidth;
    public final float momentum;

    Info(long[] ints, double[] r) {
      bins = (int) ints[0];
      count = ints[1];
      batches = ints[2];
      min = (float) r[0];
      max = (float) r[1];
      mean = r[2];
      variance = r[3];
      binWidth = r[4];
      absBinWidth = r[5];
      momentum = (float) r[6];
    }
  }

  /** A range [lo, hi]. */
  public static final class Range {
    public final float lo;
    public final float hi;

    Range(float lo, float hi) {
      this.lo = lo;
      this.hi = hi;
    }
  }

  /** A scale and zero point, from {@link #rangeToParams}. */
  public static final class Params {
    public final float scale;
    public final int zeroPoint;

    Params(float scale, int zeroPoint) {
      this.scale = scale;
      this.zeroPoint = zeroPoint;
    }
  }

  private Calibrator(SWIGTYPE_p_axq_calibrator handle) {
    super(handle, AxqNative::calibrator_destroy, "calibrator");
  }

  /** An empty observer with the defaults (2048 bins, momentum 0.01). */
  public static Calibrator create() {
    return create(0, 0);
  }

  /** An empty observer: bins 256..8192 (0: 2048), momentum in (0, 1] (0: 0.01). */
  public static Calibrator create(int bins, float momentum) {
    Native.load();
    return new Calibrator(Native.checkHandle(AxqNative.calibrator_create(bins, momentum)));
  }

  /** Adds one non-empty batch; a NaN or Inf rejects it whole (NON_FINITE). */
  public void observe(float[] batch) {
    Objects.requireNonNull(batch, "batch");
    Native.check(AxqNative.calibrator_observe(handle(), batch));
  }

  /** Adds everything src has observed (same bins); src is unchanged. */
  public void merge(Calibrator src) {
    Objects.requireNonNull(src, "src");
    Native.check(AxqNative.calibrator_merge(handle(), src.handle()));
  }

  public Info info() {
    long[] ints = new long[3];
    double[] reals = new double[7];
    Native.check(AxqNative.calibrator_info(handle(), ints, reals));
    return new Info(ints, reals);
  }

  /** range with the defaults: percentile 99.99, k 3, 8 bits. */
  public Range range(Method method) {
    return range(method, 99.99f, 3f, 8);
  }

  /**
   * The range method gives: percentile is PERCENTILE's p in [50, 100], k
   * MEANSTD's k >= 0, bits ENTROPY's width 1..8 (all are checked whatever
   * the method). INVALID_ARGUMENT if nothing was observed.
   */
  public Range range(Method method, float percentile, float k, int bits) {
    float[] lohi = new float[2];
    Native.check(AxqNative.calibrator_range(handle(), method.code(), percentile, k, bits, lohi));
    return new Range(lohi[0], lohi[1]);
  }

  /**
   * The scale and zero point for [lo, hi] with bits (1..8): symmetric
   * (zeroPoint 0, scale = max(|lo|, |hi|) / (2^(bits-1) - 1)) or affine
   * (unsigned codes, the range widened to contain 0).
   */
  public static Params rangeToParams(float lo, float hi, int bits, boolean symmetric) {
    Native.load();
    float[] scale = new float[1];
    long[] zp = new long[1];
    Native.check(AxqNative.range_to_params(lo, hi, bits, symmetric ? 1 : 0, scale, zp));
    return new Params(scale[0], (int) zp[0]);
  }
}
