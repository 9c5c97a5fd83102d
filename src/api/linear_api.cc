// axq_linear_*: quantized linear layers.
#include <memory>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/parallel.h"
#include "src/model/linear.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

extern "C" {

AXQ_API axq_status axq_linear_options_init_sized(axq_linear_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_linear_options_t defaults{};
    defaults.fallback_type = AXQ_TYPE_INVALID;
    defaults.ternary_rule = AXQ_TERNARY_REFERENCE;
    return axq::InitOptions(opts, size, defaults);
  });
}

AXQ_API axq_status axq_linear_create(axq_linear_t** out, axq_type type, const float* weight,
                                     int64_t out_features, int64_t in_features, const float* bias,
                                     const axq_linear_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    axq_linear_options_t options;
    (void)axq_linear_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    std::unique_ptr<axq_linear> layer;
    AXQ_RETURN_IF_ERROR(axq::NewLinear(&layer, type, weight, out_features, in_features, bias, options));
    *out = layer.release();
    return OkStatus();
  });
}

AXQ_API void axq_linear_destroy(axq_linear_t* layer) { delete layer; }

AXQ_API axq_status axq_linear_forward(float* y, size_t y_count, const axq_linear_t* layer, const float* x,
                                      size_t x_count, const axq_matmul_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(layer, "layer"));
    axq_matmul_options_t options;
    (void)axq_matmul_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    return axq::LinearForward(*layer, y, y_count, x, x_count, axq::ResolveThreadCount(options.n_threads));
  });
}

AXQ_API axq_status axq_linear_info(axq_linear_info_t* out, const axq_linear_t* layer) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(layer, "layer"));
    axq_linear_info_t info{};
    axq::FillLinearInfo(*layer, &info);
    return axq::CopyInfo(out, info, "out");
  });
}

AXQ_API const axq_tensor_t* axq_linear_weight(const axq_linear_t* layer) {
  if (layer == nullptr) {
    (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_linear_weight: layer is NULL");
    return nullptr;
  }
  return layer->weight.get();
}

}  // extern "C"
