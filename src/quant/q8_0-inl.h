// Q8_0 and Q8_1 Highway kernels; scalar references beside them in
// q8_0_ref.cc and q8_1_ref.cc (Q8_1 is Q8_0 plus a sum).
#if defined(AXQ_QUANT_Q8_0_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_Q8_0_INL_H_
#undef AXQ_QUANT_Q8_0_INL_H_
#else
#define AXQ_QUANT_Q8_0_INL_H_
#endif

#include "src/quant/block_scale-inl.h"
#include "src/quant/ref.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

// Writes the 32 int8 codes of one block (d already chosen) and, for Q8_1,
// returns their sum; `qs` may be unaligned.
template <bool with_sum>
HWY_INLINE int32_t StoreQ8Codes(const float* x, float id, uint8_t* qs) {
  const LegacyF df;
  const LegacyI di;
  const LegacyI8 di8;
  const VecF vid = hn::Set(df, id);
  VecI sum = hn::Zero(di);
  for (size_t i = 0; i < kLegacyBlock; i += hn::Lanes(df)) {
    const VecI q = hn::ConvertTo(di, RoundHalfAway(hn::Mul(hn::LoadU(df, x + i), vid)));
    if (with_sum) sum = hn::Add(sum, q);
    hn::StoreU(hn::DemoteTo(di8, q), di8, reinterpret_cast<int8_t*>(qs + i));
  }
  return with_sum ? hn::GetLane(hn::SumOfLanes(di, sum)) : 0;
}

// `with_sum` selects Q8_1 (36-byte blocks carrying s) over Q8_0.
template <bool with_sum>
struct Q8Format : AbsMaxScaling<127> {
  static constexpr size_t kBytes = with_sum ? kQ8_1Bytes : kQ8_0Bytes;
  static constexpr size_t kCodes = with_sum ? 4 : 2;

  static void Reference(const float* x, void* y, int64_t k) {
    if (with_sum) {
      quantize_row_q8_1_ref(x, y, k);
    } else {
      quantize_row_q8_0_ref(x, y, k);
    }
  }

  static void StoreBlock(const float* x, const BlockScale& s, uint8_t* y) {
    const int32_t sum = StoreQ8Codes<with_sum>(x, s.id, y + kCodes);
    StoreLE16(y, s.d16);
    if (with_sum) StoreLE16(y + 2, Fp32ToFp16(static_cast<float>(sum) * s.d));
  }
};

template <bool with_sum>
HWY_INLINE bool QuantizeRowQ8(const float* x, uint8_t* y, int64_t k) {
  return QuantizeRowGrouped<Q8Format<with_sum>>(x, y, k);
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
