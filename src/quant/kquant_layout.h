// The K-quant super-blocks Q2_K..Q6_K (FORMATS.md §3.1) and the scalar
// scale step of each quantizer (§3.2 step 2), which the scalar references
// (q*_k_ref.cc) and the Highway kernels (kquant_a-inl.h, kquant_bc-inl.h)
// share so that both store the same scale bytes.
#ifndef AXQ_QUANT_KQUANT_LAYOUT_H_
#define AXQ_QUANT_KQUANT_LAYOUT_H_

#include <cstddef>
#include <cstdint>

#include "src/quant/kquant_search_a.h"

namespace axq {

constexpr size_t kQ2_KBytes = 84;  // scales[16], qs[64], d f16, dmin f16
constexpr size_t kQ2_KQsOffset = 16;
constexpr size_t kQ2_KDOffset = 80;
constexpr size_t kQ2_KDminOffset = 82;
constexpr int kQ2_KSub = 16;

constexpr size_t kQ3_KBytes = 110;  // hmask[32], qs[64], scales[12], d f16
constexpr size_t kQ3_KHmaskOffset = 0;
constexpr size_t kQ3_KQsOffset = 32;
constexpr size_t kQ3_KScalesOffset = 96;
constexpr size_t kQ3_KDOffset = 108;

constexpr size_t kQ4_KBytes = 144;  // d f16, dmin f16, scales[12], qs[128]
constexpr size_t kQ4_KScalesOffset = 4;
constexpr size_t kQ4_KQsOffset = 16;

constexpr size_t kQ5_KBytes = 176;  // d f16, dmin f16, scales[12], qh[32], qs[128]
constexpr size_t kQ5_KScalesOffset = 4;
constexpr size_t kQ5_KQhOffset = 16;
constexpr size_t kQ5_KQsOffset = 48;

constexpr size_t kQ6_KBytes = 210;  // ql[128], qh[64], scales[16] int8, d f16
constexpr size_t kQ6_KQlOffset = 0;
constexpr size_t kQ6_KQhOffset = 128;
constexpr size_t kQ6_KScalesOffset = 192;
constexpr size_t kQ6_KDOffset = 208;

constexpr int kScaleMin6Sub = 32;  // elements per scale of Q4_K and Q5_K

// Search A sweeps (§3.2): {nmax, rmin, rdelta, nstep, mad}.
constexpr SearchAParams kQ2_KSearch = {3, -0.5f, 0.1f, 15, true};
constexpr SearchAParams kQ4_KSearch = {15, -1.0f, 0.1f, 20, false};
constexpr SearchAParams kQ5_KSearch = {31, -0.5f, 0.1f, 15, false};

// Step 2 of each quantizer, from the per-sub-block search results:
// Q2_K: 16 scales sc and mins mn -> scales[16], d and dmin of `block`.
void EncodeQ2_KScales(const float* sc, const float* mn, uint8_t* block);
// Q3_K: 16 scales -> scales[12] and d of `block`.
void EncodeQ3_KScales(const float* sc, uint8_t* block);
// Q4_K/Q5_K: 8 scales and mins -> d and dmin (f16 at d_dmin[0..3]) and the
// 12 packed 6-bit scale/min bytes.
void EncodeScaleMin6(const float* sc, const float* mn, uint8_t* d_dmin, uint8_t* scales);
// Q6_K: zeroes the whole block; then, unless every scale is negligible
// (returns false: the zero block is the answer), writes scales[16] and d.
bool EncodeQ6_KScales(const float* sc, uint8_t* block);

// Q3_K's biased 6-bit scale code c_s (0..63) of sub-block s (§3.1).
inline int Q3_KScaleCode(const uint8_t* scales, int s) {
  const int low = s < 8 ? (scales[s] & 0x0F) : (scales[s - 8] >> 4);
  const int high = (scales[8 + s % 4] >> (2 * (s / 4))) & 3;
  return low | (high << 4);
}

}  // namespace axq

#endif  // AXQ_QUANT_KQUANT_LAYOUT_H_
