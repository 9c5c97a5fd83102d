// Q8_0 (FORMATS.md §2): d = amax/127, q = roundf(x/d) (ties away from zero).
#include <cmath>
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"
#include "src/quant/ref.h"

namespace axq {

void quantize_row_q8_0_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, block += kQ8_0Bytes) {
    const float d = BlockAbsMax(x) / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    StoreLE16(block, Fp32ToFp16(d));
    for (int j = 0; j < kLegacyBlock; ++j) {
      block[2 + j] = LowByteOfTruncation(std::round(x[j] * id));
    }
  }
}

void dequantize_row_q8_0_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, y += kLegacyBlock, block += kQ8_0Bytes) {
    const float d = Fp16ToFp32(LoadLE16(block));
    for (int j = 0; j < kLegacyBlock; ++j) {
      y[j] = static_cast<float>(static_cast<int8_t>(block[2 + j])) * d;
    }
  }
}

}  // namespace axq
