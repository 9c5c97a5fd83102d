// Q5_K (FORMATS.md §3.1, §3.2): Q4_K with a fifth code bit in qh; 8
// sub-blocks of 32, codes 0..31, y = (d*sc)*q - dmin*m.
#include <cstdint>
#include <cstring>

#include "src/quant/half.h"
#include "src/quant/kquant_scales.h"
#include "src/quant/kquant_search_a.h"
#include "src/quant/kquants_ref.h"
#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

constexpr size_t kQ5_KBytes = 176;  // d f16, dmin f16, scales[12], qh[32], qs[128]
constexpr size_t kQ5_KScalesOffset = 4;
constexpr size_t kQ5_KQhOffset = 16;
constexpr size_t kQ5_KQsOffset = 48;

constexpr SearchAParams kQ5_KSearch = {31, -0.5f, 0.1f, 15, false};

}  // namespace

void quantize_row_q5_K_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, block += kQ5_KBytes) {
    uint8_t L[kSuperBlock];
    QuantizeScaleMin6SuperBlock(x, kQ5_KSearch, block, block + kQ5_KScalesOffset, L);
    // Step 4: low nibbles as Q4_K; bit 4 of element 64c + l goes to bit 2c
    // of qh[l], of element 64c + 32 + l to bit 2c + 1.
    uint8_t* qh = block + kQ5_KQhOffset;
    uint8_t* qs = block + kQ5_KQsOffset;
    std::memset(qh, 0, 32);
    for (int c = 0; c < 4; ++c) {
      for (int l = 0; l < 32; ++l) {
        const int lo = L[64 * c + l];
        const int hi = L[64 * c + 32 + l];
        qs[32 * c + l] = static_cast<uint8_t>((lo & 0x0F) | ((hi & 0x0F) << 4));
        qh[l] = static_cast<uint8_t>(qh[l] | ((lo >> 4) << (2 * c)) | ((hi >> 4) << (2 * c + 1)));
      }
    }
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
