using System;
using System.Diagnostics;
using Axq;
using Axq.Internal;

// Binding overhead: quantizing 16 MiB of f32 to Q4_0 through Axq against the
// same C call timed in C, medians of several rounds. (Axq.dll lets this
// assembly see its internal SWIG layer.)
public static class OverheadBench {
  public static int Main() {
    float[] src = new float[16 << 20 >> 2];
    for (int i = 0; i < src.Length; ++i) src[i] = (float)Math.Sin(i * 0.001);
    byte[] dst = new byte[Quantizer.RowSize(AxqType.Q4_0, src.Length)];
    const int iterations = 20, rounds = 7;
    double[] cs = new double[rounds], c = new double[rounds];
    for (int r = 0; r < rounds; ++r) {
      Stopwatch watch = Stopwatch.StartNew();
      for (int i = 0; i < iterations; ++i) Quantizer.QuantizeRow(AxqType.Q4_0, src, dst);
      cs[r] = watch.Elapsed.TotalSeconds / iterations;
      c[r] = AxqNative.c_quantize_row_seconds((int)AxqType.Q4_0, src, (ulong)src.Length, dst, (ulong)dst.Length,
                                              iterations) / iterations;
    }
    Array.Sort(cs);
    Array.Sort(c);
    double b = cs[rounds / 2], n = c[rounds / 2];
    Console.WriteLine("csharp: quantize 16 MiB f32 to q4_0: binding {0:F3} ms, C {1:F3} ms, ratio {2:F3}",
                      b * 1e3, n * 1e3, b / n);
    return 0;
  }
}
