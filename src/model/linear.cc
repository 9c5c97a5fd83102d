#include "src/model/linear.h"

#include <cmath>
#include <cstring>

#include "src/core/convert.h"
#include "src/core/parallel.h"
#include "src/core/type_traits.h"
#include "src/matmul/engine.h"
#include "src/model/quantize_tensor.h"
#include "src/model/source.h"

namespace axq {
namespace {

bool Divides(const TypeTraits& traits, int64_t n) { return n % traits.block_elems == 0; }

// The weight type for rows of `in` values: `type` if its block divides
// them, else the caller's fallback, else an error naming the nearest
// widths that would work.
Status ResolveType(axq_type type, int64_t in, int32_t fallback, const TypeTraits** out) {
  const TypeTraits* traits = nullptr;
  AXQ_RETURN_IF_ERROR(LookupType(&traits, type, "type"));
  if (!IsWeightType(type)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "type: %s is not a weight type of axq_matmul", traits->name);
  }
  if (Divides(*traits, in)) {
    *out = traits;
    return OkStatus();
  }
  if (fallback == AXQ_TYPE_INVALID) {
    const int64_t block = traits->block_elems;
    const int64_t below = in / block * block;
    if (below == 0) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT,
                  "in_features: %lld is not a multiple of %s's block of %lld; the nearest valid width is %lld "
                  "(or set opts->fallback_type)",
                  static_cast<long long>(in), traits->name, static_cast<long long>(block),
                  static_cast<long long>(block));
    }
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "in_features: %lld is not a multiple of %s's block of %lld; the nearest valid widths are %lld "
                "and %lld (or set opts->fallback_type)",
                static_cast<long long>(in), traits->name, static_cast<long long>(block),
                static_cast<long long>(below), static_cast<long long>(below + block));
  }
  const TypeTraits* fb = nullptr;
  AXQ_RETURN_IF_ERROR(LookupType(&fb, fallback, "opts->fallback_type"));
  if (!IsWeightType(fb->type) || !Divides(*fb, in)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->fallback_type: %s cannot hold rows of %lld either", fb->name,
                static_cast<long long>(in));
  }
  *out = fb;
  return OkStatus();
}

}  // namespace

Status NewLinear(std::unique_ptr<axq_linear>* out, axq_type type, const float* weight, int64_t out_features,
                 int64_t in_features, const float* bias, const axq_linear_options_t& options) {
  if (weight == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "weight: NULL");
  if (out_features <= 0 || in_features <= 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "out_features, in_features: must be positive, got %lld, %lld",
                static_cast<long long>(out_features), static_cast<long long>(in_features));
  }
  if (options.ternary_rule > 1) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->ternary_rule: %u is not an axq_ternary_rule", options.ternary_rule);
  }
  const TypeTraits* traits = nullptr;
  AXQ_RETURN_IF_ERROR(ResolveType(type, in_features, options.fallback_type, &traits));
  auto layer = std::make_unique<axq_linear>();
  layer->in_features = in_features;
  layer->out_features = out_features;
  const int64_t dims[2] = {in_features, out_features};
  AXQ_RETURN_IF_ERROR(NewTensor(&layer->weight, traits->type, 2, dims, Fill::kUninitialized));
  if (bias != nullptr) {
    for (int64_t i = 0; i < out_features; ++i) {
      if (!std::isfinite(bias[i])) {
        return Fail(AXQ_ERR_NON_FINITE, "bias[%lld]: %g is not finite", static_cast<long long>(i),
                    static_cast<double>(bias[i]));
      }
    }
    layer->bias.assign(bias, bias + out_features);
  }
  // The caller's weight, read in place as an f32 source tensor.
  SourceTensor source;
  source.name = "weight";
  source.n_dims = 2;
  source.ne[0] = in_features;
  source.ne[1] = out_features;
  source.type = AXQ_TYPE_F32;
  source.data = reinterpret_cast<const uint8_t*>(weight);
  source.nbytes = 4 * static_cast<uint64_t>(in_features) * static_cast<uint64_t>(out_features);
  uint8_t* dst = layer->weight->data.get();
  size_t offset = 0;
  AXQ_RETURN_IF_ERROR(QuantizeTensor(source, traits->type, static_cast<TernaryRule>(options.ternary_rule),
                                     ResolveThreadCount(options.n_threads),
                                     [&](const void* data, size_t size, int64_t) -> Status {
                                       std::memcpy(dst + offset, data, size);
                                       offset += size;
                                       return OkStatus();
                                     }));
  *out = std::move(layer);
  return OkStatus();
}

Status LinearForward(const axq_linear& layer, float* y, size_t y_count, const float* x, size_t x_count,
                     unsigned threads) {
  if (y == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "y: NULL");
  if (x == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "x: NULL");
  const uint64_t in = static_cast<uint64_t>(layer.in_features);
  const uint64_t out = static_cast<uint64_t>(layer.out_features);
  if (x_count == 0 || x_count % in != 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "x_count: %zu is not a positive multiple of in_features (%llu)", x_count,
                static_cast<unsigned long long>(in));
  }
  const uint64_t batch = x_count / in;
  if (y_count / out != batch || y_count % out != 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "y_count: %zu, but %llu rows of out_features (%llu) need %llu", y_count,
                static_cast<unsigned long long>(batch), static_cast<unsigned long long>(out),
                static_cast<unsigned long long>(batch * out));
  }
  if (y == x) return Fail(AXQ_ERR_INVALID_ARGUMENT, "y: must not be x");
  std::unique_ptr<axq_tensor> xt, yt;
  const int64_t x_dims[2] = {layer.in_features, static_cast<int64_t>(batch)};
  const int64_t y_dims[2] = {layer.out_features, static_cast<int64_t>(batch)};
  AXQ_RETURN_IF_ERROR(NewTensor(&xt, AXQ_TYPE_F32, 2, x_dims, Fill::kUninitialized));
  AXQ_RETURN_IF_ERROR(NewTensor(&yt, AXQ_TYPE_F32, 2, y_dims, Fill::kUninitialized));
  std::memcpy(xt->data.get(), x, x_count * sizeof(float));
  AXQ_RETURN_IF_ERROR(Matmul(MatmulEntry::kAny, yt.get(), layer.weight.get(), xt.get(), threads));
  const float* product = reinterpret_cast<const float*>(yt->data.get());
  for (uint64_t b = 0; b < batch; ++b) {
    for (uint64_t o = 0; o < out; ++o) {
      const float v = product[b * out + o];
      y[b * out + o] = layer.bias.empty() ? v : v + layer.bias[o];
    }
  }
  return OkStatus();
}

void FillLinearInfo(const axq_linear& layer, axq_linear_info_t* info) {
  const double weights = static_cast<double>(layer.in_features) * static_cast<double>(layer.out_features);
  const double bytes = static_cast<double>(layer.weight->nbytes);
  info->type = layer.weight->traits->type;
  info->has_bias = layer.bias.empty() ? 0 : 1;
  info->in_features = layer.in_features;
  info->out_features = layer.out_features;
  info->weight_bytes = layer.weight->nbytes;
  info->bits_per_weight = 8.0 * bytes / weights;
  info->compression_ratio = 4.0 * weights / bytes;
}

}  // namespace axq
