// Dispatch for Q2_K, Q4_K and Q5_K (Search A); FillKQuantKernels also
// fills Q3_K and Q6_K through dispatch_kquant_bc.cc.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_kquant_a.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/quant/kquant_a-inl.h"
#include "src/simd/dispatch_macros.h"
#include "src/simd/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

AXQ_TARGET_KERNELS(Q2_K, QuantizeRowQ2_K, DequantizeRowQ2_K)
AXQ_TARGET_KERNELS(Q4_K, QuantizeRowQ4_K, DequantizeRowQ4_K)
AXQ_TARGET_KERNELS(Q5_K, QuantizeRowQ5_K, DequantizeRowQ5_K)

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_KERNELS(Q2_K)
AXQ_EXPORT_KERNELS(Q4_K)
AXQ_EXPORT_KERNELS(Q5_K)

}  // namespace

void FillKQuantKernels(KernelTable* table) {
  table->q2_k = AXQ_DISPATCHED_KERNELS(Q2_K);
  table->q4_k = AXQ_DISPATCHED_KERNELS(Q4_K);
  table->q5_k = AXQ_DISPATCHED_KERNELS(Q5_K);
  FillKQuantSymmetricKernels(table);
}

}  // namespace axq
#endif  // HWY_ONCE
