// SmoothQuant's per-channel factors (ptq.h, "Per-input-channel scaling").
#ifndef AXQ_PTQ_SMOOTHQUANT_H_
#define AXQ_PTQ_SMOOTHQUANT_H_

#include <cstddef>

#include "src/core/tensor.h"
#include "src/ptq/act_stats.h"

namespace axq {

// s (stats.k values) for F32 weights of row length stats.k; rows > 0.
void SmoothQuantScales(const axq_tensor* const* weights, size_t n_weights, const axq_act_stats& stats, double alpha,
                       float* s);

}  // namespace axq

#endif  // AXQ_PTQ_SMOOTHQUANT_H_
