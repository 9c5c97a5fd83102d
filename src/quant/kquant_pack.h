// The last step of every K-quant quantizer (FORMATS.md §3.1): a super-block's
// 256 codes stored in the format's bit layout. Shared by the plain and the
// importance-weighted references so both write the same bits.
#ifndef AXQ_QUANT_KQUANT_PACK_H_
#define AXQ_QUANT_KQUANT_PACK_H_

#include <cstdint>
#include <cstring>

#include "src/quant/kquant_layout.h"
#include "src/quant/ternary_layout.h"

namespace axq {

// Q3_K codes 0..7: the high bit of element i to bit i/32 of hmask[i % 32],
// the low two bits to qs as 2-bit fields.
inline void PackQ3_KCodes(const int8_t* codes, uint8_t* block) {
  uint8_t* hmask = block + kQ3_KHmaskOffset;
  uint8_t* qs = block + kQ3_KQsOffset;
  std::memset(hmask, 0, 32);
  std::memset(qs, 0, 64);
  for (int i = 0; i < kSuperBlock; ++i) {
    int l = codes[i];
    if (l > 3) {
      hmask[i % 32] = static_cast<uint8_t>(hmask[i % 32] | (1 << (i / 32)));
      l -= 4;
    }
    qs[CrumbByte(i)] = static_cast<uint8_t>(qs[CrumbByte(i)] | (l << CrumbShift(i)));
  }
}

// Q4_K codes 0..15: elements 64c + l and 64c + 32 + l share qs[32c + l].
inline void PackQ4_KCodes(const uint8_t* codes, uint8_t* block) {
  uint8_t* qs = block + kQ4_KQsOffset;
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l) qs[32 * c + l] = static_cast<uint8_t>(codes[64 * c + l] | (codes[64 * c + 32 + l] << 4));
  }
}

// Q5_K codes 0..31: low nibbles as Q4_K; bit 4 of element 64c + l goes to
// bit 2c of qh[l], of element 64c + 32 + l to bit 2c + 1.
inline void PackQ5_KCodes(const uint8_t* codes, uint8_t* block) {
  uint8_t* qh = block + kQ5_KQhOffset;
  uint8_t* qs = block + kQ5_KQsOffset;
  std::memset(qh, 0, 32);
  for (int c = 0; c < 4; ++c) {
    for (int l = 0; l < 32; ++l) {
      const int lo = codes[64 * c + l];
      const int hi = codes[64 * c + 32 + l];
      qs[32 * c + l] = static_cast<uint8_t>((lo & 0x0F) | ((hi & 0x0F) << 4));
      qh[l] = static_cast<uint8_t>(qh[l] | ((lo >> 4) << (2 * c)) | ((hi >> 4) << (2 * c + 1)));
    }
  }
}

}  // namespace axq

#endif  // AXQ_QUANT_KQUANT_PACK_H_
