// Q2_K (FORMATS.md §3.1, §3.2): 16 sub-blocks of 16 with 2-bit codes, each
// with a 4-bit scale and a 4-bit min code under f16 d and dmin;
// y = (d*sc)*q - dmin*m. Scales and mins come from Search A (mean absolute
// error, weights |x|).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_search_a.h"
#include "src/quant/kquants_ref.h"
#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

constexpr int kQ2_KSubBlocks = kSuperBlock / kQ2_KSub;

}  // namespace

void EncodeQ2_KScales(const float* sc, const float* mn, uint8_t* block) {
  // 4-bit codes relative to the largest scale and min. The int codes are
  // stored modulo 256, as ggml's uint8 assignment does.
  float max_scale = 0.0f;
  float max_min = 0.0f;
  for (int s = 0; s < kQ2_KSubBlocks; ++s) {
    if (sc[s] > max_scale) max_scale = sc[s];
    if (mn[s] > max_min) max_min = mn[s];
  }
  uint8_t* scales = block;
  uint16_t d = 0;
  uint16_t dmin = 0;
  if (max_scale > 0.0f) {
    const float iscale = 15.0f / max_scale;
    for (int s = 0; s < kQ2_KSubBlocks; ++s) scales[s] = static_cast<uint8_t>(NearestInt(iscale * sc[s]));
    d = Fp32ToFp16(max_scale / 15.0f);
  } else {
    std::fill(scales, scales + kQ2_KSubBlocks, uint8_t{0});
  }
  if (max_min > 0.0f) {
    const float iscale = 15.0f / max_min;
    for (int s = 0; s < kQ2_KSubBlocks; ++s) {
      const unsigned code = static_cast<unsigned>(NearestInt(iscale * mn[s]));
      scales[s] = static_cast<uint8_t>(scales[s] | (code << 4));
    }
    dmin = Fp32ToFp16(max_min / 15.0f);
  }
  StoreLE16(block + kQ2_KDOffset, d);
  StoreLE16(block + kQ2_KDminOffset, dmin);
}

void quantize_row_q2_K_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, block += kQ2_KBytes) {
    uint8_t L[kSuperBlock];
    float sc[kQ2_KSubBlocks];
    float mn[kQ2_KSubBlocks];
    // Step 1.
    for (int s = 0; s < kQ2_KSubBlocks; ++s) {
      const float* xs = x + kQ2_KSub * s;
      float w[kQ2_KSub];
      for (int l = 0; l < kQ2_KSub; ++l) w[l] = std::fabs(xs[l]);
      sc[s] = SearchA(kQ2_KSub, xs, w, kQ2_KSearch, L + kQ2_KSub * s, &mn[s]);
    }
    // Step 2.
    EncodeQ2_KScales(sc, mn, block);
    const uint8_t* scales = block;
    const uint16_t d = LoadLE16(block + kQ2_KDOffset);
    const uint16_t dmin = LoadLE16(block + kQ2_KDminOffset);
    // Step 3: requantize against the stored values; a zero stored scale
    // keeps the Search A codes.
    for (int s = 0; s < kQ2_KSubBlocks; ++s) {
      const float a = Fp16ToFp32(d) * static_cast<float>(scales[s] & 0x0F);
      if (a == 0.0f) continue;
      const float bm = Fp16ToFp32(dmin) * static_cast<float>(scales[s] >> 4);
      for (int l = 0; l < kQ2_KSub; ++l) {
        const int i = kQ2_KSub * s + l;
        L[i] = static_cast<uint8_t>(std::max(0, std::min(3, NearestInt((x[i] + bm) / a))));
      }
    }
    // Step 4.
    uint8_t* qs = block + kQ2_KQsOffset;
    for (int h = 0; h < 2; ++h) {
      for (int l = 0; l < 32; ++l) {
        const uint8_t* Lh = L + 128 * h + l;
        qs[32 * h + l] = static_cast<uint8_t>(Lh[0] | (Lh[32] << 2) | (Lh[64] << 4) | (Lh[96] << 6));
      }
    }
  }
}

void dequantize_row_q2_K_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, y += kSuperBlock, block += kQ2_KBytes) {
    const float d = Fp16ToFp32(LoadLE16(block + kQ2_KDOffset));
    const float dmin = Fp16ToFp32(LoadLE16(block + kQ2_KDminOffset));
    const uint8_t* qs = block + kQ2_KQsOffset;
    for (int i = 0; i < kSuperBlock; ++i) {
      const uint8_t sc = block[i / kQ2_KSub];
      const float dl = d * static_cast<float>(sc & 0x0F);
      const float ml = dmin * static_cast<float>(sc >> 4);
      y[i] = dl * static_cast<float>(Crumb(qs, i)) - ml;
    }
  }
}

}  // namespace axq
