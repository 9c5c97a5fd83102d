// axq_quantize, axq_dequantize and their options.
#include <memory>
#include <vector>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/convert.h"
#include "src/core/parallel.h"
#include "src/core/tensor.h"
#include "src/matmul/repack.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

extern "C" {

AXQ_API axq_status axq_quantize_options_init_sized(axq_quantize_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_quantize_options_t defaults{};
    defaults.ternary_rule = AXQ_TERNARY_REFERENCE;
    return axq::InitOptions(opts, size, defaults);
  });
}

// Binaries built before axq_quantize_options_init_sized: the struct as 0.2 defined it.
AXQ_API axq_status (axq_quantize_options_init)(axq_quantize_options_t* opts) {
  return axq_quantize_options_init_sized(opts, axq::kQuantizeOptions02Size);
}

AXQ_API axq_status axq_dequantize_options_init_sized(axq_dequantize_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_dequantize_options_t defaults{};
    return axq::InitOptions(opts, size, defaults);
  });
}

// Binaries built before axq_dequantize_options_init_sized: the struct as 0.2 defined it.
AXQ_API axq_status (axq_dequantize_options_init)(axq_dequantize_options_t* opts) {
  return axq_dequantize_options_init_sized(opts, axq::kDequantizeOptions02Size);
}

AXQ_API axq_status axq_quantize(axq_tensor_t** out, const axq_tensor_t* src, axq_type type,
                                const axq_quantize_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
    axq_quantize_options_t options;
    (void)axq_quantize_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    if (options.ternary_rule != AXQ_TERNARY_REFERENCE &&
        options.ternary_rule != AXQ_TERNARY_ABSMEAN) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT,
                  "opts->ternary_rule: %u is not an axq_ternary_rule (0 or 1)",
                  options.ternary_rule);
    }
    if (src->traits->type != AXQ_TYPE_F32) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "src: must be an f32 tensor, got %s",
                  src->traits->name);
    }
    std::unique_ptr<axq_tensor> result;
    AXQ_RETURN_IF_ERROR(
        axq::NewTensor(&result, type, src->ndim, src->dims, axq::Fill::kUninitialized));
    const axq::FormatKernels* kernels = nullptr;
    AXQ_RETURN_IF_ERROR(axq::LookupKernels(&kernels, *result->traits, "type"));
    AXQ_RETURN_IF_ERROR(axq::QuantizeElements(
        *kernels, *result->traits, reinterpret_cast<const float*>(src->data.get()),
        result->data.get(), axq::ShapeOf(*src), axq::ResolveThreadCount(options.n_threads),
        static_cast<axq::TernaryRule>(options.ternary_rule)));
    *out = result.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_dequantize(axq_tensor_t** out, const axq_tensor_t* src,
                                  const axq_dequantize_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
    axq_dequantize_options_t options;
    (void)axq_dequantize_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    const axq::FormatKernels* kernels = nullptr;
    AXQ_RETURN_IF_ERROR(axq::LookupKernels(&kernels, *src->traits, "src"));
    std::unique_ptr<axq_tensor> result;
    AXQ_RETURN_IF_ERROR(
        axq::NewTensor(&result, AXQ_TYPE_F32, src->ndim, src->dims, axq::Fill::kUninitialized));
    const uint8_t* bytes = src->data.get();
    std::vector<uint8_t> plain;
    if (src->repacked) {  // back to ggml blocks first
      const axq::ElementShape shape = axq::ShapeOf(*src);
      const axq::RepackShape packed{src->traits->type, shape.rows,
                                    shape.row_len / src->traits->block_elems,
                                    static_cast<size_t>(src->traits->block_bytes)};
      plain.resize(static_cast<size_t>(shape.rows * packed.blocks) * packed.block_bytes);
      axq::UnrepackGroups(packed, bytes, 0, packed.groups(), plain.data());
      bytes = plain.data();
    }
    axq::DequantizeElements(*kernels, *src->traits, bytes,
                            reinterpret_cast<float*>(result->data.get()), axq::ShapeOf(*src),
                            axq::ResolveThreadCount(options.n_threads));
    *out = result.release();
    return OkStatus();
  });
}

}  // extern "C"
