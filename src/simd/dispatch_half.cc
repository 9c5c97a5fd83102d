// Dispatch for F16 and BF16.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_half.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/quant/f16-inl.h"
#include "src/simd/dispatch_macros.h"
#include "src/simd/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

AXQ_TARGET_KERNELS(F16, QuantizeRowF16, DequantizeRowF16)
AXQ_TARGET_KERNELS(BF16, QuantizeRowBF16, DequantizeRowBF16)

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_KERNELS(F16)
AXQ_EXPORT_KERNELS(BF16)

}  // namespace

void FillHalfKernels(KernelTable* table) {
  table->f16 = AXQ_DISPATCHED_KERNELS(F16);
  table->bf16 = AXQ_DISPATCHED_KERNELS(BF16);
}

}  // namespace axq
#endif  // HWY_ONCE
