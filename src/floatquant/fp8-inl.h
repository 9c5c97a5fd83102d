// FP8 Highway kernels; the scalar reference is fp8_ref.cc. Encoding rounds
// with integer ops (normal range) and with one f32 addition that lets the
// FPU's round-to-nearest-even place subnormals, so every target makes the
// reference's decisions lane by lane.
#if defined(AXQ_FLOATQUANT_FP8_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_FLOATQUANT_FP8_INL_H_
#undef AXQ_FLOATQUANT_FP8_INL_H_
#else
#define AXQ_FLOATQUANT_FP8_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "hwy/highway.h"
#include "src/floatquant/floatquant_ref.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Compile-time form of Fp8Spec.
template <int kMantissa, int kBiasValue, uint32_t kMax, uint32_t kNan, bool kInf, uint32_t kInfValue>
struct Fp8Layout {
  static constexpr int kMantissaBits = kMantissa;
  static constexpr int kBias = kBiasValue;
  static constexpr uint32_t kMaxCode = kMax;
  static constexpr uint32_t kNanCode = kNan;
  static constexpr bool kHasInf = kInf;
  static constexpr uint32_t kInfCode = kInfValue;
  static constexpr Fp8Format kFormat = kMantissa == 3 ? Fp8Format::kE4M3 : Fp8Format::kE5M2;
  // f32 bits of the smallest normal, 2^(1 - bias).
  static constexpr uint32_t kMinNormalBits = static_cast<uint32_t>(127 + 1 - kBias) << 23;
  // A power of two whose f32 ulp is the subnormal step 2^(1 - bias - M):
  // adding it to a subnormal magnitude rounds that to the step grid.
  static constexpr uint32_t kMagicBits = static_cast<uint32_t>(127 + 23 + 1 - kBias - kMantissa) << 23;
  // Subnormal step as a float, 2^(1 - bias - M).
  static constexpr uint32_t kStepBits = static_cast<uint32_t>(127 + 1 - kBias - kMantissa) << 23;
};
using E4M3Layout = Fp8Layout<3, 7, 0x7E, 0x7F, false, 0>;
using E5M2Layout = Fp8Layout<2, 15, 0x7B, 0x7E, true, 0x7C>;

using Fp8F = hn::ScalableTag<float>;
using Fp8U = hn::RebindToUnsigned<Fp8F>;
using Fp8I = hn::RebindToSigned<Fp8F>;
using Fp8U8 = hn::Rebind<uint8_t, Fp8F>;

HWY_INLINE float FloatFromBits(uint32_t bits) {
  float f;
  hwy::CopyBytes<4>(&bits, &f);
  return f;
}

// Codes (one per u32 lane) of the f32 lanes of x.
template <class L>
HWY_INLINE hn::Vec<Fp8U> EncodeFp8Lanes(hn::Vec<Fp8F> x) {
  const Fp8F df;
  const Fp8U du;
  const Fp8I di;
  constexpr int kDrop = 23 - L::kMantissaBits;
  const auto bits = hn::BitCast(du, x);
  const auto sign = hn::And(hn::ShiftRight<24>(bits), hn::Set(du, 0x80u));
  const auto magnitude = hn::And(bits, hn::Set(du, 0x7FFFFFFFu));
  const auto mag_i = hn::BitCast(di, magnitude);  // < 2^31: signed compares are safe
  // Normal range: round the dropped mantissa bits to nearest even, rebias.
  // An exponent carry from the rounding lands in the next binade, as it should.
  const auto odd = hn::And(hn::ShiftRight<kDrop>(magnitude), hn::Set(du, 1u));
  const auto rounded = hn::Add(hn::Add(magnitude, hn::Set(du, (1u << (kDrop - 1)) - 1u)), odd);
  const auto rebias = hn::Set(du, static_cast<uint32_t>(127 - L::kBias) << L::kMantissaBits);
  auto normal = hn::Sub(hn::ShiftRight<kDrop>(rounded), rebias);
  // Finite values (and E4M3's infinities) past the largest finite saturate.
  normal = hn::BitCast(du, hn::Min(hn::BitCast(di, normal), hn::Set(di, static_cast<int32_t>(L::kMaxCode))));
  const auto magic = hn::Set(df, FloatFromBits(L::kMagicBits));
  const auto subnormal =
      hn::Sub(hn::BitCast(du, hn::Add(hn::BitCast(df, magnitude), magic)), hn::Set(du, L::kMagicBits));
  const auto is_small = hn::Lt(mag_i, hn::Set(di, static_cast<int32_t>(L::kMinNormalBits)));
  auto code = hn::IfThenElse(hn::RebindMask(du, is_small), subnormal, normal);
  if (L::kHasInf) {
    const auto is_inf = hn::Eq(mag_i, hn::Set(di, 0x7F800000));
    code = hn::IfThenElse(hn::RebindMask(du, is_inf), hn::Set(du, L::kInfCode), code);
  }
  code = hn::Or(code, sign);
  const auto is_nan = hn::Gt(mag_i, hn::Set(di, 0x7F800000));  // the canonical NaN has no sign
  return hn::IfThenElse(hn::RebindMask(du, is_nan), hn::Set(du, L::kNanCode), code);
}

