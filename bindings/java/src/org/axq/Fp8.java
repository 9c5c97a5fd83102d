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
}
