// The hot loops of calibration, as a scalar reference (calib_ref.cc) and a
// Highway kernel (calib-inl.h, dispatched from
// src/simd/dispatch_calibrate.cc). Both give the same bits on every
// target: sums use kCalibLanes interleaved float64 lanes in a fixed order,
// and cell indices are exact (scaling by a power of two, floor, integer
// offset).
#ifndef AXQ_CALIB_CALIB_KERNELS_H_
#define AXQ_CALIB_CALIB_KERNELS_H_

#include <cstddef>
#include <cstdint>

#include "src/simd/kernels.h"

namespace axq {

// Element i of a chunk is summed into lane i % kCalibLanes; the lanes are
// added as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)).
constexpr size_t kCalibLanes = 8;

struct ChunkSums {
  float min = 0.0f;  // -0 is returned as +0
  float max = 0.0f;
  double sum = 0.0;  // not finite iff the chunk holds a NaN or Inf
};

// Where values fall in the two histograms: cells[i] = clamp(floor(x[i] *
// value_scale) - value_first, 0, last) and magnitudes[i] =
// min(floor(|x[i]| * magnitude_scale), last), in float64. The scales are
// powers of two and value_first an integer, so every step is exact.
struct CellIndexParams {
  double value_scale;
  double value_first;
  double magnitude_scale;
  double last;  // bins - 1
};

using ChunkSumsFn = ChunkSums (*)(const float* x, size_t n);
using SquaredDeviationsFn = double (*)(const float* x, size_t n, double mean);
using CellIndicesFn = void (*)(const float* x, size_t n, const CellIndexParams& p, int32_t* cells,
                               int32_t* magnitudes);

struct CalibKernels {
  ChunkSumsFn chunk_sums = nullptr;                   // n >= 1
  SquaredDeviationsFn squared_deviations = nullptr;  // sum of (x - mean)^2 in lanes
  CellIndicesFn cell_indices = nullptr;              // finite x only
};

ChunkSums chunk_sums_ref(const float* x, size_t n);
double squared_deviations_ref(const float* x, size_t n, double mean);
void cell_indices_ref(const float* x, size_t n, const CellIndexParams& p, int32_t* cells, int32_t* magnitudes);

double AddCalibLanes(const double* lanes);

const CalibKernels& CalibKernelsFor(KernelSet set = KernelSet::kDispatched);

}  // namespace axq

#endif  // AXQ_CALIB_CALIB_KERNELS_H_
