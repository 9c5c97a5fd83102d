// Q5_1 Highway kernels; scalar reference beside it in q5_1_ref.cc.
#if defined(AXQ_QUANT_Q5_1_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_Q5_1_INL_H_
#undef AXQ_QUANT_Q5_1_INL_H_
#else
#define AXQ_QUANT_Q5_1_INL_H_
#endif

#include "src/quant/block_scale-inl.h"
#include "src/quant/ref.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

struct Q5_1Format : AffineScaling<31> {
  static constexpr size_t kBytes = kQ5_1Bytes;

  static void Reference(const float* x, void* y, int64_t k) { quantize_row_q5_1_ref(x, y, k); }

  static void StoreBlock(const float* x, const BlockScale& s, uint8_t* y) {
    const LegacyF df;
    StoreLE16(y, s.d16);
    StoreLE16(y + 2, s.m16);
    const VecF vmin = hn::Set(df, s.min);
    const VecF vid = hn::Set(df, s.id);
    const VecF half = hn::Set(df, 0.5f);
    const VecI low4 = hn::Set(LegacyI(), 0x0F);
    uint32_t qh = 0;
    for (size_t i = 0; i < kLegacyHalf; i += hn::Lanes(df)) {
      // No clamp: (x - min) * id + 0.5 stays below 32 for a normal scale.
      const VecI code_lo =
          TruncToInt(hn::Add(hn::Mul(hn::Sub(hn::LoadU(df, x + i), vmin), vid), half));
      const VecI code_hi = TruncToInt(
          hn::Add(hn::Mul(hn::Sub(hn::LoadU(df, x + kLegacyHalf + i), vmin), vid), half));
      qh |= HighBits(code_lo, i) | HighBits(code_hi, kLegacyHalf + i);
      StoreNibblePairs(hn::And(code_lo, low4), hn::And(code_hi, low4), y + 8 + i);
    }
    StoreLE32(y + 4, qh);
  }
};

HWY_INLINE bool QuantizeRowQ5_1(const float* x, uint8_t* y, int64_t k) {
  return QuantizeRowGrouped<Q5_1Format>(x, y, k);
}

HWY_INLINE void DequantizeRowQ5_1(const uint8_t* x, float* y, int64_t k) {
  const LegacyF df;
  const size_t N = hn::Lanes(df);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kQ5_1Bytes, y += kLegacyBlock) {
    const VecF d = LoadHalfScale(x);
    const VecF m = LoadHalfScale(x + 2);
    const uint32_t qh = LoadLE32(x + 4);
    for (size_t i = 0; i < kLegacyHalf; i += N) {
      const VecI lo = hn::Or(LowNibbles(x + 8 + i), FifthBits(qh, i));
      const VecI hi = hn::Or(HighNibbles(x + 8 + i), FifthBits(qh, kLegacyHalf + i));
      hn::StoreU(hn::Add(hn::Mul(hn::ConvertTo(df, lo), d), m), df, y + i);
      hn::StoreU(hn::Add(hn::Mul(hn::ConvertTo(df, hi), d), m), df, y + kLegacyHalf + i);
    }
  }
}


}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_Q5_1_INL_H_
