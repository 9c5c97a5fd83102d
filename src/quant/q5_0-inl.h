// Q5_0 Highway kernels; scalar reference beside it in q5_0_ref.cc.
#if defined(AXQ_QUANT_Q5_0_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_Q5_0_INL_H_
#undef AXQ_QUANT_Q5_0_INL_H_
#else
#define AXQ_QUANT_Q5_0_INL_H_
#endif

#include "src/quant/block_scale-inl.h"
#include "src/quant/ref.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

struct Q5_0Format : SymmetricScaling<16> {
  static constexpr size_t kBytes = kQ5_0Bytes;

  static void Reference(const float* x, void* y, int64_t k) { quantize_row_q5_0_ref(x, y, k); }

  static void StoreBlock(const float* x, const BlockScale& s, uint8_t* y) {
    const LegacyF df;
    StoreLE16(y, s.d16);
    const VecF vid = hn::Set(df, s.id);
    const VecF offset = hn::Set(df, 16.5f);
    const VecI top = hn::Set(LegacyI(), 31);
    const VecI low4 = hn::Set(LegacyI(), 0x0F);
    uint32_t qh = 0;
    for (size_t i = 0; i < kLegacyHalf; i += hn::Lanes(df)) {
      const VecF lo = hn::Add(hn::Mul(hn::LoadU(df, x + i), vid), offset);
      const VecF hi = hn::Add(hn::Mul(hn::LoadU(df, x + kLegacyHalf + i), vid), offset);
      const VecI code_lo = hn::Min(TruncToInt(lo), top);
      const VecI code_hi = hn::Min(TruncToInt(hi), top);
      qh |= HighBits(code_lo, i) | HighBits(code_hi, kLegacyHalf + i);
      StoreNibblePairs(hn::And(code_lo, low4), hn::And(code_hi, low4), y + 6 + i);
    }
    StoreLE32(y + 2, qh);
  }
};

HWY_INLINE bool QuantizeRowQ5_0(const float* x, uint8_t* y, int64_t k) {
  return QuantizeRowGrouped<Q5_0Format>(x, y, k);
}

HWY_INLINE void DequantizeRowQ5_0(const uint8_t* x, float* y, int64_t k) {
  const LegacyF df;
  const size_t N = hn::Lanes(df);
  const VecI sixteen = hn::Set(LegacyI(), 16);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kQ5_0Bytes, y += kLegacyBlock) {
    const VecF d = LoadHalfScale(x);
    const uint32_t qh = LoadLE32(x + 2);
    for (size_t i = 0; i < kLegacyHalf; i += N) {
      const VecI lo = hn::Sub(hn::Or(LowNibbles(x + 6 + i), FifthBits(qh, i)), sixteen);
      const VecI hi =
          hn::Sub(hn::Or(HighNibbles(x + 6 + i), FifthBits(qh, kLegacyHalf + i)), sixteen);
      hn::StoreU(hn::Mul(hn::ConvertTo(df, lo), d), df, y + i);
      hn::StoreU(hn::Mul(hn::ConvertTo(df, hi), d), df, y + kLegacyHalf + i);
    }
  }
}


}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_Q5_0_INL_H_
