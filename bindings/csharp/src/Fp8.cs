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

/// <summary>Where the scales of Fp8.Quantize apply.</summary>
public enum Fp8Granularity {
  /// <summary>One scale for the whole matrix.</summary>
  PerTensor = 0,
  /// <summary>One scale per row (output channel of a weight).</summary>
  PerRow = 1
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

  private static long[] Sizes(long rows, long cols, Fp8Granularity granularity) {
    if (rows <= 0 || cols <= 0 || rows > int.MaxValue / cols) {
      throw new AxqException(AxqStatus.InvalidArgument,
                             "Fp8: a " + rows + " x " + cols + " matrix (rows and cols must be positive)");
    }
    return new long[] { rows * cols, granularity == Fp8Granularity.PerRow ? rows : 1 };
  }

  /// <summary>
  /// Quantizes the row-major rows x cols matrix src (finite values): each
  /// scale is amax / max_finite of its values (448 for E4M3, 57344 for E5M2;
  /// 1 for an all-zero set), codes[i] = encode(src[i] / scale). scales gets
  /// 1 value per tensor or rows values per row.
  /// </summary>
  public static byte[] Quantize(float[] src, long rows, long cols, out float[] scales,
                                Fp8Format format = Fp8Format.E4M3,
                                Fp8Granularity granularity = Fp8Granularity.PerTensor, int threads = 0) {
    if (src == null) throw new ArgumentNullException(nameof(src));
    long[] n = Sizes(rows, cols, granularity);
    if (src.Length != n[0]) {
      throw new AxqException(AxqStatus.InvalidArgument,
                             "Fp8.Quantize: " + src.Length + " values for a " + rows + " x " + cols + " matrix");
    }
    byte[] out_ = new byte[n[0]];
    float[] s = new float[n[1]];
    Native.Check(AxqNative.fp8_quantize(src, (ulong)src.Length, rows, cols, (int)format, (int)granularity, threads,
                                        out_, (ulong)out_.Length, s, (ulong)s.Length));
    scales = s;
    return out_;
  }

  /// <summary>The inverse of Quantize with the same rows, cols, format and granularity.</summary>
  public static float[] Dequantize(byte[] codes, float[] scales, long rows, long cols,
                                   Fp8Format format = Fp8Format.E4M3,
                                   Fp8Granularity granularity = Fp8Granularity.PerTensor, int threads = 0) {
    if (codes == null) throw new ArgumentNullException(nameof(codes));
    if (scales == null) throw new ArgumentNullException(nameof(scales));
    long[] n = Sizes(rows, cols, granularity);
    if (codes.Length != n[0] || scales.Length != n[1]) {
      throw new AxqException(AxqStatus.InvalidArgument,
                             "Fp8.Dequantize: " + codes.Length + " codes and " + scales.Length + " scales for a " +
                             rows + " x " + cols + " matrix (" + n[0] + " and " + n[1] + " expected)");
    }
    float[] dst = new float[n[0]];
    Native.Check(AxqNative.fp8_dequantize(codes, (ulong)codes.Length, scales, (ulong)scales.Length, rows, cols,
                                          (int)format, (int)granularity, threads, dst, (ulong)dst.Length));
    return dst;
  }
}

}
