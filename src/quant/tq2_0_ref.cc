// TQ2_0 (FORMATS.md §3.2): 2-bit ternary codes, group g of 32 in bits 2g of
// each qs byte, one f16 scale d = amax per 256 elements.
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/ref.h"
#include "src/quant/ternary.h"
#include "src/quant/ternary_layout.h"

namespace axq {

void PackTq2_0Block(const uint8_t* codes, uint16_t d_bits, uint8_t* block) {
  for (int half = 0; half < 2; ++half) {
    for (int m = 0; m < 32; ++m) {
      unsigned q = 0;
      for (int n = 0; n < 4; ++n) q |= (codes[128 * half + 32 * n + m] & 3u) << (2 * n);
      block[32 * half + m] = static_cast<uint8_t>(q);
    }
  }
  StoreLE16(block + kTq2_0DOffset, d_bits);
}

void quantize_row_tq2_0_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  uint8_t codes[kSuperBlock];
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, block += kTq2_0Bytes) {
    const float amax = TqReferenceCodes(x, codes);
    PackTq2_0Block(codes, Fp32ToFp16(amax), block);
  }
}

void dequantize_row_tq2_0_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, block += kTq2_0Bytes) {
    const float d = Fp16ToFp32(LoadLE16(block + kTq2_0DOffset));
    for (int i = 0; i < kSuperBlock; ++i) *y++ = static_cast<float>(Tq2Code(block, i) - 1) * d;
  }
}

}  // namespace axq
