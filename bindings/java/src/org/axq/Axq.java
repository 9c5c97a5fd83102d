package org.axq;

import org.axq.internal.AxqNative;

/** libaxq: rows, matmuls and process-wide settings. Every failure throws {@link AxqException}. */
public final class Axq {
  private Axq() {}

  /** The loaded libaxq's version, "X.Y.Z". */
  public static String version() {
    Native.load();
    return AxqNative.version_string();
  }

  /** Bytes that n elements of type take (n a multiple of the block size). */
  public static long rowSize(AxqType type, long n) {
    Native.load();
    return Native.check(AxqNative.row_size(type.id(), n));
  }

  /** Quantizes src to type, byte for byte as ggml writes files. */
  public static byte[] quantizeRow(AxqType type, float[] src) {
    byte[] out = new byte[Math.toIntExact(rowSize(type, src.length))];
    quantizeRow(type, src, out);
    return out;
  }

  /** Quantizes src into out without allocating; returns the bytes written. */
  public static int quantizeRow(AxqType type, float[] src, byte[] out) {
    Native.load();
    return (int) Native.check(AxqNative.quantize_row(type.id(), src, out));
  }

  /** Expands n elements of type held in src (exactly their bytes). */
  public static float[] dequantizeRow(AxqType type, byte[] src, int n) {
    float[] dst = new float[Math.max(0, n)];
    dequantizeRow(type, src, dst);
    return dst;
  }

  /** Expands src into dst (dst.length elements). */
  public static void dequantizeRow(AxqType type, byte[] src, float[] dst) {
    Native.load();
    Native.check(AxqNative.dequantize_row(type.id(), src, dst));
  }

  /**
   * y[n][m] = sum_k w[m][k] * x[n][k]: w has M rows of K (dims {K, M}) of any
   * implemented weight type, x N rows of K F32, y an F32 tensor of dims {M, N}.
   * threads: 0 = all cores; results are the same for any value.
   */
  public static void matmul(Tensor y, Tensor w, Tensor x, int threads) {
    Native.check(AxqNative.matmul(y.handle(), w.handle(), x.handle(), threads));
  }

  public static void matmul(Tensor y, Tensor w, Tensor x) {
    matmul(y, w, x, 0);
  }

  /** matmul for I2_S weights, with bitnet.cpp's arithmetic. */
  public static void matmulI2S(Tensor y, Tensor w, Tensor x, int threads) {
    Native.check(AxqNative.matmul_i2s(y.handle(), w.handle(), x.handle(), threads));
  }

  /** matmulI2S with activations already quantized to I8_S. */
  public static void matmulI2SI8(Tensor y, Tensor w, Tensor xI8, int threads) {
    Native.check(AxqNative.matmul_i2s_i8(y.handle(), w.handle(), xI8.handle(), threads));
  }

  /** The SIMD target the kernels run on now, e.g. "AVX3_DL". */
  public static String simdTarget() {
    Native.load();
    return AxqNative.simd_target_name();
  }

  /** Compiled targets this CPU runs, best first. */
  public static String[] simdTargets() {
    Native.load();
    String[] names = new String[(int) AxqNative.simd_target_count()];
    for (int i = 0; i < names.length; ++i) names[i] = AxqNative.simd_target_at(i);
    return names;
  }

  /** Restricts dispatch to a comma-separated list of targets; "" lifts it. Process-wide. */
  public static void setSimdTargets(String names) {
    Native.load();
    Native.check(AxqNative.simd_set_targets(names));
  }
}
