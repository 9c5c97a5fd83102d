using System;
using Axq.Internal;

namespace Axq {

/// <summary>How fake quantization's gradient mask is made.</summary>
public enum Ste {
  /// <summary>Mask 1 everywhere.</summary>
  Plain = 0,
  /// <summary>Mask 1 inside the representable range (bounds included), else 0.</summary>
  Clamped = 1
}

/// <summary>Fake quantization for quantization-aware training, with the straight-through estimator.</summary>
public static class FakeQuant {
  /// <summary>
  /// y = dequant(quant(x)) and the mask (one 0 or 1 byte per element), with
  /// explicit parameters: bits 2..8, scale finite and > 0 (a power of two for
  /// PowerOfTwo), zeroPoint 0..2^bits - 1 for Affine and 0 otherwise.
  /// </summary>
  public static float[] Quantize(float[] x, int bits, IntScheme scheme, float scale, int zeroPoint, Ste ste,
                                 out byte[] mask, int threads = 0) {
    if (x == null) throw new ArgumentNullException(nameof(x));
    float[] y = new float[x.Length];
    byte[] m = new byte[x.Length];
    Native.Check(AxqNative.fake_quantize(x, (ulong)x.Length, y, (ulong)y.Length, m, (ulong)m.Length, bits,
                                         (int)scheme, scale, zeroPoint, (int)ste, threads));
    mask = m;
    return y;
  }

  /// <summary>
  /// Fake-quantizes the F32 tensor src with the scales and zero points
  /// IntTensor.Quantize would choose for options (null = the defaults): a new
  /// tensor (dispose it) equal bit for bit to IntTensor.Quantize(src,
  /// options).Dequantize(), and the mask per ste (one byte per element, each
  /// with its own element's scale and zero point).
  /// </summary>
  public static Tensor QuantizeTensor(Tensor src, Ste ste, IntOptions options, out byte[] mask) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    IntOptions o = options ?? new IntOptions();
    byte[] m = new byte[src.ElementCount];
    Tensor y = src.Use(h => Tensor.Wrap(AxqNative.fake_quantize_tensor(
        h, (int)ste, o.Bits, (int)o.Scheme, (int)o.Granularity, o.Axis, o.GroupSize, o.Threads, m, (ulong)m.Length)));
    mask = m;
    return y;
  }

  /// <summary>
  /// The scale and zero point for an observed range [min, max] (finite,
  /// min &lt;= max) under bits and scheme, exactly as IntTensor.Quantize
  /// derives them from a set with that minimum and maximum (the symmetric
  /// schemes use max(|min|, |max|)).
  /// </summary>
  public static QuantParams ParamsFromRange(int bits, IntScheme scheme, float min, float max) {
    float[] scale = new float[1];
    long[] zp = new long[1];
    Native.Check(AxqNative.fake_quant_params_from_range(bits, (int)scheme, min, max, scale, 1, zp, 1));
    return new QuantParams(scale[0], (int)zp[0]);
  }

  /// <summary>The backward pass: gradIn[i] = mask[i] != 0 ? gradOut[i] : 0 (mask null: a copy).</summary>
  public static float[] SteBackward(float[] gradOut, byte[] mask) {
    if (gradOut == null) throw new ArgumentNullException(nameof(gradOut));
    if (mask != null && mask.Length != gradOut.Length) {
      throw new AxqException(AxqStatus.InvalidArgument,
                             "SteBackward: " + mask.Length + " mask bytes for " + gradOut.Length + " gradients");
    }
    byte[] m = mask ?? new byte[0];
    float[] gradIn = new float[gradOut.Length];
    Native.Check(AxqNative.ste_backward(gradOut, (ulong)gradOut.Length, m, (ulong)m.Length, gradIn,
                                        (ulong)gradIn.Length));
    return gradIn;
  }
}

}
