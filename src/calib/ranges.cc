#include "src/calib/ranges.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "src/calib/entropy.h"

namespace axq {
namespace {

// Turns -0 into +0 (so that equal ranges have equal bits) and keeps a
// float64 bound inside the f32 range.
float ToBound(double v) {
  return static_cast<float>(std::clamp(v, -static_cast<double>(FLT_MAX), static_cast<double>(FLT_MAX))) + 0.0f;
}

double EntropyThreshold(const CalibratorState& s, uint32_t bits) {
  const std::vector<uint64_t>& counts = s.magnitudes.counts();
  uint32_t n = static_cast<uint32_t>(counts.size());
  while (n > 0 && counts[n - 1] == 0) --n;
  const double amax = std::max(std::fabs(static_cast<double>(s.min)), std::fabs(static_cast<double>(s.max)));
  const uint32_t levels = 1u << (bits - 1);
  if (n <= levels) return amax;  // every cell already has a level of its own
  const uint32_t kept = EntropyThresholdCells(counts.data(), n, levels);
  return std::min((static_cast<double>(kept) + 0.5) * s.magnitudes.cell_width(), amax);
}

}  // namespace

Status CheckRangeOptions(const axq_range_options_t& o) {
  if (o.method < AXQ_CALIB_MINMAX || o.method > AXQ_CALIB_MOVING_AVERAGE) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->method: %d is not an axq_calib_method (0..4)", o.method);
  }
  if (!(o.percentile >= 50.0f && o.percentile <= 100.0f)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->percentile: %g is not in [50, 100] (percent)",
                static_cast<double>(o.percentile));
  }
  if (!(o.k >= 0.0f && std::isfinite(o.k))) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->k: %g is not a finite k >= 0", static_cast<double>(o.k));
  }
  if (o.bits < 1 || o.bits > 8) return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->bits: %u is not in 1..8", o.bits);
  return OkStatus();
}

double HistogramQuantile(const CalibratorState& s, double fraction) {
  const double min = s.min, max = s.max;
  if (fraction <= 0.0) return min;
  if (fraction >= 1.0) return max;
  const double target = fraction * static_cast<double>(s.moments.count);
  const std::vector<uint64_t>& counts = s.values.counts();
  const double width = s.values.cell_width();
  double below = 0.0;  // values in earlier cells; exact below 2^53
  for (size_t j = 0; j < counts.size(); ++j) {
    if (counts[j] == 0) continue;
    const double here = static_cast<double>(counts[j]);
    if (below + here >= target) {
      // The order statistic x_(ceil(target)) lies in this cell; assume its
      // values spread evenly across it.
      const double edge = static_cast<double>(s.values.grid().first_cell + static_cast<int64_t>(j)) * width;
      return std::clamp(edge + (target - below) / here * width, min, max);
    }
    below += here;
  }
  return max;
}

Status ComputeRange(const CalibratorState& s, const axq_range_options_t& o, float* lo, float* hi) {
  double low = 0.0, high = 0.0;
  switch (o.method) {
    case AXQ_CALIB_MINMAX:
      low = s.min;
      high = s.max;
      break;
    case AXQ_CALIB_PERCENTILE: {
      const double p = static_cast<double>(o.percentile) / 100.0;
      low = HistogramQuantile(s, 1.0 - p);
      high = HistogramQuantile(s, p);
      break;
    }
    case AXQ_CALIB_MEANSTD: {
      const double spread = static_cast<double>(o.k) * std::sqrt(s.moments.Variance());
      low = s.moments.mean - spread;
      high = s.moments.mean + spread;
      break;
    }
    case AXQ_CALIB_ENTROPY: {
      const double t = EntropyThreshold(s, o.bits);
      low = -t;
      high = t;
      break;
    }
    case AXQ_CALIB_MOVING_AVERAGE:
      low = s.average_min;
      high = s.average_max;
      break;
    default:
      return Fail(AXQ_ERR_INTERNAL, "method %d passed the checks but has no range", o.method);
  }
  *lo = ToBound(low);
  *hi = ToBound(high);
  return OkStatus();
}

}  // namespace axq
