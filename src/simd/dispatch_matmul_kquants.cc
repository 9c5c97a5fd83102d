// Dispatch for the K-quant matmul kernels (Q2_K ... Q6_K x Q8_K).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_matmul_kquants.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/matmul/kquants-inl.h"
#include "src/matmul/matmul_kernels.h"
#include "src/simd/dispatch_macros.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

#define AXQ_KQUANT_MATMUL(Name, Layout)                                                    \
  AXQ_KERNEL_ATTR void Matmul##Name(const MatmulProblem& p, int64_t begin, int64_t end) { \
    MatmulKQuant<Layout>(p, begin, end);                                                   \
  }
AXQ_KQUANT_MATMUL(Q2_K, Q2KLayout)
AXQ_KQUANT_MATMUL(Q3_K, Q3KLayout)
AXQ_KQUANT_MATMUL(Q4_K, Q4KLayout)
AXQ_KQUANT_MATMUL(Q5_K, Q5KLayout)
AXQ_KQUANT_MATMUL(Q6_K, Q6KLayout)
#undef AXQ_KQUANT_MATMUL

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_MATMUL(Q2_K)
AXQ_EXPORT_MATMUL(Q3_K)
AXQ_EXPORT_MATMUL(Q4_K)
AXQ_EXPORT_MATMUL(Q5_K)
AXQ_EXPORT_MATMUL(Q6_K)

}  // namespace

void FillKQuantMatmulKernels(MatmulKernelTable* table) {
  table->q2_k = DispatchMatmulQ2_K;
  table->q3_k = DispatchMatmulQ3_K;
  table->q4_k = DispatchMatmulQ4_K;
  table->q5_k = DispatchMatmulQ5_K;
  table->q6_k = DispatchMatmulQ6_K;
}

}  // namespace axq
#endif  // HWY_ONCE
