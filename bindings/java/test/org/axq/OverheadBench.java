package org.axq;

import java.util.Arrays;
import org.axq.internal.AxqNative;

/**
 * Binding overhead: quantizing 16 MiB of f32 to Q4_0 through org.axq
 * against the same C call timed in C, medians of several rounds.
 */
public final class OverheadBench {
  public static void main(String[] args) {
    float[] src = new float[16 << 20 >> 2];
    for (int i = 0; i < src.length; ++i) src[i] = (float) Math.sin(i * 0.001);
    byte[] dst = new byte[(int) Axq.rowSize(AxqType.Q4_0, src.length)];
    final int iterations = 20, rounds = 7;
    double[] binding = new double[rounds];
    double[] c = new double[rounds];
    for (int r = 0; r < rounds; ++r) {
      long t0 = System.nanoTime();
      for (int i = 0; i < iterations; ++i) Axq.quantizeRow(AxqType.Q4_0, src, dst);
      binding[r] = (System.nanoTime() - t0) * 1e-9 / iterations;
      c[r] = AxqNative.c_quantize_row_seconds(AxqType.Q4_0.id(), src, dst, iterations) / iterations;
    }
    Arrays.sort(binding);
    Arrays.sort(c);
    double j = binding[rounds / 2], n = c[rounds / 2];
    System.out.printf("java: quantize 16 MiB f32 to q4_0: binding %.3f ms, C %.3f ms, ratio %.3f%n",
        j * 1e3, n * 1e3, j / n);
  }
}
