// Q4_K (FORMATS.md §3.1, §3.2): 8 sub-blocks of 32 with 4-bit codes, each
// with a 6-bit scale and a 6-bit min code under f16 d and dmin;
// y = (d*sc)*q - dmin*m.
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_pack.h"
#include "src/quant/kquant_scales.h"
#include "src/quant/kquant_search_a.h"
#include "src/quant/kquants_ref.h"
#include "src/quant/ternary_layout.h"

namespace axq {

void quantize_row_q4_K_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, block += kQ4_KBytes) {
    uint8_t L[kSuperBlock];
    QuantizeScaleMin6SuperBlock(x, kQ4_KSearch, block, block + kQ4_KScalesOffset, L);
    // Step 4: the codes into qs.
    PackQ4_KCodes(L, block);
  }
}

void dequantize_row_q4_K_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, y += kSuperBlock, block += kQ4_KBytes) {
    const float d = Fp16ToFp32(LoadLE16(block));
    const float dmin = Fp16ToFp32(LoadLE16(block + 2));
    const uint8_t* qs = block + kQ4_KQsOffset;
    for (int s = 0; s < 8; ++s) {
      uint8_t sc, m;
      UnpackScaleMin6(s, block + kQ4_KScalesOffset, &sc, &m);
      const float ds = d * static_cast<float>(sc);
      const float ms = dmin * static_cast<float>(m);
      const uint8_t* q = qs + 32 * (s / 2);
      const int shift = 4 * (s % 2);
      for (int l = 0; l < 32; ++l) y[32 * s + l] = ds * static_cast<float>((q[l] >> shift) & 0x0F) - ms;
    }
  }
}

}  // namespace axq
