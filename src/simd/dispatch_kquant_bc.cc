// Dispatch for Q3_K and Q6_K (Searches C and B).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_kquant_bc.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/quant/kquant_bc-inl.h"
#include "src/simd/dispatch_macros.h"
#include "src/simd/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

AXQ_TARGET_KERNELS(Q3_K, QuantizeRowQ3_K, DequantizeRowQ3_K)
AXQ_TARGET_KERNELS(Q6_K, QuantizeRowQ6_K, DequantizeRowQ6_K)

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_KERNELS(Q3_K)
AXQ_EXPORT_KERNELS(Q6_K)

}  // namespace

void FillKQuantSymmetricKernels(KernelTable* table) {
  table->q3_k = AXQ_DISPATCHED_KERNELS(Q3_K);
  table->q6_k = AXQ_DISPATCHED_KERNELS(Q6_K);
}

}  // namespace axq
#endif  // HWY_ONCE
