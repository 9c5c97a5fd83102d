// Ternary packing shared by I2_S, TQ1_0 and TQ2_0: the pieces the reference
// quantizers are built from, and BitNet b1.58's absmean ternarizer.
//
// Absmean (what BitNet's converter applies before packing): scale =
// max(mean|W|, 1e-5) over the whole tensor, trit = clamp(round(w / scale),
// -1, 1) with round half to even, computed as w * (1 / scale) in f32.
// The stored scale is that f32 value (I2_S) or its f16 rounding in every
// block (TQ1_0, TQ2_0).
#ifndef AXQ_QUANT_TERNARY_H_
#define AXQ_QUANT_TERNARY_H_

#include <cstdint>

namespace axq {

// --- I2_S pieces (src/quant/i2_s_ref.cc) ---
// codes: k values 0..3 in element order; dst: k / 4 bytes.
void PackI2sCodes(const uint8_t* codes, uint8_t* dst, int64_t k);
// The 32-byte trailer: f32 scale, then zeros.
void WriteI2sTail(uint8_t* tail, float scale);
// bitnet.cpp's rule: scale = max|x|; code 1 if |w| < 1e-6, else sign.
float I2sReferenceScale(const float* x, int64_t k);
void PackI2sReferenceCodes(const float* x, uint8_t* dst, int64_t k, float scale);
// k codes (k / 4 bytes) to k floats scale * (code - 1).
void DequantizeI2sCodes(const uint8_t* codes, float scale, float* y, int64_t k);

// --- TQ block packers (src/quant/tq*_ref.cc) ---
// codes: 256 values 0..2; d_bits: the block's f16 scale.
void PackTq1_0Block(const uint8_t* codes, uint16_t d_bits, uint8_t* block);
void PackTq2_0Block(const uint8_t* codes, uint16_t d_bits, uint8_t* block);

// --- Absmean (src/quant/ternary_absmean.cc) ---
// Sum of |x| in double, in a fixed order for any caller's chunking: callers
// add the per-chunk results of consecutive kAbsmeanChunk-element chunks.
constexpr int64_t kAbsmeanChunk = 1 << 16;
double AbsSumChunk(const float* x, int64_t n);
// max(sum / count, 1e-5) as f32.
float AbsmeanScaleFromSum(double abs_sum, int64_t count);
// trit + 1 for w under scale = 1 / inv_scale.
inline uint8_t AbsmeanCode(float w, float inv_scale) {
  const float v = w * inv_scale;
  return v > 0.5f ? 2 : (v < -0.5f ? 0 : 1);
}
void PackI2sAbsmeanCodes(const float* x, uint8_t* dst, int64_t k, float scale);
void QuantizeTq1_0Absmean(const float* x, uint8_t* dst, int64_t k, float scale);
void QuantizeTq2_0Absmean(const float* x, uint8_t* dst, int64_t k, float scale);

}  // namespace axq

#endif  // AXQ_QUANT_TERNARY_H_
