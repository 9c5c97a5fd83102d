// Error statistics of an approximation against its reference (the maths
// behind axq_error_stats), in float64 over fixed chunks so that the
// result does not depend on the thread count.
#ifndef AXQ_ANALYSIS_ERROR_STATS_H_
#define AXQ_ANALYSIS_ERROR_STATS_H_

#include <cstdint>

#include "axq/axq.h"
#include "src/core/status.h"

namespace axq {

// Fails with AXQ_ERR_NON_FINITE naming the first non-finite index of
// either input. n > 0.
Status ComputeErrorStats(const float* ref, const float* approx, uint64_t n, double outlier_threshold,
                         unsigned threads, axq_error_stats_t* out);

}  // namespace axq

#endif  // AXQ_ANALYSIS_ERROR_STATS_H_
