// Q4_1 Highway kernels; scalar reference beside it in q4_1_ref.cc.
#if defined(AXQ_QUANT_Q4_1_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_Q4_1_INL_H_
#undef AXQ_QUANT_Q4_1_INL_H_
#else
#define AXQ_QUANT_Q4_1_INL_H_
#endif

#include "src/quant/block_scale-inl.h"
#include "src/quant/ref.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

struct Q4_1Format : AffineScaling<15> {
  static constexpr size_t kBytes = kQ4_1Bytes;

  static void Reference(const float* x, void* y, int64_t k) { quantize_row_q4_1_ref(x, y, k); }

  static void StoreBlock(const float* x, const BlockScale& s, uint8_t* y) {
    const LegacyF df;
    StoreLE16(y, s.d16);
    StoreLE16(y + 2, s.m16);
    const VecF vmin = hn::Set(df, s.min);
    const VecF vid = hn::Set(df, s.id);
    const VecF half = hn::Set(df, 0.5f);
    const VecI top = hn::Set(LegacyI(), 15);
    for (size_t i = 0; i < kLegacyHalf; i += hn::Lanes(df)) {
      const VecF lo = hn::Add(hn::Mul(hn::Sub(hn::LoadU(df, x + i), vmin), vid), half);
      const VecF hi = hn::Add(hn::Mul(hn::Sub(hn::LoadU(df, x + kLegacyHalf + i), vmin), vid), half);
      StoreNibblePairs(hn::Min(TruncToInt(lo), top), hn::Min(TruncToInt(hi), top), y + 4 + i);
    }
  }
};

HWY_INLINE bool QuantizeRowQ4_1(const float* x, uint8_t* y, int64_t k) {
  return QuantizeRowGrouped<Q4_1Format>(x, y, k);
}

HWY_INLINE void DequantizeRowQ4_1(const uint8_t* x, float* y, int64_t k) {
  const LegacyF df;
  const size_t N = hn::Lanes(df);
  for (int64_t b = 0; b < k / kLegacyBlock; ++b, x += kQ4_1Bytes, y += kLegacyBlock) {
    const VecF d = LoadHalfScale(x);
    const VecF m = LoadHalfScale(x + 2);
    for (size_t i = 0; i < kLegacyHalf; i += N) {
      // Multiply, then add: two roundings, like ggml's dequantizer.
      hn::StoreU(hn::Add(hn::Mul(hn::ConvertTo(df, LowNibbles(x + 4 + i)), d), m), df, y + i);
      hn::StoreU(hn::Add(hn::Mul(hn::ConvertTo(df, HighNibbles(x + 4 + i)), d), m), df,
                 y + kLegacyHalf + i);
    }
  }
}


}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_Q4_1_INL_H_
