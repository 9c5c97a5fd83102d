using System;
using System.Runtime.InteropServices;
using Axq.Internal;

namespace Axq {

/// <summary>How Calibrator.Range turns the observations into [lo, hi].</summary>
public enum CalibMethod { MinMax = 0, Percentile = 1, MeanStd = 2, Entropy = 3, MovingAverage = 4 }

/// <summary>A range [Lo, Hi].</summary>
public struct CalibRange {
  public CalibRange(float lo, float hi) {
    Lo = lo;
    Hi = hi;
  }

  public float Lo { get; }
  public float Hi { get; }
}

/// <summary>A scale and zero point, from Calibrator.RangeToParams.</summary>
public struct QuantParams {
  public QuantParams(float scale, int zeroPoint) {
    Scale = scale;
    ZeroPoint = zeroPoint;
  }

  public float Scale { get; }
  public int ZeroPoint { get; }
}

/// <summary>What a Calibrator has seen; Min, Max, Mean and Variance are 0 while Count is 0.</summary>
public sealed class CalibratorInfo {
  public int Bins { get; internal set; }
  public long Count { get; internal set; }
  public long Batches { get; internal set; }
  public float Min { get; internal set; }
  public float Max { get; internal set; }
  public double Mean { get; internal set; }
  /// <summary>Population variance.</summary>
  public double Variance { get; internal set; }
  public double BinWidth { get; internal set; }
  public double AbsBinWidth { get; internal set; }
  public float Momentum { get; internal set; }
}

/// <summary>
/// A streaming, mergeable observer of f32 data that gives quantization
/// ranges (MinMax, Percentile, MeanStd, KL entropy, moving average). It holds
/// native memory through a SafeHandle: dispose it (using); the handle's
/// finalizer frees a forgotten one.
/// </summary>
public sealed class Calibrator : IDisposable {
  private sealed class CalibratorHandle : SafeHandle {
    internal CalibratorHandle(IntPtr ptr) : base(IntPtr.Zero, true) {
      SetHandle(ptr);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() {
      AxqNative.calibrator_destroy(new SWIGTYPE_p_axq_calibrator(handle, false));
      return true;
    }
  }

  private readonly CalibratorHandle safe;

  private Calibrator(SWIGTYPE_p_axq_calibrator raw) {
    safe = new CalibratorHandle(SWIGTYPE_p_axq_calibrator.getCPtr(raw).Handle);
  }

  private T Use<T>(Func<SWIGTYPE_p_axq_calibrator, T> fn) {
    if (safe.IsClosed) throw new ObjectDisposedException(nameof(Calibrator), "axq: calibrator is closed");
    bool added = false;
    try {
      safe.DangerousAddRef(ref added);
      return fn(new SWIGTYPE_p_axq_calibrator(safe.DangerousGetHandle(), false));
    } finally {
      if (added) safe.DangerousRelease();
    }
  }

  /// <summary>Frees the observer; disposing again does nothing.</summary>
  public void Dispose() => safe.Dispose();

  /// <summary>An empty observer: bins 256..8192 (0: 2048), momentum in (0, 1] (0: 0.01).</summary>
  public static Calibrator Create(int bins = 0, float momentum = 0) =>
      new Calibrator(Native.CheckHandle(AxqNative.calibrator_create(bins, momentum)));

  /// <summary>Adds one non-empty batch; a NaN or Inf rejects it whole (NonFinite).</summary>
  public void Observe(float[] batch) {
    if (batch == null) throw new ArgumentNullException(nameof(batch));
    Use(h => Native.Check(AxqNative.calibrator_observe(h, batch, (ulong)batch.Length)));
  }

  /// <summary>Adds everything src has observed (same bins); src is unchanged.</summary>
  public void Merge(Calibrator src) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    Use(h => src.Use(s => Native.Check(AxqNative.calibrator_merge(h, s))));
  }

  public CalibratorInfo Info => Use(h => {
    long[] ints = new long[3];
    double[] r = new double[7];
    Native.Check(AxqNative.calibrator_info(h, ints, (ulong)ints.Length, r, (ulong)r.Length));
    return new CalibratorInfo {
      Bins = (int)ints[0], Count = ints[1], Batches = ints[2], Min = (float)r[0], Max = (float)r[1],
      Mean = r[2], Variance = r[3], BinWidth = r[4], AbsBinWidth = r[5], Momentum = (float)r[6]
    };
  });

  /// <summary>
  /// The range method gives: percentile is Percentile's p in [50, 100], k
  /// MeanStd's k >= 0, bits Entropy's width 1..8 (all are checked whatever
  /// the method). InvalidArgument if nothing was observed.
  /// </summary>
  public CalibRange Range(CalibMethod method, float percentile = 99.99f, float k = 3, int bits = 8) =>
      Use(h => {
        float[] lohi = new float[2];
        Native.Check(AxqNative.calibrator_range(h, (int)method, percentile, k, bits, lohi, (ulong)lohi.Length));
        return new CalibRange(lohi[0], lohi[1]);
      });

  /// <summary>
  /// The scale and zero point for [lo, hi] with bits (1..8): symmetric
  /// (ZeroPoint 0, Scale = max(|lo|, |hi|) / (2^(bits-1) - 1)) or affine
  /// (unsigned codes, the range widened to contain 0).
  /// </summary>
  public static QuantParams RangeToParams(float lo, float hi, int bits, bool symmetric) {
    float[] scale = new float[1];
    long[] zp = new long[1];
    Native.Check(AxqNative.range_to_params(lo, hi, bits, symmetric ? 1 : 0, scale, 1, zp, 1));
    return new QuantParams(scale[0], (int)zp[0]);
  }
}

}
