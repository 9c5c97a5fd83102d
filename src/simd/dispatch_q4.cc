// Dispatch for Q4_0 and Q4_1.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_q4.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/quant/q4_0-inl.h"
#include "src/quant/q4_1-inl.h"
#include "src/simd/dispatch_macros.h"
#include "src/simd/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

AXQ_TARGET_KERNELS(Q4_0, QuantizeRowQ4_0, DequantizeRowQ4_0)
AXQ_TARGET_KERNELS(Q4_1, QuantizeRowQ4_1, DequantizeRowQ4_1)

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_KERNELS(Q4_0)
AXQ_EXPORT_KERNELS(Q4_1)

}  // namespace

void FillQ4Kernels(KernelTable* table) {
  table->q4_0 = AXQ_DISPATCHED_KERNELS(Q4_0);
  table->q4_1 = AXQ_DISPATCHED_KERNELS(Q4_1);
}

}  // namespace axq
#endif  // HWY_ONCE
