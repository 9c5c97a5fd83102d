// Q2_K..Q6_K under an importance matrix, byte-exact with ggml's
// quantize_row_q*_K_impl. The block layouts are those of FORMATS.md §3.1
// (and of the unweighted references beside this file); what changes is how
// codes and scales are chosen:
//  - element weights w = importance * sqrt(sigma2 + x^2), sigma2 the mean
//    square of the super-block (Q2_K) or twice it (Q3_K, Q4_K, Q5_K);
//    Q6_K weights by the importance alone;
//  - sub-block fits by weighted Search A (Q2_K, Q4_K, Q5_K) or the weighted
//    symmetric search (Q3_K, Q6_K);
//  - the sub-block scales (and mins) themselves are fitted with weights
//    sum(w) of each sub-block (SearchScaleCodes, or the symmetric search for
//    Q3_K) instead of relative to the largest one;
//  - then, as unweighted, every code is rounded again against the scales
//    as stored (a zero stored scale keeps the search's codes).
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "src/quant/half.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_pack.h"
#include "src/quant/kquant_scales.h"
#include "src/quant/kquant_search_a.h"
#include "src/quant/kquant_search_bc.h"
#include "src/quant/ternary_layout.h"
#include "src/quant/weighted_ref.h"
#include "src/quant/weighted_search.h"

namespace axq {
namespace {

constexpr int kSub16 = 16;
constexpr int kSub32 = 32;
constexpr int kSubBlocks16 = kSuperBlock / kSub16;
constexpr int kSubBlocks32 = kSuperBlock / kSub32;

constexpr float kGroupMaxEps = 1e-15f;  // ggml's GROUP_MAX_EPS
static_assert(kQ4_KScalesOffset == kQ5_KScalesOffset, "Q4_K and Q5_K share the scale step");

// Sum of x^2 over one super-block, in f32 and index order.
float SumSquares(const float* x) {
  float sum = 0.0f;
  for (int i = 0; i < kSuperBlock; ++i) sum += x[i] * x[i];
  return sum;
}

float Sum(const float* w, int n) {
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) sum += w[i];
  return sum;
}

int Clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

// Steps shared by Q2_K, Q4_K and Q5_K: weighted Search A per sub-block of
// `sub` elements; writes the codes L, and each sub-block's scale, min and
// weight sum.
void FitScaleMinSubBlocks(const float* x, const float* importance, float sigma2, int sub, int nmax, uint8_t* L,
                          float* scales, float* mins, float* weight_sums) {
  const SearchAParams params = WeightedSearchA(nmax);
  for (int s = 0; s < kSuperBlock / sub; ++s) {
    float w[kSub32];
    ImportanceWeights(x + sub * s, importance + sub * s, sigma2, sub, w);
    weight_sums[s] = Sum(w, sub);
    scales[s] = SearchA(sub, x + sub * s, w, params, L + sub * s, &mins[s]);
  }
}

// Q4_K/Q5_K: the 6-bit scale/min codes, d and dmin, then the codes again
// against the stored values. Q5_K caps the codes at 63 first; Q4_K stores
// what the search gave (ggml does not cap it).
void ScaleMin6Weighted(const float* x, const float* importance, int nmax, bool cap_codes, uint8_t* block,
                       uint8_t* L) {
  const float sigma2 = 2.0f * SumSquares(x) / static_cast<float>(kSuperBlock);
  float scales[kSubBlocks32];
  float mins[kSubBlocks32];
  float weight_sums[kSubBlocks32];
  FitScaleMinSubBlocks(x, importance, sigma2, kSub32, nmax, L, scales, mins, weight_sums);
  uint8_t ls[kSubBlocks32];
  uint8_t lm[kSubBlocks32];
  const float d = SearchScaleCodes(kSubBlocks32, 63, scales, weight_sums, ls);
  const float dmin = SearchScaleCodes(kSubBlocks32, 63, mins, weight_sums, lm);
  uint8_t* packed = block + kQ4_KScalesOffset;  // Q5_K: the same offset
  std::memset(packed, 0, kScaleMin6Bytes);
  for (int s = 0; s < kSubBlocks32; ++s) {
    const uint8_t scale_code = cap_codes ? std::min<uint8_t>(63, ls[s]) : ls[s];
    const uint8_t min_code = cap_codes ? std::min<uint8_t>(63, lm[s]) : lm[s];
    PackScaleMin6(s, scale_code, min_code, packed);
  }
  const uint16_t d_bits = Fp32ToFp16(d);
  const uint16_t dmin_bits = Fp32ToFp16(dmin);
  StoreLE16(block, d_bits);
  StoreLE16(block + 2, dmin_bits);
  for (int s = 0; s < kSubBlocks32; ++s) {
    uint8_t sc, m;
    UnpackScaleMin6(s, packed, &sc, &m);
    const float a = Fp16ToFp32(d_bits) * static_cast<float>(sc);
    if (a == 0.0f) continue;
    const float b = Fp16ToFp32(dmin_bits) * static_cast<float>(m);
    for (int l = 0; l < kSub32; ++l) {
      const int i = kSub32 * s + l;
      L[i] = static_cast<uint8_t>(Clamp(NearestInt((x[i] + b) / a), 0, nmax));
    }
  }
}

// Q6_K element i = 128h + 32k + l keeps its low nibble in ql[64h + l +
// 32(k&1)] (low half for k < 2) and its top two bits as Crumb(qh, i).
int Q6QlIndex(int i) { return 64 * (i / 128) + i % 32 + 32 * (((i % 128) / 32) & 1); }
int Q6QlShift(int i) { return (i % 128) / 32 < 2 ? 0 : 4; }

}  // namespace

