// I8_S activation quantizer (Highway); scalar reference in i8_s_ref.cc.
// s = 127 / max(1e-5, max|x|) (double, stored f32), q = round-half-even of
// x * s (always within -127..127, so the reference's clamp never acts),
// then the f32 scale and int32 sum after the codes.
#if defined(AXQ_QUANT_I8_S_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_I8_S_INL_H_
#undef AXQ_QUANT_I8_S_INL_H_
#else
#define AXQ_QUANT_I8_S_INL_H_
#endif

#include <cmath>
#include <cstdint>

#include "hwy/highway.h"
#include "src/quant/ternary_layout.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

HWY_INLINE bool QuantizeRowI8s(const float* x, uint8_t* y, int64_t k) {
  const hn::ScalableTag<float> df;
  const hn::RebindToSigned<decltype(df)> di;
  const hn::Rebind<int8_t, decltype(df)> di8;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  const hn::Vec<decltype(df)> inf = hn::Set(df, INFINITY);
  hn::Vec<decltype(df)> vmax = hn::Zero(df);
  auto finite = hn::Eq(vmax, vmax);
  int64_t i = 0;
  for (; i + lanes <= k; i += lanes) {
    const auto a = hn::Abs(hn::LoadU(df, x + i));
    finite = hn::And(finite, hn::Lt(a, inf));  // false for NaN too
    vmax = hn::Max(vmax, a);
  }
  if (!hn::AllTrue(df, finite)) return false;
  float amax = hn::GetLane(hn::MaxOfLanes(df, vmax));
  for (; i < k; ++i) {
    if (!std::isfinite(x[i])) return false;
    amax = std::fmax(amax, std::fabs(x[i]));
  }
  const double floor = 0.00001;
  const float s = static_cast<float>(127.0 / std::fmax(floor, static_cast<double>(amax)));
  const hn::Vec<decltype(df)> vs = hn::Set(df, s);
  hn::Vec<decltype(di)> vsum = hn::Zero(di);
  int8_t* q = reinterpret_cast<int8_t*>(y);
  i = 0;
  for (; i + lanes <= k; i += lanes) {
    const auto v = hn::ConvertTo(di, hn::Round(hn::Mul(hn::LoadU(df, x + i), vs)));
    vsum = hn::Add(vsum, v);
    hn::StoreU(hn::DemoteTo(di8, v), di8, q + i);
  }
  int32_t sum = hn::GetLane(hn::SumOfLanes(di, vsum));
  for (; i < k; ++i) {
    const int v = NearestInt(x[i] * s);
    q[i] = static_cast<int8_t>(v);
    sum += v;
  }
  StoreF32LE(y + k, s);
  StoreLE32(y + k + 4, static_cast<uint32_t>(sum));
  return true;
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_I8_S_INL_H_
