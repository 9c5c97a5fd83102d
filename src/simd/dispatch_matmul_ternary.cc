// Dispatch for the ternary matmul kernels (I2_S).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_matmul_ternary.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/matmul/i2s-inl.h"
#include "src/matmul/matmul_kernels.h"

#if HWY_ONCE
namespace axq {
namespace {

HWY_EXPORT(MatmulI2s);

void DispatchMatmulI2s(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  HWY_DYNAMIC_DISPATCH(MatmulI2s)(p, row_begin, row_end);
}

}  // namespace

void FillTernaryMatmulKernels(MatmulKernelTable* table) { table->i2_s = DispatchMatmulI2s; }

}  // namespace axq
#endif  // HWY_ONCE
