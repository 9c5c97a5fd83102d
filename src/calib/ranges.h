// The ranges an observer's statistics give, one function per
// axq_calib_method (definitions at axq_calib_method in
// include/axq/calibrate.h).
#ifndef AXQ_CALIB_RANGES_H_
#define AXQ_CALIB_RANGES_H_

#include "axq/axq.h"
#include "src/calib/calibrator.h"
#include "src/core/status.h"

namespace axq {

Status CheckRangeOptions(const axq_range_options_t& options);

// `state` must hold at least one value; options must have passed
// CheckRangeOptions. lo <= hi, both finite.
Status ComputeRange(const CalibratorState& state, const axq_range_options_t& options, float* lo, float* hi);

// The value with `fraction` (0..1) of the observed values below it,
// interpolated within its cell of the x histogram and kept in [min, max].
double HistogramQuantile(const CalibratorState& state, double fraction);

}  // namespace axq

#endif  // AXQ_CALIB_RANGES_H_
