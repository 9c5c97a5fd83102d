// Q5_0 (FORMATS.md §2): d = max/-16, code = min(31, trunc(x/d + 16.5)).
#include <algorithm>
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"
#include "src/quant/ref.h"

namespace axq {

void quantize_row_q5_0_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, block += kQ5_0Bytes) {
    const float d = FirstLargestMagnitude(x) / -16.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    StoreLE16(block, Fp32ToFp16(d));
    uint8_t codes[kLegacyBlock];
    for (int j = 0; j < kLegacyBlock; ++j) {
      const float scaled = x[j] * id;
      codes[j] = static_cast<uint8_t>(
          std::min(31, static_cast<int>(static_cast<int8_t>(LowByteOfTruncation(scaled + 16.5f)))));
    }
    PackFiveBitCodes(codes, block + 2, block + 6);
  }
}

void dequantize_row_q5_0_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, y += kLegacyBlock, block += kQ5_0Bytes) {
    const float d = Fp16ToFp32(LoadLE16(block));
    int codes[kLegacyBlock];
    UnpackFiveBitCodes(block + 2, block + 6, codes);
    for (int j = 0; j < kLegacyBlock; ++j) y[j] = static_cast<float>(codes[j] - 16) * d;
  }
}

}  // namespace axq