// Exact f32 values of the codes in the u32 lanes of c.
template <class L>
HWY_INLINE hn::Vec<Fp8F> DecodeFp8Lanes(hn::Vec<Fp8U> c) {
  const Fp8F df;
  const Fp8U du;
  const Fp8I di;
  const auto sign = hn::ShiftLeft<24>(hn::And(c, hn::Set(du, 0x80u)));
  const auto body = hn::And(c, hn::Set(du, 0x7Fu));
  const auto exponent = hn::ShiftRight<L::kMantissaBits>(body);
  const auto mantissa = hn::And(body, hn::Set(du, (1u << L::kMantissaBits) - 1u));
  const auto normal = hn::Add(hn::ShiftLeft<23 - L::kMantissaBits>(body),
                              hn::Set(du, static_cast<uint32_t>(127 - L::kBias) << 23));
  const auto subnormal = hn::BitCast(
      du, hn::Mul(hn::ConvertTo(df, hn::BitCast(di, mantissa)), hn::Set(df, FloatFromBits(L::kStepBits))));
  auto out = hn::IfThenElse(hn::Eq(exponent, hn::Zero(du)), subnormal, normal);
  const auto quiet_nan = hn::Set(du, 0x7FC00000u);
  if (L::kHasInf) {
    const auto special = hn::IfThenElse(hn::Eq(mantissa, hn::Zero(du)), hn::Set(du, 0x7F800000u), quiet_nan);
    out = hn::IfThenElse(hn::Eq(exponent, hn::Set(du, 0x1Fu)), special, out);
  } else {
    out = hn::IfThenElse(hn::Eq(body, hn::Set(du, 0x7Fu)), quiet_nan, out);
  }
  return hn::BitCast(df, hn::Or(out, sign));
}

// out[i] = encode(x[i] / scale). Whole vectors, then one overlapping last
// vector (the conversion is per element, so redoing lanes is harmless);
// inputs shorter than a vector go to the reference.
template <class L>
HWY_INLINE void EncodeFp8(const float* x, size_t n, float scale, uint8_t* out) {
  const Fp8F df;
  const Fp8I di;
  const Fp8U8 d8;
  const size_t lanes = hn::Lanes(df);
  if (n < lanes) {
    fp8_encode_ref(x, n, L::kFormat, scale, out);
    return;
  }
  const auto vscale = hn::Set(df, scale);
  const auto one_vector = [&](size_t i) {
    const auto code = EncodeFp8Lanes<L>(hn::Div(hn::LoadU(df, x + i), vscale));
    hn::StoreU(hn::DemoteTo(d8, hn::BitCast(di, code)), d8, out + i);
  };
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) one_vector(i);
  if (i < n) one_vector(n - lanes);
}

// out[i] = decode(codes[i]) * scale, tail as in EncodeFp8.
template <class L>
HWY_INLINE void DecodeFp8(const uint8_t* codes, size_t n, float scale, float* out) {
  const Fp8F df;
  const Fp8U du;
  const Fp8U8 d8;
  const size_t lanes = hn::Lanes(df);
  if (n < lanes) {
    fp8_decode_ref(codes, n, L::kFormat, scale, out);
    return;
  }
  const auto vscale = hn::Set(df, scale);
  const auto one_vector = [&](size_t i) {
    const auto value = DecodeFp8Lanes<L>(hn::PromoteTo(du, hn::LoadU(d8, codes + i)));
    hn::StoreU(hn::Mul(value, vscale), df, out + i);
  };
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) one_vector(i);
  if (i < n) one_vector(n - lanes);
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_FLOATQUANT_FP8_INL_H_
