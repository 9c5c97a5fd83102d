#include "src/calib/batch_summary.h"

#include <cmath>
#include <limits>

#include "src/calib/calib_kernels.h"

namespace axq {
namespace {

Status FailFirstNonFinite(const float* x, size_t n, size_t offset, const char* name) {
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      return Fail(AXQ_ERR_NON_FINITE, "%s[%zu]: %g is not finite; the batch was not observed", name, offset + i,
                  static_cast<double>(x[i]));
    }
  }
  return Fail(AXQ_ERR_INTERNAL, "%s: non-finite value reported but not found", name);
}

}  // namespace

Status SummarizeBatch(const float* x, size_t n, const char* name, BatchSummary* out) {
  const CalibKernels& kernels = CalibKernelsFor();
  BatchSummary summary;
  summary.min = std::numeric_limits<float>::infinity();
  summary.max = -std::numeric_limits<float>::infinity();
  for (size_t begin = 0; begin < n; begin += kSummaryChunk) {
    const size_t len = n - begin < kSummaryChunk ? n - begin : kSummaryChunk;
    const float* chunk = x + begin;
    const ChunkSums sums = kernels.chunk_sums(chunk, len);
    // A float64 sum of finite floats cannot overflow, so a non-finite sum
    // means a NaN or Inf in the chunk.
    if (!std::isfinite(sums.sum)) return FailFirstNonFinite(chunk, len, begin, name);
    summary.min = sums.min < summary.min ? sums.min : summary.min;
    summary.max = sums.max > summary.max ? sums.max : summary.max;
    Moments chunk_moments;
    chunk_moments.count = len;
    chunk_moments.mean = sums.sum / static_cast<double>(len);
    // The chunk is still in L1: a second pass around its own mean costs
    // little and keeps M2 accurate whatever the offset of the data.
    chunk_moments.m2 = kernels.squared_deviations(chunk, len, chunk_moments.mean);
    summary.moments = CombineMoments(summary.moments, chunk_moments);
  }
  *out = summary;
  return OkStatus();
}

}  // namespace axq
