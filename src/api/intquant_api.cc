// axq_int_* and axq_fake_*: integer quantization schemes and granularity,
// fake quantization and the straight-through estimator (intquant.h).
#include <cstddef>
#include <memory>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/parallel.h"
#include "src/core/tensor.h"
#include "src/intquant/fake_quant.h"
#include "src/intquant/int_tensor.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

axq_int_options_t DefaultIntOptions() {
  axq_int_options_t o{};
  o.struct_size = sizeof(o);
  o.bits = 8;
  o.scheme = AXQ_INT_SYMMETRIC;
  o.granularity = AXQ_PER_TENSOR;
  o.axis = 1;
  o.n_threads = 0;
  o.group_size = 32;
  return o;
}

axq_fake_quant_params_t DefaultFakeQuantParams() {
  axq_fake_quant_params_t p{};
  p.struct_size = sizeof(p);
  p.bits = 8;
  p.scheme = AXQ_INT_SYMMETRIC;
  p.ste = AXQ_STE_CLAMPED;
  p.scale = 1.0f;
  p.zero_point = 0;
  p.n_threads = 0;
  return p;
}

Status ReadIntOptions(const axq_int_options_t* given, axq_int_options_t* options) {
  *options = DefaultIntOptions();
  return axq::ReadOptions(given, options, "opts");
}

// The caller's params over the defaults; NULL is an error, as a scale has
// no meaningful default.
Status ReadFakeQuantParams(const axq_fake_quant_params_t* given, axq_fake_quant_params_t* params) {
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(given, "params"));
  *params = DefaultFakeQuantParams();
  return axq::ReadOptions(given, params, "params");
}

}  // namespace

extern "C" {

AXQ_API axq_status axq_int_options_init_sized(axq_int_options_t* opts, size_t size) {
  return Guard([&]() -> Status { return axq::InitOptions(opts, size, DefaultIntOptions()); });
}

AXQ_API axq_status axq_int_quantize(axq_int_tensor_t** out, const axq_tensor_t* src, const axq_int_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
    axq_int_options_t options;
    AXQ_RETURN_IF_ERROR(ReadIntOptions(opts, &options));
    std::unique_ptr<axq_int_tensor> q;
    AXQ_RETURN_IF_ERROR(axq::IntQuantize(&q, *src, options, axq::ResolveThreadCount(options.n_threads)));
    *out = q.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_int_dequantize(axq_tensor_t** out, const axq_int_tensor_t* q,
                                      const axq_dequantize_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(q, "q"));
    axq_dequantize_options_t options;
    (void)axq_dequantize_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    std::unique_ptr<axq_tensor> y;
    AXQ_RETURN_IF_ERROR(axq::IntDequantize(&y, *q, axq::ResolveThreadCount(options.n_threads)));
    *out = y.release();
    return OkStatus();
  });
}

AXQ_API void axq_int_tensor_destroy(axq_int_tensor_t* q) { delete q; }

AXQ_API axq_status axq_int_tensor_codes(const uint8_t** codes, size_t* size, const axq_int_tensor_t* q) {
  if (codes != nullptr) *codes = nullptr;
  if (size != nullptr) *size = 0;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(codes, "codes"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(size, "size"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(q, "q"));
    *codes = q->codes.get();
    *size = static_cast<size_t>(q->layout.code_bytes());
    return OkStatus();
  });
}

AXQ_API axq_status axq_int_tensor_params(axq_tensor_t** scales, axq_tensor_t** zero_points,
                                         const axq_int_tensor_t* q) {
  if (scales != nullptr) *scales = nullptr;
  if (zero_points != nullptr) *zero_points = nullptr;
  return Guard([&]() -> Status {
    if (scales == nullptr && zero_points == nullptr) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "scales, zero_points: both NULL; ask for at least one");
    }
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(q, "q"));
    std::unique_ptr<axq_tensor> s, z;
    AXQ_RETURN_IF_ERROR(axq::IntParamTensors(scales != nullptr ? &s : nullptr,
                                             zero_points != nullptr ? &z : nullptr, *q));
    if (scales != nullptr) *scales = s.release();
    if (zero_points != nullptr) *zero_points = z.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_int_tensor_info(axq_int_tensor_info_t* out, const axq_int_tensor_t* q) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(q, "q"));
    axq_int_tensor_info_t info{};
    axq::FillIntTensorInfo(*q, &info);
    return axq::CopyInfo(out, info, "out");
  });
}

AXQ_API axq_status axq_fake_quant_params_init_sized(axq_fake_quant_params_t* params, size_t size) {
  return Guard([&]() -> Status { return axq::InitOptions(params, size, DefaultFakeQuantParams()); });
}

AXQ_API axq_status axq_fake_quant_params_from_range(axq_fake_quant_params_t* params, float min_value,
                                                    float max_value) {
  return Guard([&]() -> Status {
    axq_fake_quant_params_t p;
    AXQ_RETURN_IF_ERROR(ReadFakeQuantParams(params, &p));
    constexpr size_t kNeeded = offsetof(axq_fake_quant_params_t, zero_point) + sizeof(int32_t);
    if (params->struct_size < kNeeded) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "params->struct_size: %u does not reach zero_point (%zu bytes needed)",
                  params->struct_size, kNeeded);
    }
    AXQ_RETURN_IF_ERROR(axq::FakeQuantParamsFromRange(&p, min_value, max_value));
    // Only the two fields this call sets, whatever size the caller's struct has.
    params->scale = p.scale;
    params->zero_point = p.zero_point;
    return OkStatus();
  });
}

AXQ_API axq_status axq_fake_quantize(float* y, uint8_t* mask, size_t n, const float* x,
                                     const axq_fake_quant_params_t* params) {
  return Guard([&]() -> Status {
    axq_fake_quant_params_t p;
    AXQ_RETURN_IF_ERROR(ReadFakeQuantParams(params, &p));
    return axq::FakeQuantize(y, mask, n, x, p);
  });
}

AXQ_API axq_status axq_fake_quantize_tensor(axq_tensor_t** out, uint8_t* mask, size_t mask_count,
                                            const axq_tensor_t* src, axq_ste ste, const axq_int_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
    if (ste != AXQ_STE_PLAIN && ste != AXQ_STE_CLAMPED) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "ste: %d is not an axq_ste (0 plain, 1 clamped)",
                  static_cast<int>(ste));
    }
    const size_t elements = static_cast<size_t>(src->nelements);
    if (mask == nullptr && mask_count != 0) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "mask: NULL with mask_count %zu; pass 0 for no mask", mask_count);
    }
    if (mask != nullptr && mask_count != elements) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "mask_count: %zu, but src has %zu elements", mask_count, elements);
    }
    axq_int_options_t options;
    AXQ_RETURN_IF_ERROR(ReadIntOptions(opts, &options));
    std::unique_ptr<axq_tensor> y;
    AXQ_RETURN_IF_ERROR(axq::IntFakeQuantizeTensor(&y, mask, *src, options, ste == AXQ_STE_CLAMPED,
                                                   axq::ResolveThreadCount(options.n_threads)));
    *out = y.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_ste_backward(float* grad_in, const float* grad_out, const uint8_t* mask, size_t n) {
  return Guard([&]() -> Status { return axq::SteBackward(grad_in, grad_out, mask, n); });
}

}  // extern "C"