void quantize_row_q2_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, importance += kSuperBlock, block += kQ2_KBytes) {
    const float sigma2 = SumSquares(x) / static_cast<float>(kSuperBlock);
    uint8_t L[kSuperBlock];
    float scales[kSubBlocks16];
    float mins[kSubBlocks16];
    float weight_sums[kSubBlocks16];
    FitScaleMinSubBlocks(x, importance, sigma2, kSub16, 3, L, scales, mins, weight_sums);
    // 4-bit scale and min codes fitted under the sub-blocks' weights; the
    // byte keeps the low 8 bits of (scale | min << 4), as ggml's does.
    uint8_t ls[kSubBlocks16];
    uint8_t lm[kSubBlocks16];
    const uint16_t d_bits = Fp32ToFp16(SearchScaleCodes(kSubBlocks16, 15, scales, weight_sums, ls));
    const uint16_t dmin_bits = Fp32ToFp16(SearchScaleCodes(kSubBlocks16, 15, mins, weight_sums, lm));
    for (int s = 0; s < kSubBlocks16; ++s) block[s] = static_cast<uint8_t>(ls[s] | (lm[s] << 4));
    StoreLE16(block + kQ2_KDOffset, d_bits);
    StoreLE16(block + kQ2_KDminOffset, dmin_bits);
    for (int s = 0; s < kSubBlocks16; ++s) {
      const float a = Fp16ToFp32(d_bits) * static_cast<float>(block[s] & 0x0F);
      if (a == 0.0f) continue;
      const float m = Fp16ToFp32(dmin_bits) * static_cast<float>(block[s] >> 4);
      for (int l = 0; l < kSub16; ++l) {
        const int i = kSub16 * s + l;
        L[i] = static_cast<uint8_t>(Clamp(NearestInt((x[i] + m) / a), 0, 3));
      }
    }
    uint8_t* qs = block + kQ2_KQsOffset;
    std::memset(qs, 0, 64);
    for (int i = 0; i < kSuperBlock; ++i) {
      qs[CrumbByte(i)] = static_cast<uint8_t>(qs[CrumbByte(i)] | (L[i] << CrumbShift(i)));
    }
  }
}

