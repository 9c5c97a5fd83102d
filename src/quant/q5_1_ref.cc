// Q5_1 (FORMATS.md §2): d = (max-min)/31, m = min,
// code = trunc((x-min)/d + 0.5) with no clamp; dequant code*d + m.
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"
#include "src/quant/ref.h"

namespace axq {

void quantize_row_q5_1_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, block += kQ5_1Bytes) {
    float min, max;
    BlockMinMax(x, &min, &max);
    const float d = (max - min) / 31.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    StoreLE16(block, Fp32ToFp16(d));
    StoreLE16(block + 2, Fp32ToFp16(min));
    uint8_t codes[kLegacyBlock];
    for (int j = 0; j < kLegacyBlock; ++j) {
      const float scaled = (x[j] - min) * id;
      codes[j] = LowByteOfTruncation(scaled + 0.5f);
    }
    PackFiveBitCodes(codes, block + 4, block + 8);
  }
}

void dequantize_row_q5_1_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, y += kLegacyBlock, block += kQ5_1Bytes) {
    const float d = Fp16ToFp32(LoadLE16(block));
    const float m = Fp16ToFp32(LoadLE16(block + 2));
    int codes[kLegacyBlock];
    UnpackFiveBitCodes(block + 4, block + 8, codes);
    for (int j = 0; j < kLegacyBlock; ++j) y[j] = static_cast<float>(codes[j]) * d + m;
  }
}

}  // namespace axq
