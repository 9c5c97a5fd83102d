package org.axq;

import java.util.Objects;
import org.axq.internal.AxqNative;

/**
 * Error statistics of an approximation against its reference (e = approx -
 * ref): mse = mean(e^2), rmse, mae = mean|e|, maxAbsError, sqnrDb = 10
 * log10(sum ref^2 / sum e^2) (+inf when e is all zero), cosine similarity,
 * and the share of |e| above outlierThreshold.
 */
public final class ErrorStats {
  public final long count;
  public final double mse;
  public final double rmse;
  public final double mae;
  public final double maxAbsError;
  public final double sqnrDb;
  public final double cosine;
  public final double outlierThreshold;
  public final double outlierRate;

  ErrorStats(double[] r, int at) {
    count = (long) r[at];
    mse = r[at + 1];
    rmse = r[at + 2];
    mae = r[at + 3];
    maxAbsError = r[at + 4];
    sqnrDb = r[at + 5];
    cosine = r[at + 6];
    outlierThreshold = r[at + 7];
    outlierRate = r[at + 8];
  }

  /** compare with outlier threshold 0.1 on all cores. */
  public static ErrorStats compare(float[] ref, float[] approx) {
    return compare(ref, approx, -1, 0);
  }

  /**
   * The statistics of approx against ref (same, non-zero length, finite
   * values). outlierThreshold: |e| above it is an outlier (negative: the
   * default 0.1); threads: 0 = all cores (results are the same for any value).
   */
  public static ErrorStats compare(float[] ref, float[] approx, double outlierThreshold, int threads) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(approx, "approx");
    Native.load();
    double[] reals = new double[9];
    Native.check(AxqNative.error_stats(ref, approx, outlierThreshold, threads, reals));
    return new ErrorStats(reals, 0);
  }

  @Override
  public String toString() {
    return "ErrorStats{count=" + count + ", mse=" + mse + ", rmse=" + rmse + ", mae=" + mae + ", max="
        + maxAbsError + ", sqnrDb=" + sqnrDb + ", cosine=" + cosine + ", outlierRate=" + outlierRate + "}";
  }
}
