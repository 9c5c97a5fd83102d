// Search A and the Q4_K/Q5_K super-block scales (FORMATS.md §3.2). Every sum
// runs in f32 in index order and every product left to right, as the spec
// writes them: the codes ggml picks depend on those roundings.
#include "src/quant/kquant_search_a.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_scales.h"
#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

constexpr int kMaxSearchN = 32;
constexpr int kSubBlock32 = 32;

inline uint8_t ClampCode(int l, int nmax) { return static_cast<uint8_t>(std::max(0, std::min(nmax, l))); }

// e(s, m, L) of step 3: sum of w_i * err(((s*L_i) + m) - x_i).
float WeightedError(int n, const float* x, const float* w, const uint8_t* L, float s, float m, bool mad) {
  float e = 0.0f;
  for (int i = 0; i < n; ++i) {
    float diff = s * static_cast<float>(L[i]) + m - x[i];
    diff = mad ? std::fabs(diff) : diff * diff;
    e += w[i] * diff;
  }
  return e;
}

}  // namespace

float SearchA(int n, const float* x, const float* w, const SearchAParams& p, uint8_t* L, float* minv) {
  // Step 1.
  float lo = x[0];
  float hi = x[0];
  float sum_w = w[0];
  float sum_x = sum_w * x[0];
  for (int i = 1; i < n; ++i) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
    sum_w += w[i];
    sum_x += w[i] * x[i];
  }
  // Step 2: the model always covers 0, so the min is never positive.
  if (lo > 0.0f) lo = 0.0f;
  if (hi == lo) {
    for (int i = 0; i < n; ++i) L[i] = 0;
    *minv = -lo;
    return 0.0f;
  }
  // Step 3.
  float iscale = static_cast<float>(p.nmax) / (hi - lo);
  float scale = 1.0f / iscale;
  for (int i = 0; i < n; ++i) L[i] = ClampCode(NearestInt(iscale * (x[i] - lo)), p.nmax);
  float best = WeightedError(n, x, w, L, scale, lo, p.mad);
  // Step 4. lo moves when a candidate wins, and later candidates start from
  // the new lo, as in ggml.
  uint8_t candidate[kMaxSearchN];
  for (int t = 0; t <= p.nstep; ++t) {
    iscale = (p.rmin + p.rdelta * static_cast<float>(t) + static_cast<float>(p.nmax)) / (hi - lo);
    float sum_l = 0.0f;
    float sum_l2 = 0.0f;
    float sum_xl = 0.0f;
    for (int i = 0; i < n; ++i) {
      candidate[i] = ClampCode(NearestInt(iscale * (x[i] - lo)), p.nmax);
      const float wl = w[i] * static_cast<float>(candidate[i]);
      sum_l += wl;
      sum_l2 += wl * static_cast<float>(candidate[i]);
      sum_xl += wl * x[i];
    }
    const float D = sum_w * sum_l2 - sum_l * sum_l;
    if (!(D > 0.0f)) continue;
    float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
    float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
    if (this_min > 0.0f) {
      this_min = 0.0f;
      this_scale = sum_xl / sum_l2;
    }
    const float err = WeightedError(n, x, w, candidate, this_scale, this_min, p.mad);
    if (err < best) {
      std::copy(candidate, candidate + n, L);
      best = err;
      scale = this_scale;
      lo = this_min;
    }
  }
  // Step 5.
  *minv = -lo;
  return scale;
}

void EncodeScaleMin6(const float* sc, const float* mn, uint8_t* d_dmin, uint8_t* scales) {
  constexpr int kSubBlocks = kSuperBlock / kSubBlock32;
  float max_scale = 0.0f;
  float max_min = 0.0f;
  for (int s = 0; s < kSubBlocks; ++s) {
    if (sc[s] > max_scale) max_scale = sc[s];
    if (mn[s] > max_min) max_min = mn[s];
  }
  // 6-bit codes relative to the largest scale and min. The rounded int goes
  // through uint8 (mod 256) before the clamp to 63.
  const float inv_scale = max_scale > 0.0f ? 63.0f / max_scale : 0.0f;
  const float inv_min = max_min > 0.0f ? 63.0f / max_min : 0.0f;
  std::fill(scales, scales + kScaleMin6Bytes, uint8_t{0});
  for (int s = 0; s < kSubBlocks; ++s) {
    const uint8_t ls = std::min<uint8_t>(63, static_cast<uint8_t>(NearestInt(inv_scale * sc[s])));
    const uint8_t lm = std::min<uint8_t>(63, static_cast<uint8_t>(NearestInt(inv_min * mn[s])));
    PackScaleMin6(s, ls, lm, scales);
  }
  StoreLE16(d_dmin, Fp32ToFp16(max_scale / 63.0f));
  StoreLE16(d_dmin + 2, Fp32ToFp16(max_min / 63.0f));
}

void QuantizeScaleMin6SuperBlock(const float* x, const SearchAParams& p, uint8_t* d_dmin, uint8_t* scales,
                                 uint8_t* L) {
  constexpr int kSubBlocks = kSuperBlock / kSubBlock32;
  float sc[kSubBlocks];
  float mn[kSubBlocks];
  // Step 1: weights favour large magnitudes on top of the sub-block's RMS.
  for (int s = 0; s < kSubBlocks; ++s) {
    const float* xs = x + kSubBlock32 * s;
    float sum_x2 = 0.0f;
    for (int l = 0; l < kSubBlock32; ++l) sum_x2 += xs[l] * xs[l];
    const float av_x = std::sqrt(sum_x2 / static_cast<float>(kSubBlock32));
    float w[kSubBlock32];
    for (int l = 0; l < kSubBlock32; ++l) w[l] = av_x + std::fabs(xs[l]);
    sc[s] = SearchA(kSubBlock32, xs, w, p, L + kSubBlock32 * s, &mn[s]);
  }
  // Step 2.
  EncodeScaleMin6(sc, mn, d_dmin, scales);
  const uint16_t d = LoadLE16(d_dmin);
  const uint16_t dmin = LoadLE16(d_dmin + 2);
  // Step 3: requantize against the scales as stored; a sub-block whose
  // stored scale is 0 keeps its Search A codes.
  for (int s = 0; s < kSubBlocks; ++s) {
    uint8_t sc6, m6;
    UnpackScaleMin6(s, scales, &sc6, &m6);
    const float a = Fp16ToFp32(d) * static_cast<float>(sc6);
    if (a == 0.0f) continue;
    const float b = Fp16ToFp32(dmin) * static_cast<float>(m6);
    for (int l = 0; l < kSubBlock32; ++l) {
      const int i = kSubBlock32 * s + l;
      L[i] = ClampCode(NearestInt((x[i] + b) / a), p.nmax);
    }
  }
}

}  // namespace axq
