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
