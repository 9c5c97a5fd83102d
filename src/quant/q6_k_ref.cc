// Q6_K (FORMATS.md §3.1, §3.2): 210-byte super-blocks of 256 elements, 16
// sub-blocks of 16 with an int8 scale each and a 6-bit code per element
// (4 low bits in ql, 2 high bits in qh), one f16 super-scale d.
#include <cstdint>
#include <cstring>

#include "src/quant/half.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_search_bc.h"
#include "src/quant/kquants_ref.h"
#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

constexpr int kSubBlocks = kSuperBlock / kKQuantSubBlock;
constexpr float kGroupMaxEps = 1e-15f;  // EPS of §3.2

// Element i = 128h + 32k + l (§3.1): low nibble (k < 2) or high nibble of
// ql[64h + l + 32(k&1)]; its high two bits are Crumb(qh, i).
int QlIndex(int i) { return 64 * (i / 128) + i % 32 + 32 * (((i % 128) / 32) & 1); }
int QlShift(int i) { return (i % 128) / 32 < 2 ? 0 : 4; }

}  // namespace

bool EncodeQ6_KScales(const float* sc, uint8_t* block) {
  // MS = the signed scale of largest |sc|; a negligible one gives the
  // all-zero block (d = +0 included).
  float max_abs_scale;
  const float max_scale = ArgMaxAbs(sc, kSubBlocks, &max_abs_scale);
  std::memset(block, 0, kQ6_KBytes);
  if (max_abs_scale < kGroupMaxEps) return false;
  const float iscale = -128.0f / max_scale;
  StoreLE16(block + kQ6_KDOffset, Fp32ToFp16(1.0f / iscale));
  int8_t* scales = reinterpret_cast<int8_t*>(block + kQ6_KScalesOffset);
  for (int s = 0; s < kSubBlocks; ++s) {
    const int v = NearestInt(iscale * sc[s]);
    // Stored as int8 after min(127, ·); the conversion wraps (-128 fits).
    scales[s] = static_cast<int8_t>(static_cast<uint8_t>(v < 127 ? v : 127));
  }
  return true;
}

void quantize_row_q6_K_ref(const float* x, void* y, int64_t k) {
  uint8_t* block = static_cast<uint8_t*>(y);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, block += kQ6_KBytes) {
    int8_t codes[kSuperBlock];
    float sc[kSubBlocks];
    // Step 1: Search B per sub-block.
    for (int s = 0; s < kSubBlocks; ++s) sc[s] = SearchB(x + kKQuantSubBlock * s, codes + kKQuantSubBlock * s);
    // Step 2.
    if (!EncodeQ6_KScales(sc, block)) continue;
    const uint16_t d_bits = LoadLE16(block + kQ6_KDOffset);
    const int8_t* scales = reinterpret_cast<const int8_t*>(block + kQ6_KScalesOffset);
    // Step 3: requantize against the stored scales; a zero scale keeps the
    // codes of step 1.
    const float d = Fp16ToFp32(d_bits);
    for (int s = 0; s < kSubBlocks; ++s) {
      const float a = d * static_cast<float>(scales[s]);
      if (a == 0.0f) continue;
      for (int j = 0; j < kKQuantSubBlock; ++j) {
        const int i = kKQuantSubBlock * s + j;
        int l = NearestInt(x[i] / a);
        l = l < -32 ? -32 : (l > 31 ? 31 : l);
        codes[i] = static_cast<int8_t>(l + 32);
      }
    }
    // Pack (§3.1); EncodeQ6_KScales zeroed the block.
    uint8_t* ql = block + kQ6_KQlOffset;
    uint8_t* qh = block + kQ6_KQhOffset;
    for (int i = 0; i < kSuperBlock; ++i) {
      const int l = codes[i];
      ql[QlIndex(i)] = static_cast<uint8_t>(ql[QlIndex(i)] | ((l & 0x0F) << QlShift(i)));
      qh[CrumbByte(i)] = static_cast<uint8_t>(qh[CrumbByte(i)] | ((l >> 4) << CrumbShift(i)));
    }
  }
}

void dequantize_row_q6_K_ref(const void* x, float* y, int64_t k) {
  const uint8_t* block = static_cast<const uint8_t*>(x);
  for (int64_t b = 0; b < k / kSuperBlock; ++b, y += kSuperBlock, block += kQ6_KBytes) {
    const float d = Fp16ToFp32(LoadLE16(block + kQ6_KDOffset));
    const uint8_t* ql = block + kQ6_KQlOffset;
    const uint8_t* qh = block + kQ6_KQhOffset;
    const int8_t* scales = reinterpret_cast<const int8_t*>(block + kQ6_KScalesOffset);
    for (int s = 0; s < kSubBlocks; ++s) {
      const float dl = d * static_cast<float>(scales[s]);
      for (int j = 0; j < kKQuantSubBlock; ++j) {
        const int i = kKQuantSubBlock * s + j;
        const int low = (ql[QlIndex(i)] >> QlShift(i)) & 0x0F;
        const int high = Crumb(qh, i);
        y[i] = dl * static_cast<float>((low | (high << 4)) - 32);
      }
    }
  }
}

}  // namespace axq
