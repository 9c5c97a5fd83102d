// Count, mean and sum of squared deviations (M2) of a set of values, in
// float64, and their combination by Chan et al.'s pairwise formula, which
// is what lets batches and observers be merged without a second pass.
#ifndef AXQ_CALIB_MOMENTS_H_
#define AXQ_CALIB_MOMENTS_H_

#include <cstdint>

namespace axq {

struct Moments {
  uint64_t count = 0;
  double mean = 0.0;
  double m2 = 0.0;  // sum of (x - mean)^2; population variance = m2 / count

  double Variance() const { return count == 0 ? 0.0 : m2 / static_cast<double>(count); }
};

// The moments of the union of two disjoint sets of values.
Moments CombineMoments(const Moments& a, const Moments& b);

}  // namespace axq

#endif  // AXQ_CALIB_MOMENTS_H_