void quantize_row_q3_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, importance += kSuperBlock, block += kQ3_KBytes) {
    const float sigma2 = 2.0f * SumSquares(x) / static_cast<float>(kSuperBlock);
    int8_t codes[kSuperBlock];
    float scales[kSubBlocks16];
    float weight_sums[kSubBlocks16];
    for (int s = 0; s < kSubBlocks16; ++s) {
      float w[kSub16];
      ImportanceWeights(x + kSub16 * s, importance + kSub16 * s, sigma2, kSub16, w);
      weight_sums[s] = Sum(w, kSub16);
      scales[s] = SearchSymmetricWeighted(kSub16, 4, x + kSub16 * s, w, codes + kSub16 * s);
    }
    // The 16 scales are themselves fitted symmetrically, 6-bit codes biased
    // by 32, weighted by the sub-blocks' weight sums.
    int8_t scale_codes[kSubBlocks16];
    const uint16_t d_bits =
        Fp32ToFp16(SearchSymmetricWeighted(kSubBlocks16, 32, scales, weight_sums, scale_codes));
    uint8_t* packed = block + kQ3_KScalesOffset;
    std::memset(packed, 0, 12);
    for (int s = 0; s < kSubBlocks16; ++s) {
      const int c = scale_codes[s];
      if (s < 8) {
        packed[s] = static_cast<uint8_t>(c & 0x0F);
      } else {
        packed[s - 8] = static_cast<uint8_t>(packed[s - 8] | ((c & 0x0F) << 4));
      }
      packed[8 + s % 4] = static_cast<uint8_t>(packed[8 + s % 4] | ((c >> 4) << (2 * (s / 4))));
    }
    StoreLE16(block + kQ3_KDOffset, d_bits);
    const float d = Fp16ToFp32(d_bits);
    for (int s = 0; s < kSubBlocks16; ++s) {
      const float a = d * static_cast<float>(Q3_KScaleCode(packed, s) - 32);
      if (a == 0.0f) continue;
      for (int j = 0; j < kSub16; ++j) {
        const int i = kSub16 * s + j;
        codes[i] = static_cast<int8_t>(Clamp(NearestInt(x[i] / a), -4, 3) + 4);
      }
    }
    PackQ3_KCodes(codes, block);
  }
}

void quantize_row_q4_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, importance += kSuperBlock, block += kQ4_KBytes) {
    uint8_t L[kSuperBlock];
    ScaleMin6Weighted(x, importance, 15, false, block, L);
    PackQ4_KCodes(L, block);
  }
}

void quantize_row_q5_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, importance += kSuperBlock, block += kQ5_KBytes) {
    uint8_t L[kSuperBlock];
    ScaleMin6Weighted(x, importance, 31, true, block, L);
    PackQ5_KCodes(L, block);
  }
}

void quantize_row_q6_K_weighted_ref(const float* x, void* y, int64_t k, const float* importance) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, importance += kSuperBlock, block += kQ6_KBytes) {
    int8_t codes[kSuperBlock];
    float scales[kSubBlocks16];
    for (int s = 0; s < kSubBlocks16; ++s) {
      scales[s] = SearchSymmetricWeighted(kSub16, 32, x + kSub16 * s, importance + kSub16 * s, codes + kSub16 * s);
    }
    float max_abs_scale;
    const float max_scale = ArgMaxAbs(scales, kSubBlocks16, &max_abs_scale);
    std::memset(block, 0, kQ6_KBytes);
    if (max_abs_scale < kGroupMaxEps) continue;  // the all-zero block, d = +0
    // From here as unweighted Q6_K: int8 scales relative to the largest.
    const float iscale = -128.0f / max_scale;
    const uint16_t d_bits = Fp32ToFp16(1.0f / iscale);
    StoreLE16(block + kQ6_KDOffset, d_bits);
    int8_t* packed = reinterpret_cast<int8_t*>(block + kQ6_KScalesOffset);
    for (int s = 0; s < kSubBlocks16; ++s) {
      const int v = NearestInt(iscale * scales[s]);
      packed[s] = static_cast<int8_t>(static_cast<uint8_t>(v < 127 ? v : 127));
    }
    const float d = Fp16ToFp32(d_bits);
    for (int s = 0; s < kSubBlocks16; ++s) {
      const float a = d * static_cast<float>(packed[s]);
      if (a == 0.0f) continue;
      for (int j = 0; j < kSub16; ++j) {
        const int i = kSub16 * s + j;
        codes[i] = static_cast<int8_t>(Clamp(NearestInt(x[i] / a), -32, 31) + 32);
      }
    }
    uint8_t* ql = block + kQ6_KQlOffset;
    uint8_t* qh = block + kQ6_KQhOffset;
    for (int i = 0; i < kSuperBlock; ++i) {
      const int l = codes[i];
      ql[Q6QlIndex(i)] = static_cast<uint8_t>(ql[Q6QlIndex(i)] | ((l & 0x0F) << Q6QlShift(i)));
      qh[CrumbByte(i)] = static_cast<uint8_t>(qh[CrumbByte(i)] | ((l >> 4) << CrumbShift(i)));
    }
  }
}

}  // namespace axq
