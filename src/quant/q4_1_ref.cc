// Q4_1 (FORMATS.md §2): d = (max-min)/15, m = min,
// code = min(15, trunc((x-min)/d + 0.5)); dequant code*d + m, two roundings.
#include <algorithm>
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"
#include "src/quant/ref.h"

namespace axq {

void quantize_row_q4_1_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, block += kQ4_1Bytes) {
    float min, max;
    BlockMinMax(x, &min, &max);
    const float d = (max - min) / 15.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    StoreLE16(block, Fp32ToFp16(d));
    StoreLE16(block + 2, Fp32ToFp16(min));
    for (int j = 0; j < kLegacyHalf; ++j) {
      const float lo = (x[j] - min) * id;
      const float hi = (x[j + kLegacyHalf] - min) * id;
      const int code_lo = std::min(15, static_cast<int>(static_cast<int8_t>(LowByteOfTruncation(lo + 0.5f))));
      const int code_hi = std::min(15, static_cast<int>(static_cast<int8_t>(LowByteOfTruncation(hi + 0.5f))));
      block[4 + j] = static_cast<uint8_t>(static_cast<uint8_t>(code_lo) | (static_cast<uint8_t>(code_hi) << 4));
    }
  }
}

void dequantize_row_q4_1_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, y += kLegacyBlock, block += kQ4_1Bytes) {
    const float d = Fp16ToFp32(LoadLE16(block));
    const float m = Fp16ToFp32(LoadLE16(block + 2));
    for (int j = 0; j < kLegacyHalf; ++j) {
      y[j] = static_cast<float>(block[4 + j] & 0x0F) * d + m;
      y[j + kLegacyHalf] = static_cast<float>(block[4 + j] >> 4) * d + m;
    }
  }
}

}  // namespace axq
