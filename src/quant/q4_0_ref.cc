// Q4_0 (FORMATS.md §2): d = max/-8, code = min(15, trunc(x/d + 8.5)).
#include <algorithm>
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"
#include "src/quant/ref.h"

namespace axq {

void quantize_row_q4_0_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, block += kQ4_0Bytes) {
    const float d = FirstLargestMagnitude(x) / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    StoreLE16(block, Fp32ToFp16(d));
    for (int j = 0; j < kLegacyHalf; ++j) {
      // The product is rounded to f32 before the +8.5 (no FMA), then truncated.
      const float lo = x[j] * id;
      const float hi = x[j + kLegacyHalf] * id;
      const int code_lo = std::min(15, static_cast<int>(static_cast<int8_t>(LowByteOfTruncation(lo + 8.5f))));
      const int code_hi = std::min(15, static_cast<int>(static_cast<int8_t>(LowByteOfTruncation(hi + 8.5f))));
      block[2 + j] = static_cast<uint8_t>(static_cast<uint8_t>(code_lo) | (static_cast<uint8_t>(code_hi) << 4));
    }
  }
}

void dequantize_row_q4_0_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, y += kLegacyBlock, block += kQ4_0Bytes) {
    const float d = Fp16ToFp32(LoadLE16(block));
    for (int j = 0; j < kLegacyHalf; ++j) {
      y[j] = static_cast<float>((block[2 + j] & 0x0F) - 8) * d;
      y[j + kLegacyHalf] = static_cast<float>((block[2 + j] >> 4) - 8) * d;
    }
  }
}

}  // namespace axq
