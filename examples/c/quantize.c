/* Quantize a small weight matrix to Q4_0 and measure the round-trip error.
   Build: cc quantize.c $(pkg-config --cflags --libs axq) -o quantize */
#include <axq/axq.h>
#include <math.h>
#include <stdio.h>

int main(void) {
  enum { ROWS = 4, COLS = 64 };
  static float w[ROWS * COLS];
  for (int i = 0; i < ROWS * COLS; ++i) w[i] = sinf(0.1f * (float)i);

  const int64_t dims[2] = {COLS, ROWS};
  axq_tensor_t *src = NULL, *q = NULL, *back = NULL;
  axq_status s = axq_tensor_from_f32(&src, w, 2, dims);
  if (s == AXQ_OK) s = axq_quantize(&q, src, AXQ_TYPE_Q4_0, NULL);
  if (s == AXQ_OK) s = axq_dequantize(&back, q, NULL);
  if (s != AXQ_OK) {
    fprintf(stderr, "axq: %s: %s\n", axq_status_string(s), axq_last_error());
    return 1;
  }
  const float *y = (const float *)axq_tensor_data(back);
  double max_err = 0;
  for (int i = 0; i < ROWS * COLS; ++i) max_err = fmax(max_err, fabs(y[i] - w[i]));
  printf("libaxq %s: q4_0 %zu bytes for %d weights, max error %.4f\n", axq_version_string(),
         axq_tensor_nbytes(q), ROWS * COLS, max_err);
  axq_tensor_destroy(back);
  axq_tensor_destroy(q);
  axq_tensor_destroy(src);
  return max_err < 0.1 ? 0 : 1;
}
