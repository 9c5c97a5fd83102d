// TQ1_0 (FORMATS.md §3.2): five ternary digits per byte as a base-3
// fraction, one f16 scale d = amax per 256 elements.
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/ref.h"
#include "src/quant/ternary.h"
#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

// Element index of digit n of qs/qh byte `byte` (FORMATS.md §3.2).
int Tq1Element(int byte, int n) {
  if (byte < 32) return byte + 32 * n;
  if (byte < 48) return 160 + (byte - 32) + 16 * n;
  return 240 + (byte - 48) + 4 * n;  // qh: four digits, the fifth is 0
}

}  // namespace

void PackTq1_0Block(const uint8_t* codes, uint16_t d_bits, uint8_t* block) {
  for (int byte = 0; byte < 52; ++byte) {
    const int digits = byte < 48 ? 5 : 4;
    unsigned v = 0;
    for (int n = 0; n < digits; ++n) v = v * 3u + codes[Tq1Element(byte, n)];
    if (digits == 4) v *= 3u;
    block[byte] = Tq1PackDigits(v & 0xFFu);
  }
  StoreLE16(block + kTq1_0DOffset, d_bits);
}

void quantize_row_tq1_0_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  uint8_t codes[kSuperBlock];
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, block += kTq1_0Bytes) {
    const float amax = TqReferenceCodes(x, codes);
    PackTq1_0Block(codes, Fp32ToFp16(amax), block);
  }
}

void dequantize_row_tq1_0_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, y += kSuperBlock, block += kTq1_0Bytes) {
    const float d = Fp16ToFp32(LoadLE16(block + kTq1_0DOffset));
    uint8_t codes[kSuperBlock];
    DecodeTq1Codes(block, codes);
    for (int i = 0; i < kSuperBlock; ++i) y[i] = static_cast<float>(codes[i] - 1) * d;
  }
}

}  // namespace axq
