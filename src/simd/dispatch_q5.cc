// Dispatch for Q5_0 and Q5_1.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_q5.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/quant/q5_0-inl.h"
#include "src/quant/q5_1-inl.h"
#include "src/simd/dispatch_macros.h"
#include "src/simd/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

AXQ_TARGET_KERNELS(Q5_0, QuantizeRowQ5_0, DequantizeRowQ5_0)
AXQ_TARGET_KERNELS(Q5_1, QuantizeRowQ5_1, DequantizeRowQ5_1)

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_KERNELS(Q5_0)
AXQ_EXPORT_KERNELS(Q5_1)

}  // namespace

void FillQ5Kernels(KernelTable* table) {
  table->q5_0 = AXQ_DISPATCHED_KERNELS(Q5_0);
  table->q5_1 = AXQ_DISPATCHED_KERNELS(Q5_1);
}

}  // namespace axq
#endif  // HWY_ONCE
