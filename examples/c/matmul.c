/* Quantizes a matrix to Q4_0, multiplies it with a batch of activations and
   prints the error against the f32 product (the binding examples in C). */
#include <axq/axq.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { kRows = 256, kCols = 512, kBatch = 4 };

static int fail(const char *what) {
  fprintf(stderr, "%s: %s\n", what, axq_last_error());
  return 1;
}

int main(void) {
  static float w[kRows * kCols], x[kBatch * kCols];
  for (int i = 0; i < kRows * kCols; ++i) w[i] = (float)sin(i * 0.013) * 0.05f;
  for (int i = 0; i < kBatch * kCols; ++i) x[i] = (float)cos(i * 0.007);
  const int64_t wdims[2] = {kCols, kRows}, xdims[2] = {kCols, kBatch}, ydims[2] = {kRows, kBatch};
  axq_tensor_t *w32 = NULL, *wq = NULL, *xt = NULL, *exact = NULL, *approx = NULL;
  int status = 1;
  if (axq_tensor_from_f32(&w32, w, 2, wdims) != AXQ_OK) { status = fail("weights"); goto done; }
  if (axq_tensor_from_f32(&xt, x, 2, xdims) != AXQ_OK) { status = fail("activations"); goto done; }
  if (axq_quantize(&wq, w32, AXQ_TYPE_Q4_0, NULL) != AXQ_OK) { status = fail("quantize"); goto done; }
  if (axq_tensor_create(&exact, AXQ_TYPE_F32, 2, ydims) != AXQ_OK ||
      axq_tensor_create(&approx, AXQ_TYPE_F32, 2, ydims) != AXQ_OK) {
    status = fail("outputs");
    goto done;
  }
  if (axq_matmul(exact, w32, xt, NULL) != AXQ_OK || axq_matmul(approx, wq, xt, NULL) != AXQ_OK) {
    status = fail("matmul");
    goto done;
  }
  const float *a = axq_tensor_data(exact), *b = axq_tensor_data(approx);
  double num = 0, den = 0;
  for (int i = 0; i < kRows * kBatch; ++i) {
    num += (double)(a[i] - b[i]) * (a[i] - b[i]);
    den += (double)a[i] * a[i];
  }
  printf("libaxq %s: q4_0 matmul %dx%d by %d rows, relative error %.3g\n", axq_version_string(),
         kRows, kCols, kBatch, sqrt(num / den));
  status = 0;
done:
  axq_tensor_destroy(approx);
  axq_tensor_destroy(exact);
  axq_tensor_destroy(wq);
  axq_tensor_destroy(xt);
  axq_tensor_destroy(w32);
  return status;
}
