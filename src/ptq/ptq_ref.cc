// Scalar references of the PTQ kernels (ptq_kernels.h): plain loops in the
// obvious order, each multiply and add rounded on its own.
#include "src/ptq/ptq_kernels.h"

namespace axq {

void gemm_add_f64_ref(double* c, int64_t ldc, const double* a, int64_t lda, const double* b, int64_t ldb, int64_t m,
                      int64_t n, int64_t depth) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t p = 0; p < depth; ++p) {
      const double aip = a[i * lda + p];
      const double* brow = b + p * ldb;
      double* crow = c + i * ldc;
      for (int64_t j = 0; j < n; ++j) crow[j] += aip * brow[j];
    }
  }
}

double dot_f64_ref(const double* a, const double* b, int64_t n) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

void axpy_f64_ref(double alpha, const double* x, double* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

float dot_f32_ref(const float* a, const float* b, int64_t n) {
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

}  // namespace axq
