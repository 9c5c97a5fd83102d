#include "src/calib/calibrator.h"

#include <algorithm>
#include <cmath>

#include "src/calib/batch_summary.h"

namespace axq {
namespace {

// Moves both histograms to the grids of the data range [min, max], which
// only ever grows, so the grids only get coarser.
void CoverRange(CalibratorState* s, float min, float max) {
  s->values.Regrid(SignedGrid(min, max, s->bins));
  const double amax = std::max(std::fabs(static_cast<double>(min)), std::fabs(static_cast<double>(max)));
  s->magnitudes.Regrid(AbsGrid(amax, s->bins));
}

void WidenExtremes(CalibratorState* s, float min, float max) {
  if (s->moments.count == 0) {
    s->min = min;
    s->max = max;
  } else {
    s->min = std::min(s->min, min);
    s->max = std::max(s->max, max);
  }
}

}  // namespace

Status CheckCalibratorOptions(const axq_calibrator_options_t& options) {
  if (options.bins < 256 || options.bins > 8192) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->bins: %u is not in 256..8192", options.bins);
  }
  if (!(options.momentum > 0.0f && options.momentum <= 1.0f)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->momentum: %g is not in (0, 1]",
                static_cast<double>(options.momentum));
  }
  return OkStatus();
}

Status ObserveBatch(axq_calibrator* cal, const float* data, size_t count) {
  if (data == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "data: NULL");
  if (count == 0) return Fail(AXQ_ERR_INVALID_ARGUMENT, "count: 0; a batch needs at least one value");
  BatchSummary batch;
  AXQ_RETURN_IF_ERROR(SummarizeBatch(data, count, "data", &batch));

  std::lock_guard<std::mutex> lock(cal->mutex);
  CalibratorState& s = cal->state;
  const bool first = s.moments.count == 0;
  WidenExtremes(&s, batch.min, batch.max);
  CoverRange(&s, s.min, s.max);
  AddToHistograms(data, count, &s.values, &s.magnitudes);
  s.moments = CombineMoments(s.moments, batch.moments);
  if (first) {
    s.average_min = batch.min;
    s.average_max = batch.max;
  } else {
    const double m = s.momentum;
    s.average_min = s.average_min * (1.0 - m) + static_cast<double>(batch.min) * m;
    s.average_max = s.average_max * (1.0 - m) + static_cast<double>(batch.max) * m;
  }
  ++s.batches;
  return OkStatus();
}

CalibratorState SnapshotCalibrator(const axq_calibrator& cal) {
  std::lock_guard<std::mutex> lock(cal.mutex);
  return cal.state;
}

Status MergeCalibrators(axq_calibrator* dst, const axq_calibrator& src) {
  // A snapshot first: never two locks at once, so no lock order to get
  // wrong, and src == dst works.
  const CalibratorState other = SnapshotCalibrator(src);
  std::lock_guard<std::mutex> lock(dst->mutex);
  CalibratorState& s = dst->state;
  if (other.bins != s.bins) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "src: its histograms have %u bins, dst's have %u; they cannot be merged",
                other.bins, s.bins);
  }
  if (other.moments.count == 0) return OkStatus();
  const bool first = s.moments.count == 0;
  WidenExtremes(&s, other.min, other.max);
  CoverRange(&s, s.min, s.max);
  s.values.AddCounts(other.values);
  s.magnitudes.AddCounts(other.magnitudes);
  s.moments = CombineMoments(s.moments, other.moments);
  if (first) {
    s.average_min = other.average_min;
    s.average_max = other.average_max;
  } else {
    // Neither observer's batches came first: weight each average by its
    // batch count.
    const double a = static_cast<double>(s.batches);
    const double b = static_cast<double>(other.batches);
    s.average_min = (s.average_min * a + other.average_min * b) / (a + b);
    s.average_max = (s.average_max * a + other.average_max * b) / (a + b);
  }
  s.batches += other.batches;
  return OkStatus();
}

}  // namespace axq
