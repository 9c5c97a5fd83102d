// Q8_K (FORMATS.md §3.2): the activation partner of the 256-element formats.
// d = -max/127 as f32 (max = signed value of largest magnitude), q =
// min(127, nearest_int(x * -127/max)), bsums = sums of 16 codes.
#include <cstdint>
#include <cstring>

#include "src/quant/kquant_search_bc.h"
#include "src/quant/ref.h"
#include "src/quant/ternary_layout.h"

namespace axq {

void quantize_row_q8_K_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, block += kQ8_KBytes) {
    float amax;
    const float max = ArgMaxAbs(x, kSuperBlock, &amax);
    // ggml leaves bsums unwritten for an all-zero block; we write zeros, the
    // bytes ggml's own (pre-zeroed) output holds.
    std::memset(block, 0, kQ8_KBytes);
    if (amax == 0.0f) continue;
    const float iscale = -127.0f / max;
    int8_t* qs = reinterpret_cast<int8_t*>(block + kQ8_KQsOffset);
    for (int j = 0; j < kSuperBlock; ++j) {
      const int v = NearestInt(iscale * x[j]);
      qs[j] = static_cast<int8_t>(static_cast<uint8_t>(v < 127 ? v : 127));
    }
    for (int g = 0; g < kSuperBlock / 16; ++g) {
      int sum = 0;
      for (int j = 0; j < 16; ++j) sum += qs[16 * g + j];
      const uint16_t bits = static_cast<uint16_t>(static_cast<int16_t>(sum));
      block[kQ8_KSumsOffset + 2 * g] = static_cast<uint8_t>(bits);
      block[kQ8_KSumsOffset + 2 * g + 1] = static_cast<uint8_t>(bits >> 8);
    }
    StoreF32LE(block, 1.0f / iscale);
  }
}

void dequantize_row_q8_K_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, y += kSuperBlock, block += kQ8_KBytes) {
    const float d = LoadF32LE(block);
    for (int j = 0; j < kSuperBlock; ++j) {
      y[j] = d * static_cast<float>(static_cast<int8_t>(block[kQ8_KQsOffset + j]));
    }
  }
}

}  // namespace axq
