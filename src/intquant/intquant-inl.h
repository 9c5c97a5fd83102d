// Highway kernels of integer quantization; the scalar references are in
// intquant_ref.cc and the contract in intquant_kernels.h. Dequantization and
// fake quantization repeat int_codec.h's per-element functions operation
// for operation (divide, round half to even, add, clamp; subtract,
// multiply, saturate). Encoding reorders them into an equivalent form with
// the same results for every input (IqEncodeLanes says why). Elements a
// vector loop leaves over go through the scalar functions themselves.
#if defined(AXQ_INTQUANT_INTQUANT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_INTQUANT_INTQUANT_INL_H_
#undef AXQ_INTQUANT_INTQUANT_INL_H_
#else
#define AXQ_INTQUANT_INTQUANT_INL_H_
#endif

#include <cstdint>

#include "hwy/highway.h"
#include "src/intquant/int_codec.h"
#include "src/intquant/intquant_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using IqF = hn::ScalableTag<float>;
using IqI = hn::RebindToSigned<IqF>;
using IqU8 = hn::Rebind<uint8_t, IqI>;
using IqVecF = hn::Vec<IqF>;
using IqVecI = hn::Vec<IqI>;

// 1.5 * 2^23: for |t| < 2^22, t + kRoundingBias lands in [2^23, 2^24),
// where floats are the integers, so the add rounds t half to even (the
// default rounding mode) and the sum's low mantissa bits are the integer.
constexpr float kRoundingBias = 12582912.0f;

// The constants of one codec, broadcast once per call.
struct IqConsts {
  IqVecF qmin, qmax, max_finite, min_finite, bias;
  IqVecI code_mask, sign_bit, nibble;
  explicit IqConsts(const IntCodec& c)
      : qmin(hn::Set(IqF(), c.qmin)),
        qmax(hn::Set(IqF(), c.qmax)),
        max_finite(hn::Set(IqF(), kMaxFinite)),
        min_finite(hn::Set(IqF(), -kMaxFinite)),
        bias(hn::Set(IqF(), kRoundingBias)),
        code_mask(hn::Set(IqI(), static_cast<int32_t>(c.code_mask))),
        sign_bit(hn::Set(IqI(), static_cast<int32_t>(c.sign_bit))),
        nibble(hn::Set(IqI(), 0xF)) {}
};

// QuantizeLevel, lane by lane.
HWY_INLINE IqVecF IqLevel(IqVecF x, IqVecF s, IqVecF zp, const IqConsts& k) {
  const IqVecF r = hn::Add(hn::Round(hn::Div(x, s)), zp);
  return hn::Min(hn::Max(r, k.qmin), k.qmax);
}

// StoredCode(QuantizeLevel(x)) lane by lane, for encoding: clamping x / s
// to the integers [qmin - zp, qmax - zp] before rounding gives the same
// level as rounding first and clamping after, and then the biased sum
// kRoundingBias + round(t) + zp (both adds exact) holds the code in its low
// bits: code & code_mask, without a float-to-int conversion.
HWY_INLINE IqVecI IqEncodeLanes(IqVecF x, IqVecF s, IqVecF zp, const IqConsts& k) {
  const IqVecF t = hn::Min(hn::Max(hn::Div(x, s), hn::Sub(k.qmin, zp)), hn::Sub(k.qmax, zp));
  return hn::And(hn::BitCast(IqI(), hn::Add(hn::Add(t, k.bias), zp)), k.code_mask);
}

// Stores the low bytes of lanes holding 0..255.
HWY_INLINE void IqStoreBytes(IqVecI v, uint8_t* dst) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  // One truncating vpmovdb instead of Highway's saturating pack sequence.
  _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm512_cvtepi32_epi8(v.raw));
#else
  const IqU8 du8;
  hn::StoreU(hn::DemoteTo(du8, v), du8, dst);
#endif
}

// DequantizeLevel, lane by lane.
HWY_INLINE IqVecF IqDequantize(IqVecF level, IqVecF s, IqVecF zp, const IqConsts& k) {
  const IqVecF y = hn::Mul(hn::Sub(level, zp), s);
  return hn::Min(hn::Max(y, k.min_finite), k.max_finite);
}

// CodeValue (sign extension) as a float level, lane by lane.
HWY_INLINE IqVecF IqCodeLevel(IqVecI stored, const IqConsts& k) {
  return hn::ConvertTo(IqF(), hn::Sub(hn::Xor(stored, k.sign_bit), k.sign_bit));
}

// ---------------------------------------------------------------------------
// Range

