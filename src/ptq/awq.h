// AWQ (ptq.h, "AWQ"): activation-aware per-channel scales, searched on the
// kept calibration rows, and the per-group clipping search.
#ifndef AXQ_PTQ_AWQ_H_
#define AXQ_PTQ_AWQ_H_

#include <cstddef>
#include <cstdint>

#include "src/core/status.h"
#include "src/core/tensor.h"
#include "src/ptq/act_stats.h"
#include "src/ptq/group_format.h"

namespace axq {

struct AwqConfig {
  GroupFormat format;
  uint32_t grid = 20;
  bool clip_search = true;
  unsigned threads = 1;
};

// s (k values) and alpha for the F32 weights sharing one input; the stats
// hold kept samples of the same k.
Status AwqSearchScales(const axq_tensor* const* weights, size_t n_weights, const axq_act_stats& stats,
                       const AwqConfig& config, float* s, float* alpha);

// Q(W diag s), with the clip search if configured.
Status AwqQuantize(const axq_tensor& w, const float* s, const axq_act_stats& stats, const AwqConfig& config,
                   GroupResult* out);

}  // namespace axq

#endif  // AXQ_PTQ_AWQ_H_
