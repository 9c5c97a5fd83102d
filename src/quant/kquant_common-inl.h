// Vector building blocks of the K-quant kernels (kquant_a-inl.h,
// kquant_bc-inl.h): ggml's nearest_int, the column layout in which each
// lane runs one sub-block's scale search, and the bit packing of codes.
//
// The searches of FORMATS.md §3.2 are sequential inside one sub-block (a
// running sum per candidate, a running best across candidates), but the
// sub-blocks are independent. So the kernels transpose a bundle of
// sub-blocks into columns, one lane per sub-block, and every lane performs
// exactly the reference's float operations in the reference's order.
#if defined(AXQ_QUANT_KQUANT_COMMON_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_KQUANT_COMMON_INL_H_
#undef AXQ_QUANT_KQUANT_COMMON_INL_H_
#else
#define AXQ_QUANT_KQUANT_COMMON_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "hwy/cache_control.h"
#include "hwy/highway.h"
#include "src/quant/half.h"
#include "src/quant/ternary_layout.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// At most 16 lanes: one super-block of 16 sub-blocks fills a vector, and
// the per-chunk buffers stay small on every target.
using KqF = hn::CappedTag<float, 16>;
using KqI = hn::RebindToSigned<KqF>;
using KqU8 = hn::Rebind<uint8_t, KqF>;
using KqVF = hn::Vec<KqF>;
using KqVI = hn::Vec<KqI>;
using KqMask = hn::Mask<KqF>;
constexpr size_t kKqMaxLanes = hn::MaxLanes(KqF());

// Byte vectors for packing code planes, at most 16 bytes: the codes are
// stored 16 at a time, and wider loads of them would not be forwarded
// from those stores.
using KqB = hn::CappedTag<uint8_t, 16>;
using KqVB = hn::Vec<KqB>;

constexpr float kRoundBias = 12582912.0f;  // 1.5 * 2^23, as in NearestInt
constexpr int32_t kRoundBiasBits = 0x4B400000;

// The clamp range [lo, hi] of the codes, as the bit patterns of
// 1.5 * 2^23 + lo and 1.5 * 2^23 + hi: the rounding helpers clamp in that
// binade, where the integer order of the bits is the order of the values.
struct CodeRange {
  KqVI lo, hi;
  CodeRange(int l, int h) : lo(hn::Set(KqI(), kRoundBiasBits + l)), hi(hn::Set(KqI(), kRoundBiasBits + h)) {}
};

// clamp(NearestInt(v), lo, hi) as a float, lane by lane exactly as
// ternary_layout.h's NearestInt, including its wrapped answers beyond
// +-2^22 and for inf/NaN: the low 23 bits m of v + 1.5*2^23, put under the
// exponent of 2^23, are the float 2^23 + m, which is clamped and from which
// subtracting 1.5*2^23 leaves m - 2^22 exactly.
HWY_INLINE KqVF NearestIntClamped(KqVF v, const CodeRange& range) {
  const KqF df;
  const KqI di;
  const KqVI biased = hn::BitCast(di, hn::Add(v, hn::Set(df, kRoundBias)));
  KqVI bits = hn::OrAnd(hn::Set(di, 0x4B000000), biased, hn::Set(di, 0x007FFFFF));
  bits = hn::Min(hn::Max(bits, range.lo), range.hi);
  return hn::Sub(hn::BitCast(df, bits), hn::Set(df, kRoundBias));
}

// The same for |v| < 2^22, where v + 1.5*2^23 is already that float (the
// rounding to nearest even happens in the addition). kLo/kHi: whether
// the lower/upper bound can be reached at all.
template <bool kLo = true, bool kHi = true>
HWY_INLINE KqVF NearestIntClampedSmall(KqVF v, const CodeRange& range) {
  const KqF df;
  const KqI di;
  const KqVF bias = hn::Set(df, kRoundBias);
  KqVI bits = hn::BitCast(di, hn::Add(v, bias));
  if (kLo) bits = hn::Max(bits, range.lo);
  if (kHi) bits = hn::Min(bits, range.hi);
  return hn::Sub(hn::BitCast(df, bits), bias);
}

// Integer-valued floats in [0, 255] (codes) to bytes: adding 2^23 puts
// the integer in the low mantissa bits (U8FromU32 wants values <= 255).
HWY_INLINE void StoreCodes(KqVF codes, uint8_t* out) {
  const hn::RebindToUnsigned<KqF> du;
  const auto biased = hn::BitCast(du, hn::Add(codes, hn::Set(KqF(), 8388608.0f)));
  hn::StoreU(hn::U8FromU32(hn::And(biased, hn::Set(du, 0xFFu))), KqU8(), out);
}

