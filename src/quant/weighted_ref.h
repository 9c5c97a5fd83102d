// Importance-weighted scalar quantizers, byte-exact with ggml's
// quantize_<type>(..., quant_weights) (its quantize_row_<type>_impl paths):
// what llama-quantize writes when given an importance matrix.
//
// Each quantizes ONE row of k elements (k a multiple of the block size):
// the legacy formats derive their weights from the mean square of the
// whole row, so a row must not be split. importance[0..k) is the
// importance of each column of the row (finite, >= 0); x must be finite.
// They run once per model and are never tuned; no Highway kernel exists.
#ifndef AXQ_QUANT_WEIGHTED_REF_H_
#define AXQ_QUANT_WEIGHTED_REF_H_

#include <cstdint>

namespace axq {

// K-quants (FORMATS.md §3), src/quant/kquant_weighted_ref.cc.
void quantize_row_q2_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance);
void quantize_row_q3_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance);
void quantize_row_q4_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance);
void quantize_row_q5_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance);
void quantize_row_q6_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance);

// 32-element formats (FORMATS.md §2), src/quant/legacy_weighted_ref.cc.
void quantize_row_q4_0_weighted_ref(const float* x, void* y, int64_t k, const float* importance);
void quantize_row_q4_1_weighted_ref(const float* x, void* y, int64_t k, const float* importance);
void quantize_row_q5_0_weighted_ref(const float* x, void* y, int64_t k, const float* importance);
void quantize_row_q5_1_weighted_ref(const float* x, void* y, int64_t k, const float* importance);

}  // namespace axq

#endif  // AXQ_QUANT_WEIGHTED_REF_H_
