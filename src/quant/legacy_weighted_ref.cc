// Q4_0, Q4_1, Q5_0 and Q5_1 under an importance matrix, byte-exact with
// ggml's quantize_row_q*_impl. Block layouts as FORMATS.md §2; the codes
// come from weighted searches instead of the fixed rounding:
//  - weights w = importance * sqrt(sigma2 + x^2), sigma2 the mean square of
//    the WHOLE row (so a row is quantized in one call);
//  - Q4_0/Q5_0: the weighted symmetric search (codes l + 8 / l + 16);
//  - Q4_1/Q5_1: weighted Search A, storing d = scale and m = the fitted
//    minimum.
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/kquant_search_a.h"
#include "src/quant/legacy_layout.h"
#include "src/quant/weighted_ref.h"
#include "src/quant/weighted_search.h"

namespace axq {
namespace {

// sigma2 of a row: sum x^2 in f32 and index order, over k as f32.
float RowMeanSquare(const float* x, int64_t k) {
  float sum = 0.0f;
  for (int64_t i = 0; i < k; ++i) sum += x[i] * x[i];
  return sum / static_cast<float>(k);
}

// Q4_0 (nmax 8) and Q5_0 (nmax 16): the block's signed scale and codes.
float SymmetricBlock(const float* x, const float* importance, float sigma2, int nmax, uint8_t* codes) {
  float w[kLegacyBlock];
  ImportanceWeights(x, importance, sigma2, kLegacyBlock, w);
  int8_t L[kLegacyBlock];
  const float d = SearchSymmetricWeighted(kLegacyBlock, nmax, x, w, L);
  for (int j = 0; j < kLegacyBlock; ++j) codes[j] = static_cast<uint8_t>(L[j]);
  return d;
}

// Q4_1 (nmax 15) and Q5_1 (nmax 31): writes d and m (f16) and the codes.
void ScaleMinBlock(const float* x, const float* importance, float sigma2, int nmax, uint8_t* d_m, uint8_t* codes) {
  float w[kLegacyBlock];
  ImportanceWeights(x, importance, sigma2, kLegacyBlock, w);
  float minv;
  const float d = SearchA(kLegacyBlock, x, w, WeightedSearchA(nmax), codes, &minv);
  StoreLE16(d_m, Fp32ToFp16(d));
  StoreLE16(d_m + 2, Fp32ToFp16(-minv));
}

void PackNibbles(const uint8_t* codes, uint8_t* qs) {
  for (int j = 0; j < kLegacyHalf; ++j) {
    qs[j] = static_cast<uint8_t>((codes[j] & 0x0F) | ((codes[j + kLegacyHalf] & 0x0F) << 4));
  }
}

}  // namespace

void quantize_row_q4_0_weighted_ref(const float* x, void* y, int64_t k, const float* importance) {
  const float sigma2 = RowMeanSquare(x, k);
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, importance += kLegacyBlock, block += kQ4_0Bytes) {
    uint8_t codes[kLegacyBlock];
    StoreLE16(block, Fp32ToFp16(SymmetricBlock(x, importance, sigma2, 8, codes)));
    PackNibbles(codes, block + 2);
  }
}

void quantize_row_q4_1_weighted_ref(const float* x, void* y, int64_t k, const float* importance) {
  const float sigma2 = RowMeanSquare(x, k);
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, importance += kLegacyBlock, block += kQ4_1Bytes) {
    uint8_t codes[kLegacyBlock];
    ScaleMinBlock(x, importance, sigma2, 15, block, codes);
    PackNibbles(codes, block + 4);
  }
}

void quantize_row_q5_0_weighted_ref(const float* x, void* y, int64_t k, const float* importance) {
  const float sigma2 = RowMeanSquare(x, k);
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, importance += kLegacyBlock, block += kQ5_0Bytes) {
    uint8_t codes[kLegacyBlock];
    StoreLE16(block, Fp32ToFp16(SymmetricBlock(x, importance, sigma2, 16, codes)));
    PackFiveBitCodes(codes, block + 2, block + 6);
  }
}

void quantize_row_q5_1_weighted_ref(const float* x, void* y, int64_t k, const float* importance) {
  const float sigma2 = RowMeanSquare(x, k);
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, importance += kLegacyBlock, block += kQ5_1Bytes) {
    uint8_t codes[kLegacyBlock];
    ScaleMinBlock(x, importance, sigma2, 31, block, codes);
    PackFiveBitCodes(codes, block + 4, block + 8);
  }
}

}  // namespace axq