// Asks for the n floats at x (the next chunk, while this one computes).
HWY_INLINE void KqPrefetch(const float* x, size_t n) {
  for (size_t i = 0; i < n; i += 16) hwy::Prefetch(x + i);
}

// False if any of the n floats (a multiple of 16) is NaN or inf: as bit
// patterns, magnitudes order every finite value below inf and NaN.
HWY_INLINE bool KqAllFinite(const float* x, size_t n) {
  const KqF df;
  const KqI di;
  KqVI max_bits = hn::Zero(di);
  for (size_t i = 0; i < n; i += hn::Lanes(df)) {
    max_bits = hn::Max(max_bits, hn::BitCast(di, hn::Abs(hn::LoadU(df, x + i))));
  }
  return hn::AllFalse(di, hn::Gt(max_bits, hn::Set(di, 0x7F7FFFFF)));
}

// Column layout of a bundle of `bundle` sub-blocks of n floats: element i
// of sub-block j at out[i * bundle + j]. The first `count` sub-blocks come
// from x (consecutive in memory); the rest are zero, an all-equal input
// that every search handles and whose results are dropped.
HWY_INLINE void ToColumns(const float* x, size_t n, size_t count, size_t bundle, float* out) {
  for (size_t j = 0; j < count; ++j) {
    for (size_t i = 0; i < n; ++i) out[i * bundle + j] = x[j * n + i];
  }
  for (size_t j = count; j < bundle; ++j) {
    for (size_t i = 0; i < n; ++i) out[i * bundle + j] = 0.0f;
  }
}

// ToColumns for the sub-blocks listed in index[0..count) of x.
HWY_INLINE void ToColumnsIndexed(const float* x, size_t n, const uint16_t* index, size_t count, size_t bundle,
                                 float* out) {
  for (size_t j = 0; j < count; ++j) {
    const float* sub = x + index[j] * n;
    for (size_t i = 0; i < n; ++i) out[i * bundle + j] = sub[i];
  }
  for (size_t j = count; j < bundle; ++j) {
    for (size_t i = 0; i < n; ++i) out[i * bundle + j] = 0.0f;
  }
}

// bytes[l] = sum over f of ((codes[stride * f + l] >> kShift) & mask)
// << (kWidth * f), for f = 0..kFields-1 and l = 0..31: the bit-field
// packing of §3.1.
template <int kWidth, int kFields, int kShift = 0>
HWY_INLINE void PackFields(const uint8_t* codes, size_t stride, uint8_t mask, uint8_t* bytes) {
  const KqB d8;
  const KqVB vmask = hn::Set(d8, mask);
  for (size_t l = 0; l < 32; l += hn::Lanes(d8)) {
    KqVB acc = hn::Zero(d8);
    for (int f = kFields - 1; f >= 0; --f) {
      const KqVB code = hn::LoadU(d8, codes + stride * static_cast<size_t>(f) + l);
      acc = hn::Or(hn::ShiftLeft<kWidth>(acc), hn::And(hn::ShiftRight<kShift>(code), vmask));
    }
    hn::StoreU(acc, d8, bytes + l);
  }
}

// bytes[l] = bit `bit` of codes[32 f + l] placed at bit f, f = 0..7: the
// high-bit planes of Q3_K (hmask) and Q5_K (qh).
HWY_INLINE void PackBitPlane(const uint8_t* codes, int bit, uint8_t* bytes) {
  const KqB d8;
  const KqVB one = hn::Set(d8, uint8_t{1});
  const KqVB select = hn::Set(d8, static_cast<uint8_t>(1u << bit));
  for (size_t l = 0; l < 32; l += hn::Lanes(d8)) {
    KqVB acc = hn::Zero(d8);
    for (int f = 7; f >= 0; --f) {
      const KqVB set =
          hn::IfThenElseZero(hn::Ne(hn::And(hn::LoadU(d8, codes + 32 * f + l), select), hn::Zero(d8)), one);
      acc = hn::Or(hn::ShiftLeft<1>(acc), set);
    }
    hn::StoreU(acc, d8, bytes + l);
  }
}

// (q[j] >> shift) & mask for Lanes(KqF) bytes from q, as int32 lanes.
HWY_INLINE KqVI CodeBits(const uint8_t* q, int shift, int mask) {
  const KqI di;
  const KqVI bytes = hn::PromoteTo(di, hn::LoadU(KqU8(), q));
  return hn::And(hn::ShiftRightSame(bytes, shift), hn::Set(di, mask));
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_KQUANT_COMMON_INL_H_
