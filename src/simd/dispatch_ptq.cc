// Dispatch for the PTQ linear-algebra kernels (src/ptq/ptq_kernels.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_ptq.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/ptq/ptq-inl.h"
#include "src/ptq/ptq_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

void GemmAddF64Kernel(double* c, int64_t ldc, const double* a, int64_t lda, const double* b, int64_t ldb, int64_t m,
                      int64_t n, int64_t depth) {
  PqGemmAdd(c, ldc, a, lda, b, ldb, m, n, depth);
}
double DotF64Kernel(const double* a, const double* b, int64_t n) { return PqDot(a, b, n); }
void AxpyF64Kernel(double alpha, const double* x, double* y, int64_t n) { PqAxpy(alpha, x, y, n); }
float DotF32Kernel(const float* a, const float* b, int64_t n) { return PqDot(a, b, n); }

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

HWY_EXPORT(GemmAddF64Kernel);
HWY_EXPORT(DotF64Kernel);
HWY_EXPORT(AxpyF64Kernel);
HWY_EXPORT(DotF32Kernel);

void DispatchGemmAdd(double* c, int64_t ldc, const double* a, int64_t lda, const double* b, int64_t ldb, int64_t m,
                     int64_t n, int64_t depth) {
  HWY_DYNAMIC_DISPATCH(GemmAddF64Kernel)(c, ldc, a, lda, b, ldb, m, n, depth);
}
double DispatchDot(const double* a, const double* b, int64_t n) { return HWY_DYNAMIC_DISPATCH(DotF64Kernel)(a, b, n); }
void DispatchAxpy(double alpha, const double* x, double* y, int64_t n) {
  HWY_DYNAMIC_DISPATCH(AxpyF64Kernel)(alpha, x, y, n);
}
float DispatchDotF32(const float* a, const float* b, int64_t n) { return HWY_DYNAMIC_DISPATCH(DotF32Kernel)(a, b, n); }

}  // namespace

void FillPtqKernels(PtqKernels* table) {
  table->gemm_add = DispatchGemmAdd;
  table->dot = DispatchDot;
  table->axpy = DispatchAxpy;
  table->dot_f32 = DispatchDotF32;
}

}  // namespace axq
#endif  // HWY_ONCE
