// Dispatch for Q8_0, Q8_1 and I8_S.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_q8.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/quant/i8_s-inl.h"
#include "src/quant/q8_0-inl.h"
#include "src/quant/ref.h"
#include "src/simd/dispatch_macros.h"
#include "src/simd/kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

AXQ_TARGET_KERNELS(Q8_0, QuantizeRowQ8<false>, DequantizeRowQ8<false>)
AXQ_TARGET_KERNELS(Q8_1, QuantizeRowQ8<true>, DequantizeRowQ8<true>)

// Dequantizing activations is for inspection only; the reference serves.
HWY_INLINE void DequantizeRowI8s(const uint8_t* x, float* y, int64_t k) {
  dequantize_row_i8_s_ref(x, y, k);
}
AXQ_TARGET_KERNELS(I8_S, QuantizeRowI8s, DequantizeRowI8s)

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_KERNELS(Q8_0)
AXQ_EXPORT_KERNELS(Q8_1)
AXQ_EXPORT_KERNELS(I8_S)

}  // namespace

void FillQ8Kernels(KernelTable* table) {
  table->q8_0 = AXQ_DISPATCHED_KERNELS(Q8_0);
  table->q8_1 = AXQ_DISPATCHED_KERNELS(Q8_1);
  table->i8_s = AXQ_DISPATCHED_KERNELS(I8_S);
}

}  // namespace axq
#endif  // HWY_ONCE
