// F16 and BF16 row kernels; scalar references beside them in f16_ref.cc and
// bf16_ref.cc, the vector conversions in half-inl.h.
#if defined(AXQ_QUANT_F16_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_F16_INL_H_
#undef AXQ_QUANT_F16_INL_H_
#else
#define AXQ_QUANT_F16_INL_H_
#endif

#include <cstdint>

#include "hwy/highway.h"
#include "src/quant/half-inl.h"
#include "src/quant/half.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

HWY_INLINE void StoreHalfBits(hn::Vec<HalfU> bits, uint8_t* dst) {
  const HalfU16 du16;
  hn::StoreU(hn::DemoteTo(du16, hn::BitCast(HalfI(), bits)), du16,
             reinterpret_cast<uint16_t*>(dst));
}

HWY_INLINE hn::Vec<HalfU> LoadHalfBits(const uint8_t* src) {
  return hn::PromoteTo(HalfU(), hn::LoadU(HalfU16(), reinterpret_cast<const uint16_t*>(src)));
}

// The tails (fewer than one vector) use the scalar conversion, which makes
// the same decisions.
HWY_INLINE bool QuantizeRowF16(const float* x, uint8_t* y, int64_t k) {
  const HalfF df;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  int64_t i = 0;
  for (; i + N <= k; i += N) StoreHalfBits(Fp32ToFp16Bits(hn::LoadU(df, x + i)), y + 2 * i);
  for (; i < k; ++i) StoreLE16(y + 2 * i, Fp32ToFp16(x[i]));
  return true;  // every float has an f16/bf16 encoding
}

HWY_INLINE void DequantizeRowF16(const uint8_t* x, float* y, int64_t k) {
  const HalfF df;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  int64_t i = 0;
  for (; i + N <= k; i += N) hn::StoreU(LoadFp16AsFp32(x + 2 * i), df, y + i);
  for (; i < k; ++i) y[i] = Fp16ToFp32(LoadLE16(x + 2 * i));
}

HWY_INLINE bool QuantizeRowBF16(const float* x, uint8_t* y, int64_t k) {
  const HalfF df;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  int64_t i = 0;
  for (; i + N <= k; i += N) StoreHalfBits(Fp32ToBf16Bits(hn::LoadU(df, x + i)), y + 2 * i);
  for (; i < k; ++i) StoreLE16(y + 2 * i, Fp32ToBf16(x[i]));
  return true;  // every float has an f16/bf16 encoding
}

HWY_INLINE void DequantizeRowBF16(const uint8_t* x, float* y, int64_t k) {
  const HalfF df;
  const int64_t N = static_cast<int64_t>(hn::Lanes(df));
  int64_t i = 0;
  for (; i + N <= k; i += N) {
    hn::StoreU(hn::BitCast(df, hn::ShiftLeft<16>(LoadHalfBits(x + 2 * i))), df, y + i);
  }
  for (; i < k; ++i) y[i] = Bf16ToFp32(LoadLE16(x + 2 * i));
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_F16_INL_H_
