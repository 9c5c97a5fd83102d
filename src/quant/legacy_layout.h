// Byte layout of ggml's 32-element blocks (FORMATS.md §2), as offsets so
// that blocks may sit at any address.
#ifndef AXQ_QUANT_LEGACY_LAYOUT_H_
#define AXQ_QUANT_LEGACY_LAYOUT_H_

#include <cstddef>
#include <cstdint>

namespace axq {

constexpr int kLegacyBlock = 32;   // elements per block (ggml QK4_0 .. QK8_1)
constexpr int kLegacyHalf = 16;    // qs[j] holds elements j and j + 16

constexpr size_t kQ4_0Bytes = 18;  // d, qs[16]
constexpr size_t kQ4_1Bytes = 20;  // d, m, qs[16]
constexpr size_t kQ5_0Bytes = 22;  // d, qh[4], qs[16]
constexpr size_t kQ5_1Bytes = 24;  // d, m, qh[4], qs[16]
constexpr size_t kQ8_0Bytes = 34;  // d, qs[32]
constexpr size_t kQ8_1Bytes = 36;  // d, s, qs[32]

// ggml converts floats to its small integer codes with a plain C cast, which
// C leaves undefined out of range. ggml's files come from x86-64, where the
// cast compiles to cvttss2si: NaN or anything outside int32 gives INT32_MIN,
// and the low byte is kept. Degenerate scales (1/d overflowing to inf for
// subnormal inputs) reach that path, so the references reproduce it.
inline uint8_t LowByteOfTruncation(float v) {
  if (!(v >= -2147483648.0f && v < 2147483648.0f)) return 0;  // low byte of INT32_MIN
  return static_cast<uint8_t>(static_cast<uint32_t>(static_cast<int32_t>(v)));
}

// Q4_0/Q5_0 scale source: the signed value of the first element whose
// magnitude is strictly larger than every earlier one (earlier wins ties).
inline float FirstLargestMagnitude(const float* x) {
  float amax = 0.0f;
  float max = 0.0f;
  for (int j = 0; j < kLegacyBlock; ++j) {
    const float v = x[j];
    if (amax < (v < 0.0f ? -v : v)) {
      amax = v < 0.0f ? -v : v;
      max = v;
    }
  }
  return max;
}

// Q8_0/Q8_1 scale source: max |x| as ggml computes it,
// amax = (amax > |x|) ? amax : |x|.
inline float BlockAbsMax(const float* x) {
  float amax = 0.0f;
  for (int j = 0; j < kLegacyBlock; ++j) {
    const float v = x[j] < 0.0f ? -x[j] : x[j];
    amax = amax > v ? amax : v;
  }
  return amax;
}

// Q4_1/Q5_1: block minimum and maximum with strict comparisons.
inline void BlockMinMax(const float* x, float* min_out, float* max_out) {
  float min = 3.402823466e+38f;
  float max = -3.402823466e+38f;
  for (int j = 0; j < kLegacyBlock; ++j) {
    if (x[j] < min) min = x[j];
    if (x[j] > max) max = x[j];
  }
  *min_out = min;
  *max_out = max;
}

// Splits 5-bit codes into qs nibbles and the 32-bit qh word (FORMATS.md §2).
inline void PackFiveBitCodes(const uint8_t* codes, uint8_t* qh, uint8_t* qs) {
  uint32_t high = 0;
  for (int j = 0; j < kLegacyBlock; ++j) high |= static_cast<uint32_t>((codes[j] >> 4) & 1u) << j;
  for (int j = 0; j < kLegacyHalf; ++j) {
    qs[j] = static_cast<uint8_t>((codes[j] & 0x0F) | ((codes[j + kLegacyHalf] & 0x0F) << 4));
  }
  for (int i = 0; i < 4; ++i) qh[i] = static_cast<uint8_t>(high >> (8 * i));
}

// Inverse of PackFiveBitCodes: the 5-bit code of every element.
inline void UnpackFiveBitCodes(const uint8_t* qh, const uint8_t* qs, int* codes) {
  const uint32_t high = static_cast<uint32_t>(qh[0]) | (static_cast<uint32_t>(qh[1]) << 8) |
                        (static_cast<uint32_t>(qh[2]) << 16) | (static_cast<uint32_t>(qh[3]) << 24);
  for (int j = 0; j < kLegacyHalf; ++j) {
    codes[j] = (qs[j] & 0x0F) | static_cast<int>(((high >> j) & 1u) << 4);
    codes[j + kLegacyHalf] = (qs[j] >> 4) | static_cast<int>(((high >> (j + 16)) & 1u) << 4);
  }
}

}  // namespace axq

#endif  // AXQ_QUANT_LEGACY_LAYOUT_H_
