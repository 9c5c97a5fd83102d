import org.axq.Axq;
import org.axq.AxqType;
import org.axq.Tensor;

/** Quantizes a matrix to Q4_0, multiplies it with a batch of activations, prints the error. */
public class Example {
  public static void main(String[] args) {
    final int rows = 256, cols = 512, batch = 4;
    float[] w = new float[rows * cols];
    float[] x = new float[batch * cols];
    for (int i = 0; i < w.length; ++i) w[i] = (float) Math.sin(i * 0.013) * 0.05f;
    for (int i = 0; i < x.length; ++i) x[i] = (float) Math.cos(i * 0.007);
    try (Tensor w32 = Tensor.fromFloats(w, cols, rows);
        Tensor xt = Tensor.fromFloats(x, cols, batch);
        Tensor wq = w32.quantize(AxqType.Q4_0);
        Tensor exact = Tensor.create(AxqType.F32, rows, batch);
        Tensor approx = Tensor.create(AxqType.F32, rows, batch)) {
      Axq.matmul(exact, w32, xt);
      Axq.matmul(approx, wq, xt);
      float[] a = exact.toFloats();
      float[] b = approx.toFloats();
      double num = 0, den = 0;
      for (int i = 0; i < a.length; ++i) {
        num += (a[i] - b[i]) * (double) (a[i] - b[i]);
        den += a[i] * (double) a[i];
      }
      System.out.printf("libaxq %s: q4_0 matmul %dx%d by %d rows, relative error %.3g%n",
          Axq.version(), rows, cols, batch, Math.sqrt(num / den));
    }
  }
}
