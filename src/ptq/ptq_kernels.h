// The linear-algebra kernels of the PTQ algorithms (GPTQ's Hessian,
// Cholesky factor and updates; AWQ's output errors). The scalar references
// (ptq_ref.cc) define the arithmetic; the Highway kernels (ptq-inl.h,
// dispatched in src/simd/dispatch_ptq.cc) compute the same sums with fused
// multiply-adds and in another order, so they agree to rounding, not bit
// for bit: nothing here is a file format.
#ifndef AXQ_PTQ_PTQ_KERNELS_H_
#define AXQ_PTQ_PTQ_KERNELS_H_

#include <cstdint>

#include "src/simd/kernels.h"

namespace axq {

// C[i][j] += sum_p A[i][p] * B[p][j] for i < m, j < n, p < depth; row-major
// with leading dimensions lda, ldb, ldc. One thread.
using GemmAddF64Fn = void (*)(double* c, int64_t ldc, const double* a, int64_t lda, const double* b, int64_t ldb,
                              int64_t m, int64_t n, int64_t depth);
// sum_i a[i] * b[i], n >= 0.
using DotF64Fn = double (*)(const double* a, const double* b, int64_t n);
// y[i] += alpha * x[i], n >= 0.
using AxpyF64Fn = void (*)(double alpha, const double* x, double* y, int64_t n);
// sum_i a[i] * b[i] over f32 (accumulated in f32 lanes), n >= 0.
using DotF32Fn = float (*)(const float* a, const float* b, int64_t n);

struct PtqKernels {
  GemmAddF64Fn gemm_add = nullptr;
  DotF64Fn dot = nullptr;
  AxpyF64Fn axpy = nullptr;
  DotF32Fn dot_f32 = nullptr;
};

const PtqKernels& PtqKernelsFor(KernelSet set = KernelSet::kDispatched);

void gemm_add_f64_ref(double* c, int64_t ldc, const double* a, int64_t lda, const double* b, int64_t ldb, int64_t m,
                      int64_t n, int64_t depth);
double dot_f64_ref(const double* a, const double* b, int64_t n);
void axpy_f64_ref(double alpha, const double* x, double* y, int64_t n);
float dot_f32_ref(const float* a, const float* b, int64_t n);

// The Highway set (src/simd/dispatch_ptq.cc).
void FillPtqKernels(PtqKernels* table);

}  // namespace axq

#endif  // AXQ_PTQ_PTQ_KERNELS_H_
