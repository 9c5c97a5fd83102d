// Byte layouts of the 256-element formats Q8_K, TQ1_0, TQ2_0 and of
// bitnet.cpp's I2_S and I8_S (FORMATS.md §3.1, §3.2, §5), plus the integer
// conversions their references need.
#ifndef AXQ_QUANT_TERNARY_LAYOUT_H_
#define AXQ_QUANT_TERNARY_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace axq {

constexpr int kSuperBlock = 256;    // ggml QK_K

constexpr size_t kQ8_KBytes = 292;  // d f32, qs[256], bsums[16] int16
constexpr size_t kQ8_KQsOffset = 4;
constexpr size_t kQ8_KSumsOffset = 260;

constexpr size_t kTq2_0Bytes = 66;  // qs[64], d f16
constexpr size_t kTq2_0DOffset = 64;
constexpr size_t kTq1_0Bytes = 54;  // qs[48], qh[4], d f16
constexpr size_t kTq1_0QhOffset = 48;
constexpr size_t kTq1_0DOffset = 52;

constexpr int kI2sBlock = 128;      // elements per 32 code bytes (x86 layout)
constexpr size_t kI2sBlockBytes = 32;
constexpr size_t kI2sTailBytes = 32;  // f32 scale + 28 zero bytes, once per tensor
constexpr size_t kI8sRowTailBytes = 8;  // f32 scale + int32 sum after each row

// ggml's nearest_int: round half to even through the 1.5 * 2^23 trick, with
// the same (wrapped) answers outside its +-2^22 domain, inf and NaN.
inline int NearestInt(float v) {
  const float biased = v + 12582912.0f;
  int32_t bits;
  std::memcpy(&bits, &biased, sizeof(bits));
  return (bits & 0x007FFFFF) - 0x00400000;
}

// lroundf as ggml's TQ quantizers use it, with x86-64's answer (LONG_MIN)
// where C leaves it undefined: NaN, inf and magnitudes beyond int64.
inline int64_t LroundfX86(float v) {
  if (!(v > -9.2233720e18f && v < 9.2233720e18f)) return INT64_MIN;
  // Ties away from zero. v - trunc(v) is exact in float, so this is too.
  const int64_t t = static_cast<int64_t>(v);
  const float rest = v - static_cast<float>(t);
  if (rest >= 0.5f) return t + 1;
  if (rest <= -0.5f) return t - 1;
  return t;
}

// The ternary code (trit + 1) ggml's TQ quantizers derive from x / amax:
// lroundf(v) + 1, keeping the low bits as their int arithmetic does.
inline uint8_t TernaryCodeRef(float v) {
  return static_cast<uint8_t>(static_cast<uint64_t>(LroundfX86(v) + 1) & 0xFFu);
}

// The block scale amax (as ggml's MAX scan computes it) and the reference
// codes of one 256-element TQ block.
inline float TqReferenceCodes(const float* x, uint8_t* codes) {
  float amax = 0.0f;
  for (int j = 0; j < kSuperBlock; ++j) {
    const float v = x[j] < 0.0f ? -x[j] : x[j];
    amax = amax > v ? amax : v;
  }
  const float id = amax != 0.0f ? 1.0f / amax : 0.0f;
  for (int j = 0; j < kSuperBlock; ++j) codes[j] = TernaryCodeRef(x[j] * id);
  return amax;
}

inline void StoreLE32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint32_t LoadLE32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
inline void StoreF32LE(uint8_t* p, float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof(bits));
  StoreLE32(p, bits);
}
inline float LoadF32LE(const uint8_t* p) {
  const uint32_t bits = LoadLE32(p);
  float v;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

// TQ1_0 stores five base-3 digits per byte as a fraction of 243 rounded up.
inline uint8_t Tq1PackDigits(unsigned value /* 0..242 */) {
  return static_cast<uint8_t>((value * 256u + 242u) / 243u);
}
// Digit n (0 = most significant) of a TQ1_0 byte; the uint8 wrap is intended.
inline int Tq1Digit(uint8_t byte, int n) {
  static constexpr uint8_t kPow3[5] = {1, 3, 9, 27, 81};
  const uint8_t shifted = static_cast<uint8_t>(byte * kPow3[n]);
  return (static_cast<uint16_t>(shifted) * 3) >> 8;
}

// The code (trit + 1) of element i (0..127) of a 32-byte I2_S block:
// elements 32g + m share byte m, group g in bits 6 - 2g (FORMATS.md §5).
inline int I2sCode(const uint8_t* block, int i) { return (block[i % 32] >> (6 - 2 * (i / 32))) & 3; }

// The 2-bit fields of a 256-element super-block, as TQ2_0's and Q2_K's
// codes, Q3_K's low bits and Q6_K's high bits lie (FORMATS.md §3.1):
// element 128h + 32n + m sits at bits 2n of byte 32h + m.
inline int CrumbByte(int i) { return 32 * (i / 128) + i % 32; }
inline int CrumbShift(int i) { return 2 * ((i % 128) / 32); }
inline int Crumb(const uint8_t* bytes, int i) { return (bytes[CrumbByte(i)] >> CrumbShift(i)) & 3; }

// The code (trit + 1) of element i (0..255) of a TQ2_0 block.
inline int Tq2Code(const uint8_t* qs, int i) { return Crumb(qs, i); }

// The 256 codes (trit + 1) of a TQ1_0 block in element order: digit n of
// qs[m] is element 32n + m, of qs[32 + m] 160 + 16n + m, of qh[j]
// 240 + 4n + j (FORMATS.md §3.2).
inline void DecodeTq1Codes(const uint8_t* block, uint8_t* codes) {
  for (int m = 0; m < 32; ++m) {
    for (int n = 0; n < 5; ++n) codes[32 * n + m] = static_cast<uint8_t>(Tq1Digit(block[m], n));
  }
  for (int m = 0; m < 16; ++m) {
    for (int n = 0; n < 5; ++n) codes[160 + 16 * n + m] = static_cast<uint8_t>(Tq1Digit(block[32 + m], n));
  }
  for (int j = 0; j < 4; ++j) {
    for (int n = 0; n < 4; ++n) codes[240 + 4 * n + j] = static_cast<uint8_t>(Tq1Digit(block[48 + j], n));
  }
}

}  // namespace axq

#endif  // AXQ_QUANT_TERNARY_LAYOUT_H_
