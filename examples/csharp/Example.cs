using System;
using Axq;

// Quantizes a matrix to Q4_0, multiplies it with a batch of activations and
// prints the error against the f32 product.
public static class Example {
  public static int Main() {
    const int rows = 256, cols = 512, batch = 4;
    float[] w = new float[rows * cols];
    float[] x = new float[batch * cols];
    for (int i = 0; i < w.Length; ++i) w[i] = (float)Math.Sin(i * 0.013) * 0.05f;
    for (int i = 0; i < x.Length; ++i) x[i] = (float)Math.Cos(i * 0.007);
    using (Tensor w32 = Tensor.FromFloats(w, cols, rows))
    using (Tensor xt = Tensor.FromFloats(x, cols, batch))
    using (Tensor wq = w32.Quantize(AxqType.Q4_0))
    using (Tensor exact = Tensor.Create(AxqType.F32, rows, batch))
    using (Tensor approx = Tensor.Create(AxqType.F32, rows, batch)) {
      Matmul.Compute(exact, w32, xt);
      Matmul.Compute(approx, wq, xt);
      float[] a = exact.ToFloats(), b = approx.ToFloats();
      double num = 0, den = 0;
      for (int i = 0; i < a.Length; ++i) {
        num += (a[i] - b[i]) * (double)(a[i] - b[i]);
        den += a[i] * (double)a[i];
      }
      Console.WriteLine("libaxq {0}: q4_0 matmul {1}x{2} by {3} rows, relative error {4:G3}",
                        Quantizer.Version, rows, cols, batch, Math.Sqrt(num / den));
    }
    return 0;
  }
}
