using System;
using Axq.Internal;

namespace Axq {

/// <summary>
/// Error statistics of an approximation against its reference (e = approx -
/// ref): Mse = mean(e²), Rmse, Mae = mean|e|, MaxAbsError, SqnrDb = 10
/// log10(Σref² / Σe²) (+∞ when e is all zero), Cosine similarity, and the
/// share of |e| above OutlierThreshold.
/// </summary>
public sealed class ErrorStats {
  public long Count { get; }
  public double Mse { get; }
  public double Rmse { get; }
  public double Mae { get; }
  public double MaxAbsError { get; }
  public double SqnrDb { get; }
  public double Cosine { get; }
  public double OutlierThreshold { get; }
  public double OutlierRate { get; }

  internal ErrorStats(double[] r, int at) {
    Count = (long)r[at];
    Mse = r[at + 1];
    Rmse = r[at + 2];
    Mae = r[at + 3];
    MaxAbsError = r[at + 4];
    SqnrDb = r[at + 5];
    Cosine = r[at + 6];
    OutlierThreshold = r[at + 7];
    OutlierRate = r[at + 8];
  }

  /// <summary>
  /// The statistics of approx against ref (same, non-zero length, finite
  /// values). outlierThreshold: |e| above it is an outlier (negative: the
  /// default 0.1); threads 0 = all cores (same results for any value).
  /// </summary>
  public static ErrorStats Compare(float[] reference, float[] approx, double outlierThreshold = -1, int threads = 0) {
    if (reference == null) throw new ArgumentNullException(nameof(reference));
    if (approx == null) throw new ArgumentNullException(nameof(approx));
    double[] reals = new double[9];
    Native.Check(AxqNative.error_stats(reference, (ulong)reference.Length, approx, (ulong)approx.Length,
                                       outlierThreshold, threads, reals, (ulong)reals.Length));
    return new ErrorStats(reals, 0);
  }
}

/// <summary>
/// What quantizing a tensor to a type costs and loses: Bytes counts the
/// quantized tensor with its scales, BitsPerWeight = 8 * Bytes / Elements,
/// CompressionRatio = 4 * Elements / Bytes, Error compares the dequantized
/// tensor with the source.
/// </summary>
public sealed class QuantReport {
  public AxqType Type { get; }
  public long Elements { get; }
  public long Bytes { get; }
  public double BitsPerWeight { get; }
  public double CompressionRatio { get; }
  public ErrorStats Error { get; }

  private QuantReport(AxqType type, double[] r) {
    Type = type;
    Elements = (long)r[0];
    Bytes = (long)r[1];
    BitsPerWeight = r[2];
    CompressionRatio = r[3];
    Error = new ErrorStats(r, 4);
  }

  /// <summary>Quantizes the F32 tensor src to type, expands it back and compares; threads 0 = all cores.</summary>
  public static QuantReport Of(Tensor src, AxqType type, int threads = 0) => Of(src, type, null, threads);

  /// <summary>The same with an importance per column (null: none), quantized as Tensor.Quantize does.</summary>
  public static QuantReport Of(Tensor src, AxqType type, float[] importance, int threads = 0) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    float[] imp = Tensor.ImportanceArray(importance);
    double[] reals = new double[13];
    src.Use(h => Native.Check(AxqNative.quant_report(h, (int)type, threads, (int)TernaryRule.Reference, imp,
                                                     (ulong)imp.Length, -1, reals, (ulong)reals.Length)));
    return new QuantReport(type, reals);
  }
}

}
