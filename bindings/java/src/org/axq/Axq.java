package org.axq;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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

  /**
   * Quantizes src's remaining values into dst from its position, without
   * copying: both must be direct buffers, src in native byte order. Advances
   * src to its limit and dst past the bytes written, which it returns.
   */
  public static int quantizeRow(AxqType type, FloatBuffer src, ByteBuffer dst) {
    requireDirect(src, src.isDirect(), src.order(), "src");
    requireDirect(dst, dst.isDirect(), ByteOrder.nativeOrder(), "dst");
    Native.load();
    int written = (int) Native.check(AxqNative.quantize_row_direct(type.id(), src, dst));
    src.position(src.limit());
    dst.position(dst.position() + written);
    return written;
  }

  /**
   * Expands src's remaining bytes into dst's remaining values without
   * copying (direct buffers, dst in native byte order); advances both.
   */
  public static void dequantizeRow(AxqType type, ByteBuffer src, FloatBuffer dst) {
    requireDirect(src, src.isDirect(), ByteOrder.nativeOrder(), "src");
    requireDirect(dst, dst.isDirect(), dst.order(), "dst");
    Native.load();
    Native.check(AxqNative.dequantize_row_direct(type.id(), src, dst));
    src.position(src.limit());
    dst.position(dst.limit());
  }

  private static void requireDirect(Buffer b, boolean direct, ByteOrder order, String name) {
    if (!direct) throw new IllegalArgumentException(name + ": not a direct buffer (use the array form)");
    if (order != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException(name + ": values must be in native byte order (order(ByteOrder.nativeOrder()))");
    }
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
