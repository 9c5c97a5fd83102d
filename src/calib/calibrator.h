// The object behind axq_calibrator_t: the statistics an observer keeps,
// guarded by a mutex, and how batches and other observers are added.
#ifndef AXQ_CALIB_CALIBRATOR_H_
#define AXQ_CALIB_CALIBRATOR_H_

#include <cstddef>
#include <cstdint>
#include <mutex>

#include "axq/axq.h"
#include "src/calib/cell_histogram.h"
#include "src/calib/moments.h"
#include "src/core/status.h"

namespace axq {

// Everything an observer knows; copyable, so that queries can work on a
// snapshot without holding the lock.
struct CalibratorState {
  explicit CalibratorState(uint32_t bins_, double momentum_)
      : bins(bins_), momentum(momentum_), values(bins_), magnitudes(bins_) {}

  uint32_t bins;
  double momentum;
  uint64_t batches = 0;
  Moments moments;             // count lives here
  float min = 0.0f, max = 0.0f;  // valid once moments.count > 0
  CellHistogram values;        // x
  CellHistogram magnitudes;    // |x|
  double average_min = 0.0, average_max = 0.0;  // moving averages of batch extremes
};

}  // namespace axq

struct axq_calibrator {
  axq_calibrator(uint32_t bins, double momentum) : state(bins, momentum) {}
  mutable std::mutex mutex;
  axq::CalibratorState state;
};

namespace axq {

// Option checks shared by create and the tests.
Status CheckCalibratorOptions(const axq_calibrator_options_t& options);

// Checks and summarises the batch without the lock, then adds it under
// the lock; on failure the observer is unchanged.
Status ObserveBatch(axq_calibrator* cal, const float* data, size_t count);

// Adds src's observations to dst (src may be dst).
Status MergeCalibrators(axq_calibrator* dst, const axq_calibrator& src);

CalibratorState SnapshotCalibrator(const axq_calibrator& cal);

}  // namespace axq

#endif  // AXQ_CALIB_CALIBRATOR_H_
