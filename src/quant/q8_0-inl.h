// Q8_0 and Q8_1 Highway kernels; scalar references beside them in
// q8_0_ref.cc and q8_1_ref.cc (Q8_1 is Q8_0 plus a sum).
#if defined(AXQ_QUANT_Q8_0_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_Q8_0_INL_H_
#undef AXQ_QUANT_Q8_0_INL_H_
#else
#define AXQ_QUANT_Q8_0_INL_H_
#endif

#include "src/quant/legacy-inl.h"
#include "src/quant/ref.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

// Writes the 32 int8 codes of one block (d already chosen) and returns their
// sum; `qs` may be unaligned.
HWY_INLINE int32_t StoreQ8Codes(const float* x, float id, uint8_t* qs) {
  const LegacyF df;
  const LegacyI di;
  const LegacyI8 di8;
  const VecF vid = hn::Set(df, id);
  VecI sum = hn::Zero(di);
  for (size_t i = 0; i < kLegacyBlock; i += hn::Lanes(df)) {
    const VecI q = hn::ConvertTo(di, RoundHalfAway(hn::Mul(hn::LoadU(df, x + i), vid)));
    sum = hn::Add(sum, q);
    hn::StoreU(hn::DemoteTo(di8, q), di8, reinterpret_cast<int8_t*>(qs + i));
  }
  return hn::GetLane(hn::SumOfLanes(di, sum));
}

// `with_sum` selects Q8_1 (36-byte blocks carrying s) over Q8_0.
template <bool with_sum>
HWY_INLINE bool QuantizeRowQ8(const float* x, uint8_t* y, int64_t k) {
  constexpr size_t kBytes = with_sum ? kQ8_1Bytes : kQ8_0Bytes;
  constexpr size_t kCodes = with_sum ? 4 : 2;
  bool all_finite = true;
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kLegacyBlock, y += kBytes) {
    const uint32_t abs_max = BlockAbsMaxBits(x);
    if (IsNonFiniteBits(abs_max)) {
      all_finite = false;
      continue;
    }
    const float d = BitsFloat(abs_max) / 127.0f;
    bool normal_scale;
    const float id = Reciprocal(d, &normal_scale);
    if (!normal_scale) {
      if (with_sum) {
        quantize_row_q8_1_ref(x, y, kLegacyBlock);
      } else {
        quantize_row_q8_0_ref(x, y, kLegacyBlock);
      }
      continue;
    }
    const int32_t sum = StoreQ8Codes(x, id, y + kCodes);
    StoreLE16(y, Fp32ToFp16(d));
    if (with_sum) StoreLE16(y + 2, Fp32ToFp16(static_cast<float>(sum) * d));
  }
  return all_finite;
}

template <bool with_sum>
HWY_INLINE void DequantizeRowQ8(const uint8_t* x, float* y, int64_t k) {
  constexpr size_t kBytes = with_sum ? kQ8_1Bytes : kQ8_0Bytes;
  constexpr size_t kCodes = with_sum ? 4 : 2;
  const LegacyF df;
  const LegacyI di;
  const LegacyI8 di8;
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kBytes, y += kLegacyBlock) {
    const VecF d = LoadHalfScale(x);
    for (size_t i = 0; i < kLegacyBlock; i += hn::Lanes(df)) {
      const VecI q = hn::PromoteTo(di, hn::LoadU(di8, reinterpret_cast<const int8_t*>(x + kCodes + i)));
      hn::StoreU(hn::Mul(hn::ConvertTo(df, q), d), df, y + i);
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_Q8_0_INL_H_
