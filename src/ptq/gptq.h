// GPTQ (ptq.h, "GPTQ"): Hessian-guided quantization with error feedback.
#ifndef AXQ_PTQ_GPTQ_H_
#define AXQ_PTQ_GPTQ_H_

#include <cstdint>

#include "src/core/status.h"
#include "src/core/tensor.h"
#include "src/ptq/act_stats.h"
#include "src/ptq/group_format.h"

namespace axq {

struct GptqConfig {
  GroupFormat format;
  bool act_order = false;
  int64_t block_size = 128;
  double damp = 0.01;
  unsigned threads = 1;
};

// w: F32 {k, rows}; stats of the same k with a Hessian and rows > 0.
Status GptqQuantize(const axq_tensor& w, const axq_act_stats& stats, const GptqConfig& config, GroupResult* out);

}  // namespace axq

#endif  // AXQ_PTQ_GPTQ_H_
