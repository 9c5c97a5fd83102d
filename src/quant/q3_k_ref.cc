// Q3_K (FORMATS.md §3.1, §3.2): 110-byte super-blocks of 256 elements, 16
// sub-blocks of 16 with a 6-bit scale each and a 3-bit code per element
// (2 low bits in qs, the high bit in hmask), one f16 super-scale d.
#include <cstdint>
#include <cstring>

#include "src/quant/half.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_pack.h"
#include "src/quant/kquant_search_bc.h"
#include "src/quant/kquants_ref.h"
#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

constexpr int kSubBlocks = kSuperBlock / kKQuantSubBlock;

// The low 2 bits of element i are Crumb(qs, i); its high bit is bit i/32 of
// hmask[i % 32]. The scale codes are Q3_KScaleCode (kquant_layout.h).

}  // namespace

void EncodeQ3_KScales(const float* sc, uint8_t* block) {
  // MS = the signed scale of largest |sc|; 6-bit codes relative to it and
  // d = H(1/q).
  float amax;
  const float max_scale = ArgMaxAbs(sc, kSubBlocks, &amax);
  uint8_t* scales = block + kQ3_KScalesOffset;
  std::memset(scales, 0, 12);
  uint16_t d_bits;
  if (max_scale != 0.0f) {
    const float iscale = -32.0f / max_scale;
    for (int s = 0; s < kSubBlocks; ++s) {
      // The rounded value passes through int8 (wrapping) before the clamp.
      int c = static_cast<int8_t>(static_cast<uint8_t>(NearestInt(iscale * sc[s])));
      c = (c < -32 ? -32 : (c > 31 ? 31 : c)) + 32;
      if (s < 8) {
        scales[s] = static_cast<uint8_t>(c & 0x0F);
      } else {
        scales[s - 8] = static_cast<uint8_t>(scales[s - 8] | ((c & 0x0F) << 4));
      }
      scales[8 + s % 4] = static_cast<uint8_t>(scales[8 + s % 4] | ((c >> 4) << (2 * (s / 4))));
    }
    d_bits = Fp32ToFp16(1.0f / iscale);
  } else {
    d_bits = Fp32ToFp16(0.0f);
  }
  StoreLE16(block + kQ3_KDOffset, d_bits);
}

void quantize_row_q3_K_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, block += kQ3_KBytes) {
    int8_t codes[kSuperBlock];
    float sc[kSubBlocks];
    // Step 1: Search C per sub-block.
    for (int s = 0; s < kSubBlocks; ++s) sc[s] = SearchC(x + kKQuantSubBlock * s, codes + kKQuantSubBlock * s);
    // Step 2.
    EncodeQ3_KScales(sc, block);
    const uint8_t* scales = block + kQ3_KScalesOffset;
    const uint16_t d_bits = LoadLE16(block + kQ3_KDOffset);
    // Step 3: requantize against the stored scales; a zero scale keeps the
    // codes of step 1 (unbiased zeros for an all-zero sub-block).
    const float d = Fp16ToFp32(d_bits);
    for (int s = 0; s < kSubBlocks; ++s) {
      const float a = d * static_cast<float>(Q3_KScaleCode(scales, s) - 32);
      if (a == 0.0f) continue;
      for (int j = 0; j < kKQuantSubBlock; ++j) {
        const int i = kKQuantSubBlock * s + j;
        int l = NearestInt(x[i] / a);
        l = l < -4 ? -4 : (l > 3 ? 3 : l);
        codes[i] = static_cast<int8_t>(l + 4);
      }
    }
    // Step 4: the codes into hmask and qs.
    PackQ3_KCodes(codes, block);
  }
}

void dequantize_row_q3_K_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, y += kSuperBlock, block += kQ3_KBytes) {
    const float d = Fp16ToFp32(LoadLE16(block + kQ3_KDOffset));
    const uint8_t* hmask = block + kQ3_KHmaskOffset;
    const uint8_t* qs = block + kQ3_KQsOffset;
    const uint8_t* scales = block + kQ3_KScalesOffset;
    for (int s = 0; s < kSubBlocks; ++s) {
      const float dl = d * static_cast<float>(Q3_KScaleCode(scales, s) - 32);
      for (int j = 0; j < kKQuantSubBlock; ++j) {
        const int i = kKQuantSubBlock * s + j;
        const int low = Crumb(qs, i);
        const int q = low - (((hmask[i % 32] >> (i / 32)) & 1) != 0 ? 0 : 4);
        y[i] = dl * static_cast<float>(q);
      }
    }
  }
}

}  // namespace axq
