// The arithmetic of integer quantization (intquant.h, "Schemes"): code
// ranges, how a set's scale and zero point follow from its range, and one
// value's quantize/dequantize step. The scalar references and the Highway
// kernels both call these, so the parameters are computed by the same
// instructions everywhere; the kernels repeat only the per-element step,
// operation for operation.
#ifndef AXQ_INTQUANT_INT_CODEC_H_
#define AXQ_INTQUANT_INT_CODEC_H_

#include <cmath>
#include <cstdint>
#include <cstring>

namespace axq {

enum class IntScheme : int32_t { kSymmetric = 0, kAffine = 1, kPowerOfTwo = 2 };

// How codes of one bit width and scheme are computed and stored.
struct IntCodec {
  int32_t bits = 8;
  IntScheme scheme = IntScheme::kSymmetric;
  float qmin = -127.0f;  // code range, as floats (exact small integers)
  float qmax = 127.0f;
  // Stored code = code & code_mask; decoding sign-extends by
  // (stored ^ sign_bit) - sign_bit (sign_bit 0 for unsigned codes).
  uint32_t code_mask = 0xFF;
  uint32_t sign_bit = 0x80;

  bool packed() const { return bits <= 4; }
  bool affine() const { return scheme == IntScheme::kAffine; }
};

// bits must be 2..8 (validated by the caller).
inline IntCodec MakeIntCodec(int32_t bits, IntScheme scheme) {
  IntCodec c;
  c.bits = bits;
  c.scheme = scheme;
  const bool packed = bits <= 4;
  c.code_mask = packed ? 0xFu : 0xFFu;
  if (scheme == IntScheme::kAffine) {
    c.qmin = 0.0f;
    c.qmax = static_cast<float>((1 << bits) - 1);
    c.sign_bit = 0;
  } else {
    c.qmax = static_cast<float>((1 << (bits - 1)) - 1);
    c.qmin = -c.qmax;
    c.sign_bit = packed ? 0x8u : 0x80u;
  }
  return c;
}

// Bytes of the codes of one row of n elements.
inline int64_t RowCodeBytes(const IntCodec& c, int64_t n) { return c.packed() ? (n + 1) / 2 : n; }

// Stores the code of element `index` (counted from a byte boundary). An
// even element starts its byte (high nibble 0 until its odd partner comes),
// so elements must arrive in increasing order.
inline void PutCode(uint8_t* codes, int64_t index, uint32_t code, const IntCodec& c) {
  if (!c.packed()) {
    codes[index] = static_cast<uint8_t>(code);
  } else if (index % 2 == 0) {
    codes[index / 2] = static_cast<uint8_t>(code);
  } else {
    codes[index / 2] = static_cast<uint8_t>(codes[index / 2] | (code << 4));
  }
}

inline uint32_t GetCode(const uint8_t* codes, int64_t index, const IntCodec& c) {
  if (!c.packed()) return codes[index];
  return (codes[index / 2] >> (4 * (index % 2))) & 0xFu;
}

// The range of a set of values. abs_bits is the largest |x| as its bit
// pattern: as integers the patterns of |x| order every finite value below
// inf below NaN, so abs_bits >= kNonFiniteBits means the set is not finite.
struct IntRange {
  uint32_t abs_bits = 0;
  float min = 0.0f;
  float max = 0.0f;
};

constexpr uint32_t kNonFiniteBits = 0x7F800000u;

inline uint32_t AbsBits(float x) {
  uint32_t u;
  std::memcpy(&u, &x, sizeof(u));
  return u & 0x7FFFFFFFu;
}

inline float BitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

// Merges two ranges (min/max are exact, so any merge order gives the same).
inline IntRange MergeRanges(const IntRange& a, const IntRange& b) {
  IntRange r;
  r.abs_bits = a.abs_bits > b.abs_bits ? a.abs_bits : b.abs_bits;
  r.min = b.min < a.min ? b.min : a.min;
  r.max = b.max > a.max ? b.max : a.max;
  return r;
}

struct IntParams {
  float scale = 1.0f;
  float zero_point = 0.0f;  // an exact integer
};

// The smallest positive f32 (2^-149): the floor for scales that underflow.
constexpr float kSmallestScale = 1.40129846e-45f;
// The largest f32 power of two (2^127): the cap of power-of-two scales.
constexpr float kLargestPowerOfTwo = 1.70141183e+38f;
constexpr float kMaxFinite = 3.402823466e+38f;

// The smallest power of two >= s (s > 0 finite), capped at 2^127.
inline float PowerOfTwoAtLeast(float s) {
  int e = 0;
  const float m = std::frexp(s, &e);  // s = m * 2^e, m in [0.5, 1)
  if (m == 0.5f) return s;            // already a power of two
  if (e > 127) return kLargestPowerOfTwo;
  return std::ldexp(1.0f, e);
}

// Round half to even in the default rounding mode, as Highway's Round does.
inline float RoundHalfEven(float v) { return std::nearbyint(v); }

// Scale and zero point of a finite set with range r (intquant.h, "Schemes").
inline IntParams ParamsFromRange(const IntCodec& c, const IntRange& r) {
  IntParams p;
  if (c.scheme != IntScheme::kAffine) {
    const float absmax = BitsToFloat(r.abs_bits);
    if (absmax == 0.0f) return p;  // scale 1, every code 0
    float s = absmax / c.qmax;
    if (s == 0.0f) s = kSmallestScale;
    if (c.scheme == IntScheme::kPowerOfTwo) s = PowerOfTwoAtLeast(s);
    p.scale = s;
    return p;
  }
  const float lo = r.min < 0.0f ? r.min : 0.0f;  // the range always holds 0
  const float hi = r.max > 0.0f ? r.max : 0.0f;
  if (hi == lo) return p;  // all zero
  // f64 keeps hi - lo from overflowing and rounds the quotient only once.
  float s = static_cast<float>((static_cast<double>(hi) - static_cast<double>(lo)) /
                               static_cast<double>(c.qmax));
  if (s == 0.0f) s = kSmallestScale;
  float zp = RoundHalfEven(-lo / s);
  zp = zp < 0.0f ? 0.0f : zp;
  zp = zp > c.qmax ? c.qmax : zp;
  p.scale = s;
  p.zero_point = zp + 0.0f;  // never -0
  return p;
}

// One value's code level as an exact float in [qmin, qmax]. Adding zp (+0
// for the symmetric schemes) also turns a rounded -0 into +0, so the level
// has one bit pattern whatever the path.
inline float QuantizeLevel(float x, float scale, float zero_point, const IntCodec& c) {
  float r = RoundHalfEven(x / scale) + zero_point;
  r = r < c.qmin ? c.qmin : r;
  r = r > c.qmax ? c.qmax : r;
  return r;
}

// (level - zp) * s, saturated to the finite range.
inline float DequantizeLevel(float level, float scale, float zero_point) {
  float y = (level - zero_point) * scale;
  y = y < -kMaxFinite ? -kMaxFinite : y;
  y = y > kMaxFinite ? kMaxFinite : y;
  return y;
}

inline uint32_t StoredCode(float level, const IntCodec& c) {
  return static_cast<uint32_t>(static_cast<int32_t>(level)) & c.code_mask;
}

inline int32_t CodeValue(uint32_t stored, const IntCodec& c) {
  return static_cast<int32_t>(stored ^ c.sign_bit) - static_cast<int32_t>(c.sign_bit);
}

// The clamped STE's bounds: the representable range (qmin - zp) * s ..
// (qmax - zp) * s, each one f32 multiply.
struct SteBounds {
  float lo, hi;
};
inline SteBounds RepresentableRange(float scale, float zero_point, const IntCodec& c) {
  return {(c.qmin - zero_point) * scale, (c.qmax - zero_point) * scale};
}

}  // namespace axq

#endif  // AXQ_INTQUANT_INT_CODEC_H_
