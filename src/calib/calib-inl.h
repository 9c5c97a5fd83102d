// Highway kernels of calibration; the scalar references they reproduce
// bit for bit are in calib_ref.cc (definitions in calib_kernels.h).
#if defined(AXQ_CALIB_CALIB_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_CALIB_CALIB_INL_H_
#undef AXQ_CALIB_CALIB_INL_H_
#else
#define AXQ_CALIB_CALIB_INL_H_
#endif

#include <limits>

#include "hwy/highway.h"
#include "src/calib/calib_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The references' kCalibLanes float64 lanes, held as kLaneVectors vectors
// of kLaneWidth lanes (1 x 8 on AVX-512, 2 x 4 on AVX2, 4 x 2 on SSE, 8 x 1
// on the scalar target): lane j of vector v is reference lane v * width + j.
using LaneD = hn::CappedTag<double, kCalibLanes>;
using LaneF = hn::Rebind<float, LaneD>;
constexpr size_t kLaneWidth = hn::MaxLanes(LaneD());
constexpr size_t kLaneVectors = kCalibLanes / kLaneWidth;
static_assert(kLaneWidth * kLaneVectors == kCalibLanes, "lane width must divide kCalibLanes");

HWY_INLINE ChunkSums ChunkSumsKernel(const float* x, size_t n) {
  const LaneD d;
  const LaneF df;
  hn::Vec<LaneD> sum[kLaneVectors];
  for (size_t v = 0; v < kLaneVectors; ++v) sum[v] = hn::Zero(d);
  auto lo = hn::Set(df, std::numeric_limits<float>::infinity());
  auto hi = hn::Set(df, -std::numeric_limits<float>::infinity());
  size_t i = 0;
  for (; i + kCalibLanes <= n; i += kCalibLanes) {
    for (size_t v = 0; v < kLaneVectors; ++v) {
      const auto f = hn::LoadU(df, x + i + v * kLaneWidth);
      lo = hn::Min(lo, f);
      hi = hn::Max(hi, f);
      sum[v] = hn::Add(sum[v], hn::PromoteTo(d, f));
    }
  }
  HWY_ALIGN double lanes[kCalibLanes];
  HWY_ALIGN float los[kLaneWidth], his[kLaneWidth];
  for (size_t v = 0; v < kLaneVectors; ++v) hn::Store(sum[v], d, lanes + v * kLaneWidth);
  hn::Store(lo, df, los);
  hn::Store(hi, df, his);
  float low = los[0], high = his[0];
  for (size_t j = 1; j < kLaneWidth; ++j) {
    low = los[j] < low ? los[j] : low;
    high = his[j] > high ? his[j] : high;
  }
  for (size_t j = 0; i < n; ++i, ++j) {  // the tail continues at lane 0
    const float f = x[i];
    low = f < low ? f : low;
    high = f > high ? f : high;
    lanes[j] += static_cast<double>(f);
  }
  ChunkSums out;
  out.min = low + 0.0f;
  out.max = high + 0.0f;
  out.sum = AddCalibLanes(lanes);
  return out;
}

HWY_INLINE double SquaredDeviationsKernel(const float* x, size_t n, double mean) {
  const LaneD d;
  const LaneF df;
  const auto vmean = hn::Set(d, mean);
  hn::Vec<LaneD> sum[kLaneVectors];
  for (size_t v = 0; v < kLaneVectors; ++v) sum[v] = hn::Zero(d);
  size_t i = 0;
  for (; i + kCalibLanes <= n; i += kCalibLanes) {
    for (size_t v = 0; v < kLaneVectors; ++v) {
      const auto dev = hn::Sub(hn::PromoteTo(d, hn::LoadU(df, x + i + v * kLaneWidth)), vmean);
      sum[v] = hn::Add(sum[v], hn::Mul(dev, dev));  // Mul then Add, as the reference rounds
    }
  }
  HWY_ALIGN double lanes[kCalibLanes];
  for (size_t v = 0; v < kLaneVectors; ++v) hn::Store(sum[v], d, lanes + v * kLaneWidth);
  for (size_t j = 0; i < n; ++i, ++j) {
    const double dev = static_cast<double>(x[i]) - mean;
    lanes[j] += dev * dev;
  }
  return AddCalibLanes(lanes);
}

HWY_INLINE void CellIndicesKernel(const float* x, size_t n, const CellIndexParams& p, int32_t* cells,
                                  int32_t* magnitudes) {
  const hn::ScalableTag<double> d;
  const hn::Rebind<float, decltype(d)> df;
  const hn::Rebind<int32_t, decltype(d)> di;
  const size_t width = hn::Lanes(d);
  const auto value_scale = hn::Set(d, p.value_scale);
  const auto value_first = hn::Set(d, p.value_first);
  const auto magnitude_scale = hn::Set(d, p.magnitude_scale);
  const auto last = hn::Set(d, p.last);
  const auto zero = hn::Zero(d);
  size_t i = 0;
  for (; i + width <= n; i += width) {
    const auto v = hn::PromoteTo(d, hn::LoadU(df, x + i));
    const auto cell = hn::Sub(hn::Floor(hn::Mul(v, value_scale)), value_first);
    hn::StoreU(hn::DemoteTo(di, hn::Min(hn::Max(cell, zero), last)), di, cells + i);
    const auto magnitude = hn::Floor(hn::Mul(hn::Abs(v), magnitude_scale));
    hn::StoreU(hn::DemoteTo(di, hn::Min(magnitude, last)), di, magnitudes + i);
  }
  if (i < n) cell_indices_ref(x + i, n - i, p, cells + i, magnitudes + i);
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_CALIB_CALIB_INL_H_
