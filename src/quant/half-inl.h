// Vector fp16/bf16 conversions with the exact rounding of half.h, written
// with integer ops so that every target, including those without F16C,
// matches ggml's reference (Highway 1.0.3's emulated f16 demotion truncates
// and mishandles inf). Used by the F16/BF16 rows and the block scales.
#if defined(AXQ_QUANT_HALF_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_HALF_INL_H_
#undef AXQ_QUANT_HALF_INL_H_
#else
#define AXQ_QUANT_HALF_INL_H_
#endif

#include <cstdint>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using HalfF = hn::ScalableTag<float>;
using HalfU = hn::RebindToUnsigned<HalfF>;
using HalfI = hn::RebindToSigned<HalfF>;
using HalfU16 = hn::Rebind<uint16_t, HalfF>;

// x86 targets from AVX2 up have F16C, whose conversions round exactly like
// ggml's reference for every non-NaN input (FORMATS.md §1.2); only NaN
// payloads differ, and those are patched. Elsewhere the integer forms below
// make the same decisions lane by lane.
#undef AXQ_HALF_F16C  // re-decided for every target pass
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2 && !defined(HWY_DISABLE_F16C)
#define AXQ_HALF_F16C 1
#else
#define AXQ_HALF_F16C 0
#endif

using HalfF16 = hn::Rebind<hwy::float16_t, HalfF>;

// Vector form of Fp32ToFp16 (half.h) with integer ops.
HWY_INLINE hn::Vec<HalfU> Fp32ToFp16BitsPortable(hn::Vec<HalfF> v) {
  const HalfF df;
  const HalfU du;
  const HalfI di;
  const auto bits = hn::BitCast(du, v);
  const auto sign = hn::And(hn::ShiftRight<16>(bits), hn::Set(du, 0x8000u));
  const auto magnitude = hn::And(bits, hn::Set(du, 0x7FFFFFFFu));
  const auto mag_i = hn::BitCast(di, magnitude);  // < 2^31: signed compares are safe
  const auto is_nan = hn::Gt(mag_i, hn::Set(di, 0x7F800000));
  const auto is_big = hn::Gt(mag_i, hn::Set(di, 0x477FFFFF));  // >= 2^16
  const auto is_small = hn::Lt(mag_i, hn::Set(di, 0x38800000));
  const auto subnormal = hn::Sub(
      hn::BitCast(du, hn::Add(hn::BitCast(df, magnitude), hn::Set(df, 0.5f))),
      hn::Set(du, 0x3F000000u));
  const auto odd = hn::And(hn::ShiftRight<13>(magnitude), hn::Set(du, 1u));
  const auto normal =
      hn::ShiftRight<13>(hn::Add(hn::Add(magnitude, hn::Set(du, 0xC8000FFFu)), odd));
  auto half = hn::IfThenElse(hn::RebindMask(du, is_small), subnormal, normal);
  half = hn::IfThenElse(hn::RebindMask(du, is_big), hn::Set(du, 0x7C00u), half);
  half = hn::IfThenElse(hn::RebindMask(du, is_nan), hn::Set(du, 0x7E00u), half);
  return hn::Or(half, sign);
}

// Vector form of Fp16ToFp32 (exact) with integer ops.
HWY_INLINE hn::Vec<HalfF> Fp16BitsToFp32Portable(hn::Vec<HalfU> h) {
  const HalfF df;
  const HalfU du;
  const auto sign = hn::ShiftLeft<16>(hn::And(h, hn::Set(du, 0x8000u)));
  const auto exponent = hn::And(hn::ShiftRight<10>(h), hn::Set(du, 0x1Fu));
  const auto mantissa = hn::And(h, hn::Set(du, 0x3FFu));
  const auto normal =
      hn::Or(hn::ShiftLeft<23>(hn::Add(exponent, hn::Set(du, 112u))), hn::ShiftLeft<13>(mantissa));
  // Inf, or NaN made quiet like F16C does.
  const auto quiet = hn::IfThenElseZero(hn::Ne(mantissa, hn::Zero(du)), hn::Set(du, 0x00400000u));
  const auto special = hn::Or(hn::Or(hn::Set(du, 0x7F800000u), quiet), hn::ShiftLeft<13>(mantissa));
  const auto subnormal = hn::BitCast(
      du, hn::Mul(hn::ConvertTo(df, hn::BitCast(HalfI(), mantissa)), hn::Set(df, 5.9604644775390625e-8f)));
  auto out = hn::IfThenElse(hn::Eq(exponent, hn::Set(du, 0x1Fu)), special, normal);
  out = hn::IfThenElse(hn::Eq(exponent, hn::Zero(du)), subnormal, out);
  return hn::BitCast(df, hn::Or(out, sign));
}

// Fp32ToFp16 of every lane, as u32 lanes holding the f16 bits.
HWY_INLINE hn::Vec<HalfU> Fp32ToFp16Bits(hn::Vec<HalfF> v) {
#if AXQ_HALF_F16C
  const HalfU du;
  const auto bits = hn::BitCast(du, v);
  const auto converted = hn::PromoteTo(du, hn::BitCast(HalfU16(), hn::DemoteTo(HalfF16(), v)));
  const auto quiet_nan = hn::Or(hn::And(hn::ShiftRight<16>(bits), hn::Set(du, 0x8000u)),
                                hn::Set(du, 0x7E00u));
  return hn::IfThenElse(hn::RebindMask(du, hn::IsNaN(v)), quiet_nan, converted);
#else
  return Fp32ToFp16BitsPortable(v);
#endif
}

// Lanes() f16 values at src (any alignment) widened to f32.
HWY_INLINE hn::Vec<HalfF> LoadFp16AsFp32(const uint8_t* src) {
#if AXQ_HALF_F16C
  return hn::PromoteTo(HalfF(), hn::LoadU(HalfF16(), reinterpret_cast<const hwy::float16_t*>(src)));
#else
  return Fp16BitsToFp32Portable(
      hn::PromoteTo(HalfU(), hn::LoadU(HalfU16(), reinterpret_cast<const uint16_t*>(src))));
#endif
}

// Vector form of Fp32ToBf16.
HWY_INLINE hn::Vec<HalfU> Fp32ToBf16Bits(hn::Vec<HalfF> v) {
  const HalfU du;
  const HalfI di;
  const auto bits = hn::BitCast(du, v);
  const auto is_nan = hn::Gt(hn::BitCast(di, hn::And(bits, hn::Set(du, 0x7FFFFFFFu))),
                             hn::Set(di, 0x7F800000));
  const auto lsb = hn::And(hn::ShiftRight<16>(bits), hn::Set(du, 1u));
  const auto rounded = hn::ShiftRight<16>(hn::Add(hn::Add(bits, hn::Set(du, 0x7FFFu)), lsb));
  const auto quieted = hn::Or(hn::ShiftRight<16>(bits), hn::Set(du, 0x0040u));
  return hn::IfThenElse(hn::RebindMask(du, is_nan), quieted, rounded);
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_HALF_INL_H_
