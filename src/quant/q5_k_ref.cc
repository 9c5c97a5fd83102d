// Q5_K (FORMATS.md §3.1, §3.2): Q4_K with a fifth code bit in qh; 8
// sub-blocks of 32, codes 0..31, y = (d*sc)*q - dmin*m.
#include <cstdint>
#include <cstring>

#include "src/quant/half.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_pack.h"
#include "src/quant/kquant_scales.h"
#include "src/quant/kquant_search_a.h"
#include "src/quant/kquants_ref.h"
#include "src/quant/ternary_layout.h"

namespace axq {

void quantize_row_q5_K_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, block += kQ5_KBytes) {
    uint8_t L[kSuperBlock];
    QuantizeScaleMin6SuperBlock(x, kQ5_KSearch, block, block + kQ5_KScalesOffset, L);
    // Step 4: the codes into qs and qh.
    PackQ5_KCodes(L, block);
  }
}

void dequantize_row_q5_K_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, y += kSuperBlock, block += kQ5_KBytes) {
    const float d = Fp16ToFp32(LoadLE16(block));
    const float dmin = Fp16ToFp32(LoadLE16(block + 2));
    const uint8_t* qh = block + kQ5_KQhOffset;
    const uint8_t* qs = block + kQ5_KQsOffset;
    for (int s = 0; s < 8; ++s) {
      uint8_t sc, m;
      UnpackScaleMin6(s, block + kQ5_KScalesOffset, &sc, &m);
      const float ds = d * static_cast<float>(sc);
      const float ms = dmin * static_cast<float>(m);
      const uint8_t* q = qs + 32 * (s / 2);
      const int shift = 4 * (s % 2);
      for (int l = 0; l < 32; ++l) {
        const int code = ((q[l] >> shift) & 0x0F) | (((qh[l] >> s) & 1) << 4);
        y[32 * s + l] = ds * static_cast<float>(code) - ms;
      }
    }
  }
}

}  // namespace axq
