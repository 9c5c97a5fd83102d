// Dispatch for the ternary matmul kernels (I2_S, TQ2_0, TQ1_0).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_matmul_ternary.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/matmul/i2s-inl.h"
#include "src/matmul/ternary_blocks-inl.h"
#include "src/matmul/matmul_kernels.h"

#if HWY_ONCE
namespace axq {
namespace {

HWY_EXPORT(MatmulI2s);
HWY_EXPORT(MatmulTq2);
HWY_EXPORT(MatmulTq1);

void DispatchMatmulI2s(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(MatmulI2s)(p, row_begin, row_end);
}

void DispatchMatmulTq2(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(MatmulTq2)(p, row_begin, row_end);
}

void DispatchMatmulTq1(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(MatmulTq1)(p, row_begin, row_end);
}

}  // namespace

void FillTernaryMatmulKernels(MatmulKernelTable* table) {
  table->i2_s = DispatchMatmulI2s;
  table->tq2_0 = DispatchMatmulTq2;
  table->tq1_0 = DispatchMatmulTq1;
}

}  // namespace axq
#endif  // HWY_ONCE
