// Dispatch for the ternary matmul kernels (I2_S, TQ2_0, TQ1_0).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_matmul_ternary.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/matmul/i2s-inl.h"
#include "src/matmul/ternary_blocks-inl.h"
#include "src/matmul/matmul_kernels.h"
#include "src/simd/dispatch_macros.h"

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_MATMUL(I2s)
AXQ_EXPORT_MATMUL(Tq2)
AXQ_EXPORT_MATMUL(Tq1)

}  // namespace

void FillTernaryMatmulKernels(MatmulKernelTable* table) {
  table->i2_s = DispatchMatmulI2s;
  table->tq2_0 = DispatchMatmulTq2;
  table->tq1_0 = DispatchMatmulTq1;
}

}  // namespace axq
#endif  // HWY_ONCE
