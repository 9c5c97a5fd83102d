// Q8_1 (FORMATS.md §2): Q8_0's d and codes plus s = H(d * sum(q)). ggml has
// no dequantizer for it; ours follows the format: y = q * F(d).
#include <cmath>
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"
#include "src/quant/ref.h"

namespace axq {

void quantize_row_q8_1_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, block += kQ8_1Bytes) {
    const float d = BlockAbsMax(x) / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    int sum = 0;
    for (int j = 0; j < kLegacyBlock; ++j) {
      const uint8_t q = LowByteOfTruncation(std::round(x[j] * id));
      block[4 + j] = q;
      sum += static_cast<int8_t>(q);
    }
    StoreLE16(block, Fp32ToFp16(d));
    StoreLE16(block + 2, Fp32ToFp16(static_cast<float>(sum) * d));
  }
}

void dequantize_row_q8_1_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, y += kLegacyBlock, block += kQ8_1Bytes) {
    const float d = Fp16ToFp32(LoadLE16(block));
    for (int j = 0; j < kLegacyBlock; ++j) {
      y[j] = static_cast<float>(static_cast<int8_t>(block[4 + j])) * d;
    }
  }
}

}  // namespace axq
