// The 12-byte scale/min block that Q4_K and Q5_K share: eight 6-bit scale
// codes and eight 6-bit min codes (FORMATS.md §3, helper SM, and §3.2 step 2).
#ifndef AXQ_QUANT_KQUANT_SCALES_H_
#define AXQ_QUANT_KQUANT_SCALES_H_

#include <cstdint>

namespace axq {

constexpr int kScaleMin6Bytes = 12;

// SM(j, b): sub-block j's scale code and min code. Sub-blocks 0..3 use the
// low 6 bits of b[j] and b[j+4]; 4..7 keep their low 4 bits in the nibbles
// of b[j+4] and their top 2 bits in the spare top bits of b[j-4] and b[j].
inline void UnpackScaleMin6(int j, const uint8_t* b, uint8_t* sc, uint8_t* m) {
  if (j < 4) {
    *sc = static_cast<uint8_t>(b[j] & 63);
    *m = static_cast<uint8_t>(b[j + 4] & 63);
  } else {
    *sc = static_cast<uint8_t>((b[j + 4] & 0x0F) | ((b[j - 4] >> 6) << 4));
    *m = static_cast<uint8_t>((b[j + 4] >> 4) | ((b[j] >> 6) << 4));
  }
}

// The inverse of UnpackScaleMin6 for codes ls, lm <= 63. Sub-blocks must be
// packed in order 0..7 into zeroed bytes: 4..7 OR their top bits into bytes
// that 0..3 wrote.
inline void PackScaleMin6(int j, uint8_t ls, uint8_t lm, uint8_t* b) {
  if (j < 4) {
    b[j] = ls;
    b[j + 4] = lm;
  } else {
    b[j + 4] = static_cast<uint8_t>((ls & 0x0F) | ((lm & 0x0F) << 4));
    b[j - 4] = static_cast<uint8_t>(b[j - 4] | ((ls >> 4) << 6));
    b[j] = static_cast<uint8_t>(b[j] | ((lm >> 4) << 6));
  }
}

}  // namespace axq

#endif  // AXQ_QUANT_KQUANT_SCALES_H_
