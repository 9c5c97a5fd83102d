using System;
using Axq.Internal;

namespace Axq {

/// <summary>An 8-bit float format.</summary>
public enum Fp8Format {
  /// <summary>OCP E4M3FN: largest finite 448 (0x7E), no infinities.</summary>
  E4M3 = 0,
  /// <summary>IEEE-like E5M2: largest finite 57344 (0x7B), ±inf.</summary>
  E5M2 = 1
}

/// <summary>FP8 conversion with a scale.</summary>
public static class Fp8 {
  /// <summary>
  /// The code of each src[i] / scale (scale finite and > 0; 1 for a plain
  /// conversion), rounded to nearest even; values beyond the largest finite
  /// saturate, NaN becomes the canonical NaN code.
  /// </summary>
  public static byte[] Encode(float[] src, Fp8Format format, float scale = 1) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    byte[] out_ = new byte[src.Length];
    Native.Check(AxqNative.fp8_encode(src, (ulong)src.Length, out_, (ulong)out_.Length, (int)format, scale));
    return out_;
  }

  /// <summary>The value of each code times scale.</summary>
  public static float[] Decode(byte[] codes, Fp8Format format, float scale = 1) {
    if (codes == null) throw new ArgumentNullException(nameof(codes));
    float[] dst = new float[codes.Length];
    Native.Check(AxqNative.fp8_decode(codes, (ulong)codes.Length, dst, (ulong)dst.Length, (int)format, scale));
    return dst;
  }
}

}
