// Scalar fp16 and bf16 conversions exactly as ggml's reference code does them
// (FORMATS.md §1.2). Shared by every reference quantizer.
#ifndef AXQ_QUANT_HALF_H_
#define AXQ_QUANT_HALF_H_

#include <cstdint>
#include <cstring>

namespace axq {

inline uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

inline float BitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

// H(v): round to nearest even, gradual underflow, |v| >= 65520 -> inf,
// NaN -> sign | 0x7E00 (payload dropped).
inline uint16_t Fp32ToFp16(float value) {
  uint32_t bits = FloatBits(value);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  bits &= 0x7FFFFFFFu;
  if (bits > 0x7F800000u) return static_cast<uint16_t>(sign | 0x7E00u);
  if (bits >= 0x47800000u) return static_cast<uint16_t>(sign | 0x7C00u);  // >= 2^16
  if (bits < 0x38800000u) {
    // Below 2^-14 the half is subnormal with unit 2^-24. Adding 0.5f, whose
    // ulp is 2^-24, rounds the value to that unit (nearest even) for us.
    const float shifted = BitsFloat(bits) + 0.5f;
    return static_cast<uint16_t>(sign | (FloatBits(shifted) - 0x3F000000u));
  }
  // Normal: rebias the exponent (127 -> 15) and round the 13 dropped
  // mantissa bits to nearest even; a carry may roll into the exponent (and
  // up to inf for [65520, 65536)), which is the right answer.
  const uint32_t odd = (bits >> 13) & 1u;
  bits += 0xC8000FFFu + odd;  // (15 - 127) << 23, plus half-ulp minus one
  return static_cast<uint16_t>(sign | (bits >> 13));
}

// F(h): exact widening. A signalling NaN comes out quiet, as from ggml's
// converter and F16C (FORMATS.md §1.2: identical for all 65536 inputs).
inline float Fp16ToFp32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  const uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in f32.
    const float magnitude = static_cast<float>(mantissa) * BitsFloat(0x33800000u);
    return BitsFloat(sign | FloatBits(magnitude));
  }
  if (exponent == 0x1F) {
    const uint32_t quiet = mantissa != 0 ? 0x00400000u : 0u;
    return BitsFloat(sign | 0x7F800000u | quiet | (mantissa << 13));
  }
  return BitsFloat(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

// bf16 from f32 as ggml_compute_fp32_to_bf16: NaN is quieted keeping sign and
// top payload; everything else rounds to nearest even on the bit pattern.
inline uint16_t Fp32ToBf16(float value) {
  const uint32_t bits = FloatBits(value);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  return static_cast<uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

inline float Bf16ToFp32(uint16_t h) { return BitsFloat(static_cast<uint32_t>(h) << 16); }

inline void StoreLE16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

inline uint16_t LoadLE16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

}  // namespace axq

#endif  // AXQ_QUANT_HALF_H_
