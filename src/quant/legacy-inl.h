// Vector building blocks shared by the 32-element block kernels
// (q4_0/q4_1/q5_0/q5_1/q8_0/q8_1-inl.h). Every step mirrors one line of the
// scalar reference so that the bytes stay identical on every target.

// Per-target include guard (Highway's toggle idiom).
#if defined(AXQ_QUANT_LEGACY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_LEGACY_INL_H_
#undef AXQ_QUANT_LEGACY_INL_H_
#else
#define AXQ_QUANT_LEGACY_INL_H_
#endif

#include <cstdint>

#include "hwy/highway.h"
#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using LegacyF = hn::ScalableTag<float>;
using LegacyI = hn::RebindToSigned<LegacyF>;
using LegacyU8 = hn::Rebind<uint8_t, LegacyI>;
using LegacyI8 = hn::Rebind<int8_t, LegacyI>;
using VecF = hn::Vec<LegacyF>;
using VecI = hn::Vec<LegacyI>;

// Largest |x| of a block as its bit pattern. Comparing magnitudes as
// integers orders every finite value, inf and NaN (in that order), so a
// result >= 0x7F800000 means the block holds a non-finite value.
HWY_INLINE uint32_t BlockAbsMaxBits(const float* x) {
  const LegacyF df;
  const LegacyI di;
  VecI max_bits = hn::Zero(di);
  for (size_t i = 0; i < kLegacyBlock; i += hn::Lanes(df)) {
    max_bits = hn::Max(max_bits, hn::BitCast(di, hn::Abs(hn::LoadU(df, x + i))));
  }
  return static_cast<uint32_t>(hn::GetLane(hn::MaxOfLanes(di, max_bits)));
}

inline bool IsNonFiniteBits(uint32_t abs_bits) { return abs_bits >= 0x7F800000u; }

// The lanes of a mask as bits, lane 0 in bit 0.
HWY_INLINE uint64_t MaskBits(hn::Mask<LegacyI> mask) {
  uint8_t bytes[8] = {0};
  hn::StoreMaskBits(LegacyI(), mask, bytes);
  uint64_t bits = 0;
  for (size_t b = 0; b < (hn::Lanes(LegacyI()) + 7) / 8; ++b) {
    bits |= static_cast<uint64_t>(bytes[b]) << (8 * b);
  }
  return bits;
}

// Q4_0/Q5_0 scale source: the first element reaching the largest magnitude.
// An all-zero block keeps ggml's initial +0.0 (not a stored -0.0).
HWY_INLINE float BlockFirstLargest(const float* x, uint32_t abs_max_bits) {
  if (abs_max_bits == 0) return 0.0f;
  const LegacyF df;
  const LegacyI di;
  const VecI target = hn::Set(di, static_cast<int32_t>(abs_max_bits));
  uint64_t matches = 0;
  for (size_t i = 0; i < kLegacyBlock; i += hn::Lanes(df)) {
    const VecI bits = hn::BitCast(di, hn::Abs(hn::LoadU(df, x + i)));
    matches |= MaskBits(hn::Eq(bits, target)) << i;
  }
  return x[hwy::Num0BitsBelowLS1Bit_Nonzero64(matches)];  // some lane holds the maximum
}

// Block minimum and maximum (finite input), as ggml's strict-comparison
// scan finds them. Only the sign of a zero extreme can tell the two apart:
// the scan keeps the first zero it meets, a vector Min/Max either one, and
// the sign reaches the stored m (and d through max - min). Those blocks take
// the scalar scan.
HWY_INLINE void BlockMinMaxVec(const float* x, float* min_out, float* max_out) {
  const LegacyF df;
  VecF lo = hn::LoadU(df, x);
  VecF hi = lo;
  for (size_t i = hn::Lanes(df); i < kLegacyBlock; i += hn::Lanes(df)) {
    const VecF v = hn::LoadU(df, x + i);
    lo = hn::Min(lo, v);
    hi = hn::Max(hi, v);
  }
  *min_out = hn::GetLane(hn::MinOfLanes(df, lo));
  *max_out = hn::GetLane(hn::MaxOfLanes(df, hi));
  if (*min_out == 0.0f || *max_out == 0.0f) BlockMinMax(x, min_out, max_out);
}

// Truncating conversion of values already known to lie in [0, 2^31).
HWY_INLINE VecI TruncToInt(VecF v) { return hn::ConvertTo(LegacyI(), v); }

// roundf (ties away from zero) for |v| < 2^23, built from Trunc because
// Highway's Round ties to even.
HWY_INLINE VecF RoundHalfAway(VecF v) {
  const LegacyF df;
  const VecF t = hn::Trunc(v);
  const auto needs_step = hn::Ge(hn::Abs(hn::Sub(v, t)), hn::Set(df, 0.5f));
  return hn::IfThenElse(needs_step, hn::Add(t, hn::CopySign(hn::Set(df, 1.0f), v)), t);
}

// qs bytes for 4-bit codes: element j in the low nibble, j + 16 in the high.
HWY_INLINE void StoreNibblePairs(VecI lo, VecI hi, uint8_t* qs) {
  const LegacyU8 du8;
  const VecI packed = hn::Or(lo, hn::ShiftLeft<4>(hi));
  hn::StoreU(hn::DemoteTo(du8, packed), du8, qs);
}

// Sets bit `first_bit + lane` of the 32-bit qh word for every lane whose
// 5-bit code has bit 4 set.
HWY_INLINE uint32_t HighBits(VecI codes, size_t first_bit) {
  const LegacyI di;
  const auto mask = hn::Ne(hn::And(codes, hn::Set(di, 16)), hn::Zero(di));
  return static_cast<uint32_t>(MaskBits(mask) << first_bit);
}

// Splats a stored fp16 scale as f32.
HWY_INLINE VecF LoadHalfScale(const uint8_t* p) {
  return hn::Set(LegacyF(), Fp16ToFp32(LoadLE16(p)));
}

// Codes of lanes [i, i + Lanes) of each half of a 4-bit block, as int32.
HWY_INLINE VecI LowNibbles(const uint8_t* qs) {
  const LegacyI di;
  return hn::And(hn::PromoteTo(di, hn::LoadU(LegacyU8(), qs)), hn::Set(di, 0x0F));
}
HWY_INLINE VecI HighNibbles(const uint8_t* qs) {
  const LegacyI di;
  return hn::ShiftRight<4>(hn::PromoteTo(di, hn::LoadU(LegacyU8(), qs)));
}

// Bit 4 of the codes of lanes [first_bit, first_bit + Lanes) from qh.
HWY_INLINE VecI FifthBits(uint32_t qh, size_t first_bit) {
  const LegacyI di;
  const hn::RebindToUnsigned<LegacyI> du;
  const auto shifts = hn::Iota(du, static_cast<uint32_t>(first_bit));
  const auto bits = hn::And(hn::Shr(hn::Set(du, qh), shifts), hn::Set(du, 1u));
  return hn::BitCast(di, hn::ShiftLeft<4>(bits));
}

inline uint32_t LoadLE32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

inline void StoreLE32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// 1/d as the references compute it; `finite` is false when the reciprocal
// overflows (subnormal d), where the reference's x86 conversion rules apply.
inline float Reciprocal(float d, bool* finite) {
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  *finite = (id < 0.0f ? -id : id) <= 3.402823466e+38f && (d < 0.0f ? -d : d) <= 3.402823466e+38f;
  return id;
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_LEGACY_INL_H_
