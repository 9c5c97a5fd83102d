using System;
using System.Runtime.InteropServices;
using Axq.Internal;

namespace Axq {

/// <summary>How Linear.Create quantizes the weight.</summary>
public sealed class LinearOptions {
  /// <summary>
  /// The type used when InFeatures is not a multiple of the weight type's
  /// block; null (the default) makes that case an error naming the nearest
  /// valid widths.
  /// </summary>
  public AxqType? FallbackType { get; set; }

  /// <summary>Threads for quantizing the weight; 0 (the default) = all cores.</summary>
  public int Threads { get; set; }

  /// <summary>How I2_S, TQ1_0 and TQ2_0 weights choose their trits.</summary>
  public TernaryRule TernaryRule { get; set; } = TernaryRule.Reference;
}

/// <summary>
/// A quantized linear layer y = x W^T + b: W holds OutFeatures rows of
/// InFeatures weights in a libaxq type, b (optional) stays f32. It holds
/// native memory through a SafeHandle: dispose it (using); the handle's
/// finalizer frees a forgotten one. The layer never changes after Create,
/// so many threads may run Forward at once.
/// </summary>
public sealed class Linear : IDisposable {
  private sealed class LinearHandle : SafeHandle {
    internal LinearHandle(IntPtr ptr) : base(IntPtr.Zero, true) {
      SetHandle(ptr);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() {
      AxqNative.linear_destroy(new SWIGTYPE_p_axq_linear(handle, false));
      return true;
    }
  }

  private readonly LinearHandle safe;

  private Linear(SWIGTYPE_p_axq_linear raw) {
    safe = new LinearHandle(SWIGTYPE_p_axq_linear.getCPtr(raw).Handle);
  }

  /// <summary>Runs fn on the live handle, kept alive for the call.</summary>
  private T Use<T>(Func<SWIGTYPE_p_axq_linear, T> fn) {
    if (safe.IsClosed) throw new ObjectDisposedException(nameof(Linear), "axq: linear layer is closed");
    bool added = false;
    try {
      safe.DangerousAddRef(ref added);
      return fn(new SWIGTYPE_p_axq_linear(safe.DangerousGetHandle(), false));
    } finally {
      if (added) safe.DangerousRelease();
    }
  }

  /// <summary>Frees the layer; disposing again does nothing.</summary>
  public void Dispose() => safe.Dispose();

  /// <summary>
  /// A layer from weight (outFeatures rows of inFeatures values, row-major)
  /// quantized to type, and bias (null, or outFeatures values); both are
  /// copied. options null: the defaults.
  /// </summary>
  public static Linear Create(AxqType type, float[] weight, long outFeatures, long inFeatures,
                              float[] bias = null, LinearOptions options = null) {
    if (weight == null) throw new ArgumentNullException(nameof(weight));
    // The C helper rejects these lengths without a message of its own, so
    // they are named here.
    if (outFeatures > 0 && inFeatures > 0 &&
        (weight.Length % inFeatures != 0 || weight.Length / inFeatures != outFeatures)) {
      throw new AxqException(AxqStatus.InvalidArgument, "weight: " + weight.Length + " values, but " + outFeatures +
                             " rows of " + inFeatures + " need " + outFeatures * inFeatures);
    }
    if (bias != null && bias.Length != outFeatures) {
      throw new AxqException(AxqStatus.InvalidArgument,
                             "bias: " + bias.Length + " values, but outFeatures is " + outFeatures);
    }
    LinearOptions o = options ?? new LinearOptions();
    // An empty bias array pins to NULL, which the helper reads as "none".
    float[] b = bias ?? new float[0];
    return new Linear(Native.CheckHandle(AxqNative.linear_create(
        (int)type, weight, (ulong)weight.Length, b, (ulong)b.Length, outFeatures, inFeatures,
        o.FallbackType.HasValue ? (int)o.FallbackType.Value : -1, o.Threads, (int)o.TernaryRule)));
  }

  /// <summary>
  /// y for a batch of inputs: x holds batch rows of InFeatures values
  /// (batch = x.Length / InFeatures), the result batch rows of OutFeatures.
  /// </summary>
  public float[] Forward(float[] x, int threads = 0) {
    if (x == null) throw new ArgumentNullException(nameof(x));
    long[] info = Info();
    // At least one row, so that a bad x.Length gets the library's message
    // about x rather than one about an empty (NULL-pinned) y.
    long batch = Math.Max(1, x.Length / info[2]);
    float[] y = new float[checked(batch * info[3])];
    Forward(x, y, threads);
    return y;
  }

  /// <summary>Forward into y (batch rows of OutFeatures) without allocating; threads 0 = all cores.</summary>
  public void Forward(float[] x, float[] y, int threads = 0) {
    if (x == null) throw new ArgumentNullException(nameof(x));
    if (y == null) throw new ArgumentNullException(nameof(y));
    Use(h => Native.Check(AxqNative.linear_forward(h, x, (ulong)x.Length, y, (ulong)y.Length, threads)));
  }

  /// <summary>type, has_bias, in_features, out_features, weight_bytes.</summary>
  private long[] Info() => Use(h => {
    long[] ints = new long[5];
    Native.Check(AxqNative.linear_info(h, ints, (ulong)ints.Length));
    return ints;
  });

  /// <summary>The weight's type: the one asked for, or the fallback if it was used.</summary>
  public AxqType Type => (AxqType)Info()[0];

  public bool HasBias => Info()[1] != 0;

  public long InFeatures => Info()[2];

  public long OutFeatures => Info()[3];

  /// <summary>The quantized weight's bytes, scales included (the f32 bias is not counted).</summary>
  public long WeightBytes => Info()[4];

  /// <summary>8 * WeightBytes / (OutFeatures * InFeatures).</summary>
  public double BitsPerWeight => Use(h => AxqNative.linear_bits_per_weight(h));

  /// <summary>f32 weight bytes over quantized weight bytes.</summary>
  public double CompressionRatio => Use(h => AxqNative.linear_compression_ratio(h));

  /// <summary>A copy of the weight tensor (dims {InFeatures, OutFeatures}); dispose it.</summary>
  public Tensor GetWeight() => Use(h => Tensor.Wrap(AxqNative.linear_weight(h)));
}

}