// Largest |x| as bits (which also flags NaN/Inf, see IntRange).
HWY_INLINE IntRange IqAbsRange(const float* x, int64_t n) {
  const IqF df;
  const IqI di;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  if (n < lanes) return int_range_ref(x, n, false);
  IqVecI bits = hn::Zero(di);
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes) bits = hn::Max(bits, hn::BitCast(di, hn::Abs(hn::LoadU(df, x + i))));
  // The last vector overlaps the previous one: a maximum does not mind.
  if (i < n) bits = hn::Max(bits, hn::BitCast(di, hn::Abs(hn::LoadU(df, x + n - lanes))));
  IntRange r;
  r.abs_bits = static_cast<uint32_t>(hn::GetLane(hn::MaxOfLanes(di, bits)));
  r.min = r.max = x[0];
  return r;
}

// Minimum and maximum. Vector Min/Max may drop a NaN, so NaN/Inf are
// tracked apart: x - x is 0 for finite x and NaN otherwise, and a sum of
// those stays NaN. For finite sets abs_bits is then the larger of |min| and
// |max|, exactly the largest |x| the reference finds.
HWY_INLINE IntRange IqMinMaxRange(const float* x, int64_t n) {
  const IqF df;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  if (n < lanes) return int_range_ref(x, n, true);
  IqVecF lo = hn::LoadU(df, x);
  IqVecF hi = lo;
  IqVecF poison = hn::Zero(df);
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const IqVecF v = hn::LoadU(df, x + i);
    lo = hn::Min(lo, v);
    hi = hn::Max(hi, v);
    poison = hn::Add(poison, hn::Sub(v, v));
  }
  if (i < n) {  // overlapping last vector; min and max do not mind repeats
    const IqVecF v = hn::LoadU(df, x + n - lanes);
    lo = hn::Min(lo, v);
    hi = hn::Max(hi, v);
    poison = hn::Add(poison, hn::Sub(v, v));
  }
  IntRange r;
  if (!hn::AllFalse(df, hn::IsNaN(poison))) {
    r.abs_bits = 0x7FC00000u;  // some NaN or Inf
    return r;
  }
  r.min = hn::GetLane(hn::MinOfLanes(df, lo));
  r.max = hn::GetLane(hn::MaxOfLanes(df, hi));
  const uint32_t lo_bits = AbsBits(r.min);
  const uint32_t hi_bits = AbsBits(r.max);
  r.abs_bits = lo_bits > hi_bits ? lo_bits : hi_bits;
  return r;
}

HWY_INLINE IntRange IqRangeOf(const float* x, int64_t n, bool with_min_max) {
  return with_min_max ? IqMinMaxRange(x, n) : IqAbsRange(x, n);
}

// ---------------------------------------------------------------------------
// Runs: consecutive elements sharing one scale and zero point. `offset` is
// the index of x[0] counted from the byte boundary at `codes`.

HWY_INLINE void IqEncodeRun(const float* x, int64_t n, int64_t offset, float scale, float zero_point,
                            const IntCodec& c, const IqConsts& k, uint8_t* codes) {
  const IqF df;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  const IqVecF s = hn::Set(df, scale);
  const IqVecF zp = hn::Set(df, zero_point);
  int64_t i = 0;
  if (!c.packed()) {
    for (; i + lanes <= n; i += lanes) IqStoreBytes(IqEncodeLanes(hn::LoadU(df, x + i), s, zp, k), codes + offset + i);
  } else if (offset % 2 == 0) {
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
      IqVecF even, odd;
      hn::LoadInterleaved2(df, x + i, even, odd);
      const IqVecI lo = IqEncodeLanes(even, s, zp, k);
      const IqVecI hi = IqEncodeLanes(odd, s, zp, k);
      IqStoreBytes(hn::Or(lo, hn::ShiftLeft<4>(hi)), codes + (offset + i) / 2);
    }
  }
  for (; i < n; ++i) {
    PutCode(codes, offset + i, StoredCode(QuantizeLevel(x[i], scale, zero_point, c), c), c);
  }
}

HWY_INLINE void IqDecodeRun(const uint8_t* codes, int64_t n, int64_t offset, float scale, float zero_point,
                            const IntCodec& c, const IqConsts& k, float* y) {
  const IqF df;
  const IqI di;
  const IqU8 du8;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  const IqVecF s = hn::Set(df, scale);
  const IqVecF zp = hn::Set(df, zero_point);
  int64_t i = 0;
  if (!c.packed()) {
    for (; i + lanes <= n; i += lanes) {
      const IqVecI stored = hn::PromoteTo(di, hn::LoadU(du8, codes + offset + i));
      hn::StoreU(IqDequantize(IqCodeLevel(stored, k), s, zp, k), df, y + i);
    }
  } else if (offset % 2 == 0) {
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
      const IqVecI bytes = hn::PromoteTo(di, hn::LoadU(du8, codes + (offset + i) / 2));
      const IqVecF even = IqDequantize(IqCodeLevel(hn::And(bytes, k.nibble), k), s, zp, k);
      const IqVecF odd = IqDequantize(IqCodeLevel(hn::ShiftRight<4>(bytes), k), s, zp, k);
      hn::StoreInterleaved2(even, odd, df, y + i);
    }
  }
  for (; i < n; ++i) {
    const float level = static_cast<float>(CodeValue(GetCode(codes, offset + i, c), c));
    y[i] = DequantizeLevel(level, scale, zero_point);
  }
}

