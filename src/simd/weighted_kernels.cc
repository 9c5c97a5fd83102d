// The quantize_weighted entries of the kernel table: the scalar weighted
// references (src/quant/weighted_ref.h) in both tables. Applied after
// every other filler, which may replace whole entries.
#include <cmath>

#include "src/quant/weighted_ref.h"
#include "src/simd/kernels.h"

namespace axq {
namespace {

template <void (*Quantize)(const float*, void*, int64_t, const float*)>
bool CheckedWeighted(const float* x, void* y, int64_t k, const float* importance) {
  for (int64_t i = 0; i < k; ++i) {
    if (!std::isfinite(x[i])) return false;
  }
  Quantize(x, y, k, importance);
  return true;
}

}  // namespace

void FillWeightedQuantizers(KernelTable* t) {
  t->q4_0.quantize_weighted = CheckedWeighted<quantize_row_q4_0_weighted_ref>;
  t->q4_1.quantize_weighted = CheckedWeighted<quantize_row_q4_1_weighted_ref>;
  t->q5_0.quantize_weighted = CheckedWeighted<quantize_row_q5_0_weighted_ref>;
  t->q5_1.quantize_weighted = CheckedWeighted<quantize_row_q5_1_weighted_ref>;
  t->q2_k.quantize_weighted = CheckedWeighted<quantize_row_q2_K_weighted_ref>;
  t->q3_k.quantize_weighted = CheckedWeighted<quantize_row_q3_K_weighted_ref>;
  t->q4_k.quantize_weighted = CheckedWeighted<quantize_row_q4_K_weighted_ref>;
  t->q5_k.quantize_weighted = CheckedWeighted<quantize_row_q5_K_weighted_ref>;
  t->q6_k.quantize_weighted = CheckedWeighted<quantize_row_q6_K_weighted_ref>;
}

}  // namespace axq
