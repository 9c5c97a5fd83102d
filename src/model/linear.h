// The object behind axq_linear_t: a quantized weight, an f32 bias, and
// forward through the matmul engine.
#ifndef AXQ_MODEL_LINEAR_H_
#define AXQ_MODEL_LINEAR_H_

#include <memory>
#include <vector>

#include "axq/axq.h"
#include "src/core/status.h"
#include "src/core/tensor.h"

struct axq_linear {
  std::unique_ptr<axq_tensor> weight;  // dims {in_features, out_features}
  std::vector<float> bias;             // empty or out_features values
  int64_t in_features = 0;
  int64_t out_features = 0;
};

namespace axq {

Status NewLinear(std::unique_ptr<axq_linear>* out, axq_type type, const float* weight, int64_t out_features,
                 int64_t in_features, const float* bias, const axq_linear_options_t& options);

Status LinearForward(const axq_linear& layer, float* y, size_t y_count, const float* x, size_t x_count,
                     unsigned threads);

void FillLinearInfo(const axq_linear& layer, axq_linear_info_t* info);

}  // namespace axq

#endif  // AXQ_MODEL_LINEAR_H_
