// Dispatch for the F32, F16 and BF16 matmul kernels.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_matmul_float.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/matmul/float-inl.h"
#include "src/matmul/matmul_kernels.h"
#include "src/simd/dispatch_macros.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

void MatmulF32(const MatmulProblem& p, int64_t begin, int64_t end) { MatmulFloat<F32Weights>(p, begin, end); }
void MatmulF16(const MatmulProblem& p, int64_t begin, int64_t end) { MatmulFloat<F16Weights>(p, begin, end); }
void MatmulBf16(const MatmulProblem& p, int64_t begin, int64_t end) { MatmulFloat<Bf16Weights>(p, begin, end); }

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_MATMUL(F32)
AXQ_EXPORT_MATMUL(F16)
AXQ_EXPORT_MATMUL(Bf16)

}  // namespace

void FillFloatMatmulKernels(MatmulKernelTable* table) {
  table->f32 = DispatchMatmulF32;
  table->f16 = DispatchMatmulF16;
  table->bf16 = DispatchMatmulBf16;
}

}  // namespace axq
#endif  // HWY_ONCE