// The index of the first NaN/Inf among the lanes of v (at x), or -1.
HWY_INLINE int64_t IqFirstNonFinite(const float* x, IqVecF v) {
  const IqI di;
  const IqVecI bits = hn::BitCast(di, hn::Abs(v));
  if (hn::AllFalse(di, bits > hn::Set(di, static_cast<int32_t>(kNonFiniteBits - 1)))) return -1;
  for (size_t j = 0;; ++j) {
    if (AbsBits(x[j]) >= kNonFiniteBits) return static_cast<int64_t>(j);
  }
}

// Fake quantization of a run; returns the first NaN/Inf's index or -1,
// writing nothing from the vector that holds it on.
HWY_INLINE int64_t IqFakeRun(const float* x, int64_t n, float scale, float zero_point, const IntCodec& c,
                             const IqConsts& k, bool clamped_ste, float* y, uint8_t* mask) {
  const IqF df;
  const IqI di;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  const IqVecF s = hn::Set(df, scale);
  const IqVecF zp = hn::Set(df, zero_point);
  const SteBounds bounds = RepresentableRange(scale, zero_point, c);
  const IqVecF lo = hn::Set(df, bounds.lo);
  const IqVecF hi = hn::Set(df, bounds.hi);
  const IqVecI one = hn::Set(di, 1);
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const IqVecF v = hn::LoadU(df, x + i);
    const int64_t bad = IqFirstNonFinite(x + i, v);
    if (bad >= 0) return i + bad;
    hn::StoreU(IqDequantize(IqLevel(v, s, zp, k), s, zp, k), df, y + i);
    if (mask != nullptr) {
      const IqVecI m = clamped_ste ? hn::IfThenElseZero(hn::RebindMask(di, hn::And(v >= lo, v <= hi)), one) : one;
      IqStoreBytes(m, mask + i);
    }
  }
  for (; i < n; ++i) {
    const float v = x[i];
    if (AbsBits(v) >= kNonFiniteBits) return i;
    y[i] = DequantizeLevel(QuantizeLevel(v, scale, zero_point, c), scale, zero_point);
    if (mask != nullptr) mask[i] = !clamped_ste || (v >= bounds.lo && v <= bounds.hi) ? 1 : 0;
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Spans (intquant_kernels.h)

HWY_INLINE int64_t IqQuantizeGroups(const float* x, int64_t n_groups, int64_t g, const IntCodec& c, uint8_t* codes,
                                    float* scales, float* zero_points) {
  const IqConsts k(c);
  for (int64_t b = 0; b < n_groups; ++b) {
    const float* group = x + b * g;
    const IntRange range = IqRangeOf(group, g, c.affine());
    if (range.abs_bits >= kNonFiniteBits) return b;
    const IntParams p = ParamsFromRange(c, range);
    scales[b] = p.scale;
    zero_points[b] = p.zero_point;
    IqEncodeRun(group, g, b * g, p.scale, p.zero_point, c, k, codes);
  }
  return -1;
}

HWY_INLINE void IqEncodeSpan(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                             const IntCodec& c, uint8_t* codes) {
  const IqConsts k(c);
  if (g > 1 || n == 1) {
    for (int64_t start = 0, p = 0; start < n; start += g, ++p) {
      const int64_t len = n - start < g ? n - start : g;
      IqEncodeRun(x + start, len, start, scales[p], zero_points[p], c, k, codes);
    }
    return;
  }
  // One scale per element (per channel along axis 0): parameters by lane.
  const IqF df;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  int64_t i = 0;
  if (!c.packed()) {
    for (; i + lanes <= n; i += lanes) {
      IqStoreBytes(IqEncodeLanes(hn::LoadU(df, x + i), hn::LoadU(df, scales + i), hn::LoadU(df, zero_points + i), k),
                   codes + i);
    }
  } else {
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
      IqVecF even, odd, s_even, s_odd, z_even, z_odd;
      hn::LoadInterleaved2(df, x + i, even, odd);
      hn::LoadInterleaved2(df, scales + i, s_even, s_odd);
      hn::LoadInterleaved2(df, zero_points + i, z_even, z_odd);
      const IqVecI lo = IqEncodeLanes(even, s_even, z_even, k);
      const IqVecI hi = IqEncodeLanes(odd, s_odd, z_odd, k);
      IqStoreBytes(hn::Or(lo, hn::ShiftLeft<4>(hi)), codes + i / 2);
    }
  }
  for (; i < n; ++i) {
    PutCode(codes, i, StoredCode(QuantizeLevel(x[i], scales[i], zero_points[i], c), c), c);
  }
}

