// TensorRT-style entropy calibration: the clipping threshold of an |x|
// histogram that minimises KL(P || Q) (see AXQ_CALIB_ENTROPY in
// include/axq/calibrate.h for the exact definition of P, Q and smoothing).
#ifndef AXQ_CALIB_ENTROPY_H_
#define AXQ_CALIB_ENTROPY_H_

#include <cstdint>

namespace axq {

// counts[0..n) is the |x| histogram up to its last non-empty cell
// (counts[n-1] > 0), levels = 2^(bits-1) >= 1. Returns i* in [levels, n],
// the number of cells kept; n itself when n <= levels (nothing to clip).
uint32_t EntropyThresholdCells(const uint64_t* counts, uint32_t n, uint32_t levels);

// KL(P || Q) for candidate i (exposed for tests); +inf when Q is empty.
double EntropyDivergence(const uint64_t* counts, uint32_t n, uint32_t levels, uint32_t i);

}  // namespace axq

#endif  // AXQ_CALIB_ENTROPY_H_
