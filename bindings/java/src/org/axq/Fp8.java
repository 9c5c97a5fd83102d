package org.axq;

import java.util.Objects;
import org.axq.internal.AxqNative;

/** FP8 conversion (OCP E4M3FN and E5M2) with a scale. */
public final class Fp8 {
  private Fp8() {}

  public enum Format {
    /** E4M3FN: largest finite 448 (0x7E), no infinities. */
    E4M3(0),
    /** IEEE-like E5M2: largest finite 57344 (0x7B), +-inf. */
    E5M2(1);

    private final int code;

    Format(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  /**
   * The code of each src[i] / scale (scale finite and > 0; 1 for a plain
   * conversion), rounded to nearest even; values beyond the largest finite
   * saturate, NaN becomes the canonical NaN code.
   */
  public static byte[] encode(float[] src, Format format, float scale) {
    Objects.requireNonNull(src, "src");
    Native.load();
    byte[] out = new byte[src.length];
    Native.check(AxqNative.fp8_encode(src, out, format.code(), scale));
    return out;
  }

  /** The value of each code times scale (exact, then one f32 rounding). */
  public static float[] decode(byte[] codes, Format format, float scale) {
    Objects.requireNonNull(codes, "codes");
    Native.load();
    float[] dst = new float[codes.length];
    Native.check(AxqNative.fp8_decode(codes, dst, format.code(), scale));
    return dst;
  }

  /** Where the scales of {@link #quantize(float[], long, long, Format, Granularity)} apply. */
  public enum Granularity {
    /** One scale for the whole matrix. */
    PER_TENSOR(0),
    /** One scale per row (output channel of a weight). */
    PER_ROW(1);

    private final int code;

    Granularity(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  /** The codes of a matrix and its scales (1 per tensor, or one per row). */
  public static final class Matrix {
    public final byte[] codes;
    public final float[] scales;

    Matrix(byte[] codes, float[] scales) {
      this.codes = codes;
      this.scales = scales;
    }
  }

  private static int[] sizes(long rows, long cols, Granularity granularity) {
    if (rows <= 0 || cols <= 0 || rows > Integer.MAX_VALUE / cols) {
      throw new AxqException(AxqStatus.INVALID_ARGUMENT,
          "fp8: a " + rows + " x " + cols + " matrix (rows and cols must be positive, rows * cols an int)");
    }
    return new int[] {(int) (rows * cols), granularity == Granularity.PER_ROW ? (int) rows : 1};
  }

  /**
   * Quantizes the row-major rows x cols matrix src (finite values): each
   * scale is amax / max_finite of its values (448 for E4M3, 57344 for E5M2;
   * 1 for an all-zero set), codes[i] = encode(src[i] / scale). On all cores.
   */
  public static Matrix quantize(float[] src, long rows, long cols, Format format, Granularity granularity) {
    Objects.requireNonNull(src, "src");
    int[] n = sizes(rows, cols, granularity);
    if (src.length != n[0]) {
      throw new AxqException(AxqStatus.INVALID_ARGUMENT,
          "fp8 quantize: " + src.length + " values for a " + rows + " x " + cols + " matrix");
    }
    Native.load();
    byte[] out = new byte[n[0]];
    float[] scales = new float[n[1]];
    Native.check(AxqNative.fp8_quantize(src, rows, cols, format.code(), granularity.code(), 0, out, scales));
    return new Matrix(out, scales);
  }

  /** The inverse of quantize with the same rows, cols, format and granularity. */
  public static float[] dequantize(byte[] codes, float[] scales, long rows, long cols, Format format,
                                   Granularity granularity) {
    Objects.requireNonNull(codes, "codes");
    Objects.requireNonNull(scales, "scales");
    int[] n = sizes(rows, cols, granularity);
    if (codes.length != n[0] || scales.length != n[1]) {
      throw new AxqException(AxqStatus.INVALID_ARGUMENT, "fp8 dequantize: " + codes.length + " codes and "
          + scales.length + " scales for a " + rows + " x " + cols + " matrix (" + n[0] + " and " + n[1]
          + " expected)");
    }
    Native.load();
    float[] dst = new float[n[0]];
    Native.check(AxqNative.fp8_dequantize(codes, scales, rows, cols, format.code(), granularity.code(), 0, dst));
    return dst;
  }

  /** {@link #dequantize(byte[], float[], long, long, Format, Granularity)} of a quantize result. */
  public static float[] dequantize(Matrix m, long rows, long cols, Format format, Granularity granularity) {
    Objects.requireNonNull(m, "m");
    return dequantize(m.codes, m.scales, rows, cols, format, granularity);
  }
}