HWY_INLINE void IqDecodeSpan(const uint8_t* codes, int64_t n, int64_t g, const float* scales,
                             const float* zero_points, const IntCodec& c, float* y) {
  const IqConsts k(c);
  if (g > 1 || n == 1) {
    for (int64_t start = 0, p = 0; start < n; start += g, ++p) {
      const int64_t len = n - start < g ? n - start : g;
      IqDecodeRun(codes, len, start, scales[p], zero_points[p], c, k, y + start);
    }
    return;
  }
  const IqF df;
  const IqI di;
  const IqU8 du8;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  int64_t i = 0;
  if (!c.packed()) {
    for (; i + lanes <= n; i += lanes) {
      const IqVecI stored = hn::PromoteTo(di, hn::LoadU(du8, codes + i));
      hn::StoreU(IqDequantize(IqCodeLevel(stored, k), hn::LoadU(df, scales + i), hn::LoadU(df, zero_points + i), k),
                 df, y + i);
    }
  } else {
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
      IqVecF s_even, s_odd, z_even, z_odd;
      hn::LoadInterleaved2(df, scales + i, s_even, s_odd);
      hn::LoadInterleaved2(df, zero_points + i, z_even, z_odd);
      const IqVecI bytes = hn::PromoteTo(di, hn::LoadU(du8, codes + i / 2));
      const IqVecF even = IqDequantize(IqCodeLevel(hn::And(bytes, k.nibble), k), s_even, z_even, k);
      const IqVecF odd = IqDequantize(IqCodeLevel(hn::ShiftRight<4>(bytes), k), s_odd, z_odd, k);
      hn::StoreInterleaved2(even, odd, df, y + i);
    }
  }
  for (; i < n; ++i) {
    const float level = static_cast<float>(CodeValue(GetCode(codes, i, c), c));
    y[i] = DequantizeLevel(level, scales[i], zero_points[i]);
  }
}

HWY_INLINE int64_t IqFakeQuantizeSpan(const float* x, int64_t n, int64_t g, const float* scales,
                                      const float* zero_points, const IntCodec& c, bool clamped_ste, float* y,
                                      uint8_t* mask) {
  const IqConsts k(c);
  if (g > 1 || n == 1) {
    for (int64_t start = 0, p = 0; start < n; start += g, ++p) {
      const int64_t len = n - start < g ? n - start : g;
      const int64_t bad = IqFakeRun(x + start, len, scales[p], zero_points[p], c, k, clamped_ste, y + start,
                                    mask == nullptr ? nullptr : mask + start);
      if (bad >= 0) return start + bad;
    }
    return -1;
  }
  const IqF df;
  const IqI di;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  const IqVecI one = hn::Set(di, 1);
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const IqVecF v = hn::LoadU(df, x + i);
    const int64_t bad = IqFirstNonFinite(x + i, v);
    if (bad >= 0) return i + bad;
    const IqVecF s = hn::LoadU(df, scales + i);
    const IqVecF zp = hn::LoadU(df, zero_points + i);
    hn::StoreU(IqDequantize(IqLevel(v, s, zp, k), s, zp, k), df, y + i);
    if (mask != nullptr) {
      const IqVecF lo = hn::Mul(hn::Sub(k.qmin, zp), s);
      const IqVecF hi = hn::Mul(hn::Sub(k.qmax, zp), s);
      const IqVecI m = clamped_ste ? hn::IfThenElseZero(hn::RebindMask(di, hn::And(v >= lo, v <= hi)), one) : one;
      IqStoreBytes(m, mask + i);
    }
  }
  for (; i < n; ++i) {
    const float v = x[i];
    if (AbsBits(v) >= kNonFiniteBits) return i;
    y[i] = DequantizeLevel(QuantizeLevel(v, scales[i], zero_points[i], c), scales[i], zero_points[i]);
    if (mask != nullptr) {
      const SteBounds b = RepresentableRange(scales[i], zero_points[i], c);
      mask[i] = !clamped_ste || (v >= b.lo && v <= b.hi) ? 1 : 0;
    }
  }
  return -1;
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_INTQUANT_INTQUANT_INL_H_
