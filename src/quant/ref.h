// Scalar reference quantizers, named after ggml's (ggml-quants.c) so the two
// can be read side by side. They follow FORMATS.md step by step, are built
// with -ffp-contract=off, and are never tuned: the Highway kernels and the
// tests are checked against them.
//
// `k` is the element count, a multiple of the block size. Byte pointers may
// have any alignment. Inputs to integer formats are assumed finite (the API
// rejects NaN/Inf first); the references still give ggml's x86 bytes for
// the degenerate scales that finite inputs can produce.
#ifndef AXQ_QUANT_REF_H_
#define AXQ_QUANT_REF_H_

#include <cstdint>

namespace axq {

void quantize_row_f16_ref(const float* x, void* y, int64_t k);
void dequantize_row_f16_ref(const void* x, float* y, int64_t k);
void quantize_row_bf16_ref(const float* x, void* y, int64_t k);
void dequantize_row_bf16_ref(const void* x, float* y, int64_t k);

void quantize_row_q8_0_ref(const float* x, void* y, int64_t k);
void dequantize_row_q8_0_ref(const void* x, float* y, int64_t k);
void quantize_row_q8_1_ref(const float* x, void* y, int64_t k);
void dequantize_row_q8_1_ref(const void* x, float* y, int64_t k);

void quantize_row_q4_0_ref(const float* x, void* y, int64_t k);
void dequantize_row_q4_0_ref(const void* x, float* y, int64_t k);
void quantize_row_q4_1_ref(const float* x, void* y, int64_t k);
void dequantize_row_q4_1_ref(const void* x, float* y, int64_t k);

void quantize_row_q5_0_ref(const float* x, void* y, int64_t k);
void dequantize_row_q5_0_ref(const void* x, float* y, int64_t k);
void quantize_row_q5_1_ref(const float* x, void* y, int64_t k);
void dequantize_row_q5_1_ref(const void* x, float* y, int64_t k);

void quantize_row_q8_K_ref(const float* x, void* y, int64_t k);
void dequantize_row_q8_K_ref(const void* x, float* y, int64_t k);
void quantize_row_tq1_0_ref(const float* x, void* y, int64_t k);
void dequantize_row_tq1_0_ref(const void* x, float* y, int64_t k);
void quantize_row_tq2_0_ref(const float* x, void* y, int64_t k);
void dequantize_row_tq2_0_ref(const void* x, float* y, int64_t k);

// I2_S as one whole tensor of k elements: k / 4 code bytes, then the f32
// scale and 28 zero bytes (bitnet.cpp's quantize_i2_s, x86 layout).
void quantize_i2_s_ref(const float* x, void* y, int64_t k);
void dequantize_i2_s_ref(const void* x, float* y, int64_t k);
// I8_S as one activation row of k elements: k int8 codes, f32 scale, int32
// sum (bitnet.cpp's quantize_row_i8_s plus libaxq's row layout).
void quantize_row_i8_s_ref(const float* x, void* y, int64_t k);
void dequantize_row_i8_s_ref(const void* x, float* y, int64_t k);

}  // namespace axq

#endif  // AXQ_QUANT_REF_H_
