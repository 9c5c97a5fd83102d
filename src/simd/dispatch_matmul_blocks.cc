// Dispatch for the 32-element block matmul kernels (Q4_0 ... Q8_0), plain
// and row-interleaved (repack.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_matmul_blocks.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/matmul/blocks-inl.h"
#include "src/matmul/repacked-inl.h"
#include "src/matmul/matmul_kernels.h"
#include "src/simd/dispatch_macros.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

#define AXQ_PLAIN_MATMUL(Name, Format)                                                      \
  AXQ_KERNEL_ATTR void Matmul##Name(const MatmulProblem& p, int64_t begin, int64_t end) { \
    MatmulBlocks<Format>(p, begin, end);                                                   \
  }
// Q4_0, Q4_1 and Q8_0 go through the interleaved kernel where there is one.
#if HWY_TARGET == HWY_AVX3_DL
#define AXQ_INTERLEAVED_MATMUL(Name, Format)                                                \
  AXQ_KERNEL_ATTR void Matmul##Name(const MatmulProblem& p, int64_t begin, int64_t end) { \
    if (GatherPays(p)) {                                                                    \
      MatmulGathered<Format>(p, begin, end);                                               \
    } else {                                                                               \
      MatmulBlocks<Format>(p, begin, end);                                                 \
    }                                                                                      \
  }
#else
#define AXQ_INTERLEAVED_MATMUL AXQ_PLAIN_MATMUL
#endif
AXQ_PLAIN_MATMUL(Q5_0, Q5_0Blocks)
AXQ_PLAIN_MATMUL(Q5_1, Q5_1Blocks)
AXQ_INTERLEAVED_MATMUL(Q4_0, Q4_0Blocks)
AXQ_INTERLEAVED_MATMUL(Q4_1, Q4_1Blocks)
AXQ_INTERLEAVED_MATMUL(Q8_0, Q8_0Blocks)
#undef AXQ_INTERLEAVED_MATMUL
#undef AXQ_PLAIN_MATMUL

#define AXQ_REPACKED_MATMUL(Name, Format)                                                       \
  AXQ_KERNEL_ATTR void MatmulRepacked##Name(const MatmulProblem& p, int64_t begin, int64_t end) { \
    MatmulRepacked<Format>(p, begin, end);                                                       \
  }
AXQ_REPACKED_MATMUL(Q4_0, Q4_0Blocks)
AXQ_REPACKED_MATMUL(Q4_1, Q4_1Blocks)
AXQ_REPACKED_MATMUL(Q8_0, Q8_0Blocks)
#undef AXQ_REPACKED_MATMUL

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

AXQ_EXPORT_MATMUL(Q4_0)
AXQ_EXPORT_MATMUL(Q4_1)
AXQ_EXPORT_MATMUL(Q5_0)
AXQ_EXPORT_MATMUL(Q5_1)
AXQ_EXPORT_MATMUL(Q8_0)
AXQ_EXPORT_MATMUL(RepackedQ4_0)
AXQ_EXPORT_MATMUL(RepackedQ4_1)
AXQ_EXPORT_MATMUL(RepackedQ8_0)

}  // namespace

void FillLegacyMatmulKernels(MatmulKernelTable* table) {
  table->q4_0 = DispatchMatmulQ4_0;
  table->q4_1 = DispatchMatmulQ4_1;
  table->q5_0 = DispatchMatmulQ5_0;
  table->q5_1 = DispatchMatmulQ5_1;
  table->q8_0 = DispatchMatmulQ8_0;
  table->q4_0_repacked = DispatchMatmulRepackedQ4_0;
  table->q4_1_repacked = DispatchMatmulRepackedQ4_1;
  table->q8_0_repacked = DispatchMatmulRepackedQ8_0;
}

}  // namespace axq
#endif  // HWY_ONCE
