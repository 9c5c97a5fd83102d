// Scale and zero point of a symmetric or affine integer scheme from a
// range (the rules are spelled out at axq_range_to_params in
// include/axq/calibrate.h).
#ifndef AXQ_CALIB_RANGE_PARAMS_H_
#define AXQ_CALIB_RANGE_PARAMS_H_

#include <cstdint>

#include "src/core/status.h"

namespace axq {

Status RangeToParams(float lo, float hi, uint32_t bits, bool symmetric, float* scale, int32_t* zero_point);

}  // namespace axq

#endif  // AXQ_CALIB_RANGE_PARAMS_H_
