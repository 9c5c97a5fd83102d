// Scalar references of the K-quants Q2_K..Q6_K (FORMATS.md §3): quantize
// (ggml's reference rounding and searches, no importance matrix) and
// dequantize, byte-exact and bit-exact with ggml. k is a multiple of 256.
#ifndef AXQ_QUANT_KQUANTS_REF_H_
#define AXQ_QUANT_KQUANTS_REF_H_

#include <cstdint>

namespace axq {

void quantize_row_q2_K_ref(const float* x, void* y, int64_t k);
void dequantize_row_q2_K_ref(const void* x, float* y, int64_t k);
void quantize_row_q3_K_ref(const float* x, void* y, int64_t k);
void dequantize_row_q3_K_ref(const void* x, float* y, int64_t k);
void quantize_row_q4_K_ref(const float* x, void* y, int64_t k);
void dequantize_row_q4_K_ref(const void* x, float* y, int64_t k);
void quantize_row_q5_K_ref(const float* x, void* y, int64_t k);
void dequantize_row_q5_K_ref(const void* x, float* y, int64_t k);
void quantize_row_q6_K_ref(const float* x, void* y, int64_t k);
void dequantize_row_q6_K_ref(const void* x, float* y, int64_t k);

}  // namespace axq

#endif  // AXQ_QUANT_KQUANTS_REF_H_
