// Dispatch for Q8_0 and Q8_1.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_q8.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/quant/q8_0-inl.h"
#include "src/simd/dispatch_macros.h"
#include "src/simd/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

AXQ_TARGET_KERNELS(Q8_0, QuantizeRowQ8<false>, DequantizeRowQ8<false>)
AXQ_TARGET_KERNELS(Q8_1, QuantizeRowQ8<true>, DequantizeRowQ8<true>)

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_KERNELS(Q8_0)
AXQ_EXPORT_KERNELS(Q8_1)

}  // namespace

void FillQ8Kernels(KernelTable* table) {
  table->q8_0 = AXQ_DISPATCHED_KERNELS(Q8_0);
  table->q8_1 = AXQ_DISPATCHED_KERNELS(Q8_1);
}

}  // namespace axq
#endif  // HWY_ONCE
