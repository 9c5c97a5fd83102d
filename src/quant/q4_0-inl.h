// Q4_0 Highway kernels; scalar reference beside it in q4_0_ref.cc.
#if defined(AXQ_QUANT_Q4_0_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_Q4_0_INL_H_
#undef AXQ_QUANT_Q4_0_INL_H_
#else
#define AXQ_QUANT_Q4_0_INL_H_
#endif

#include "src/quant/block_scale-inl.h"
#include "src/quant/ref.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

struct Q4_0Format : SymmetricScaling<8> {
  static constexpr size_t kBytes = kQ4_0Bytes;
  static void Reference(const float* x, void* y, int64_t k) { quantize_row_q4_0_ref(x, y, k); }

  static void StoreBlock(const float* x, const BlockScale& s, uint8_t* y) {
    const LegacyF df;
    StoreLE16(y, s.d16);
    const VecF vid = hn::Set(df, s.id);
    const VecF offset = hn::Set(df, 8.5f);
    const VecI top = hn::Set(LegacyI(), 15);
    for (size_t i = 0; i < kLegacyHalf; i += hn::Lanes(df)) {
      // Mul then Add: two roundings, as in the reference (no FMA).
      const VecF lo = hn::Add(hn::Mul(hn::LoadU(df, x + i), vid), offset);
      const VecF hi = hn::Add(hn::Mul(hn::LoadU(df, x + kLegacyHalf + i), vid), offset);
      StoreNibblePairs(hn::Min(TruncToInt(lo), top), hn::Min(TruncToInt(hi), top), y + 2 + i);
    }
  }
};

HWY_INLINE bool QuantizeRowQ4_0(const float* x, uint8_t* y, int64_t k) {
  return QuantizeRowGrouped<Q4_0Format>(x, y, k);
}

HWY_INLINE void DequantizeRowQ4_0(const uint8_t* x, float* y, int64_t k) {
  const LegacyF df;
  const size_t N = hn::Lanes(df);
  const VecI eight = hn::Set(LegacyI(), 8);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kQ4_0Bytes, y += kLegacyBlock) {
    const VecF d = LoadHalfScale(x);
    for (size_t i = 0; i < kLegacyHalf; i += N) {
      const VecI lo = hn::Sub(LowNibbles(x + 2 + i), eight);
      const VecI hi = hn::Sub(HighNibbles(x + 2 + i), eight);
      hn::StoreU(hn::Mul(hn::ConvertTo(df, lo), d), df, y + i);
      hn::StoreU(hn::Mul(hn::ConvertTo(df, hi), d), df, y + kLegacyHalf + i);
    }
  }
}


}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_Q4_0_INL_H_
