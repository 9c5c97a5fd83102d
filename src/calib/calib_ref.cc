// Scalar references of the calibration kernels (calib_kernels.h): the
// definitions the Highway kernels must reproduce bit for bit.
#include <algorithm>
#include <cmath>
#include <limits>

#include "src/calib/calib_kernels.h"

namespace axq {

double AddCalibLanes(const double* l) { return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])); }

ChunkSums chunk_sums_ref(const float* x, size_t n) {
  double lanes[kCalibLanes] = {};
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    lanes[i % kCalibLanes] += static_cast<double>(v);
  }
  ChunkSums out;
  out.min = lo + 0.0f;
  out.max = hi + 0.0f;
  out.sum = AddCalibLanes(lanes);
  return out;
}

double squared_deviations_ref(const float* x, size_t n, double mean) {
  double lanes[kCalibLanes] = {};
  for (size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - mean;
    lanes[i % kCalibLanes] += d * d;
  }
  return AddCalibLanes(lanes);
}

void cell_indices_ref(const float* x, size_t n, const CellIndexParams& p, int32_t* cells, int32_t* magnitudes) {
  for (size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(x[i]);
    const double cell = std::floor(v * p.value_scale) - p.value_first;
    cells[i] = static_cast<int32_t>(std::min(std::max(cell, 0.0), p.last));
    magnitudes[i] = static_cast<int32_t>(std::min(std::floor(std::fabs(v) * p.magnitude_scale), p.last));
  }
}

}  // namespace axq
