// Each set's scale and zero point, computed from the data for a layout
// (per tensor, per channel along any axis, per group).
#ifndef AXQ_INTQUANT_INT_PARAMS_H_
#define AXQ_INTQUANT_INT_PARAMS_H_

#include <cstdint>

#include "src/core/status.h"
#include "src/intquant/int_layout.h"
#include "src/intquant/intquant_kernels.h"

namespace axq {

// Fills scales[0..param_count) and zero_points[0..param_count) for the
// nelements values x. NaN/Inf is AXQ_ERR_NON_FINITE naming the first index
// (`what` names the input in the message). Same result for any threads.
Status ComputeIntParams(const IntLayout& layout, const IntQuantKernels& kernels, const float* x, unsigned threads,
                        float* scales, float* zero_points, const char* what);

// The AXQ_ERR_NON_FINITE failure for the first NaN/Inf of x[0..n), which
// the caller knows is there.
Status FailFirstNonFinite(const float* x, int64_t n, const char* what);

}  // namespace axq

#endif  // AXQ_INTQUANT_INT_PARAMS_H_
