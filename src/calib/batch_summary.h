// One pass over a batch before it touches an observer: rejects NaN/Inf
// and computes the batch's min, max and moments.
#ifndef AXQ_CALIB_BATCH_SUMMARY_H_
#define AXQ_CALIB_BATCH_SUMMARY_H_

#include <cstddef>

#include "src/calib/moments.h"
#include "src/core/status.h"

namespace axq {

struct BatchSummary {
  float min = 0.0f;
  float max = 0.0f;
  Moments moments;
};

// n > 0 values. AXQ_ERR_NON_FINITE names the first NaN/Inf as
// `name`[index]. The moments are computed per chunk of kSummaryChunk values
// (its mean, then M2 around that mean, by the calib_kernels.h kernels) and
// the chunks combined by Chan's formula: a fixed order, so the result does
// not depend on the SIMD target. min and max are never -0.
constexpr size_t kSummaryChunk = 1024;
Status SummarizeBatch(const float* x, size_t n, const char* name, BatchSummary* out);

}  // namespace axq

#endif  // AXQ_CALIB_BATCH_SUMMARY_H_
