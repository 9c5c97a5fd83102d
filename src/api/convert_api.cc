// axq_quantize, axq_dequantize and their options.
#include <cmath>
#include <cstddef>
#include <memory>
#include <vector>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/convert.h"
#include "src/core/parallel.h"
#include "src/core/tensor.h"
#include "src/core/weighted_convert.h"
#include "src/matmul/repack.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

// The importance matrix of axq_quantize's options (0.5), validated for
// every type, even those that ignore it.
Status ReadImportance(const axq_quantize_options_t* given, const axq_quantize_options_t& options,
                      const axq_tensor& src, axq::ImportanceRows* out) {
  constexpr size_t kBegin = offsetof(axq_quantize_options_t, importance);
  constexpr size_t kEnd = offsetof(axq_quantize_options_t, importance_len) + sizeof(int64_t);
  if (given != nullptr && given->struct_size > kBegin && given->struct_size < kEnd) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "opts->struct_size: %u ends inside the importance fields (%zu..%zu); use the _init function",
                given->struct_size, kBegin, kEnd);
  }
  const int64_t len = options.importance_len;
  if (options.importance == nullptr) {
    if (len != 0) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->importance_len: %lld, but opts->importance is NULL",
                  static_cast<long long>(len));
    }
    return OkStatus();
  }
  // One slice for every row, or one per matrix (expert) of a 3-D tensor.
  const int64_t rows = axq::ShapeOf(src).rows;
  int64_t rows_per_slice = 0;
  if (len == src.dims[0]) {
    rows_per_slice = rows > 0 ? rows : 1;
  } else if (src.ndim == 3 && len == src.dims[0] * src.dims[2]) {
    rows_per_slice = src.dims[1];
  } else {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "opts->importance_len: %lld, but it must be the row length dims[0] = %lld%s", static_cast<long long>(len),
                static_cast<long long>(src.dims[0]),
                src.ndim == 3 ? " (or dims[0] * dims[2] for one slice per matrix)" : "");
  }
  for (int64_t j = 0; j < len; ++j) {
    const float v = options.importance[j];
    if (!std::isfinite(v) || v < 0.0f) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->importance[%lld] = %g: importances must be finite and >= 0",
                  static_cast<long long>(j), static_cast<double>(v));
    }
  }
  *out = {options.importance, rows_per_slice};
  return OkStatus();
}

}  // namespace

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
    axq::ImportanceRows importance{nullptr, 0};
    AXQ_RETURN_IF_ERROR(ReadImportance(opts, options, *src, &importance));
    std::unique_ptr<axq_tensor> result;
    AXQ_RETURN_IF_ERROR(
        axq::NewTensor(&result, type, src->ndim, src->dims, axq::Fill::kUninitialized));
    const axq::FormatKernels* kernels = nullptr;
    AXQ_RETURN_IF_ERROR(axq::LookupKernels(&kernels, *result->traits, "type"));
    const float* values = reinterpret_cast<const float*>(src->data.get());
    const unsigned threads = axq::ResolveThreadCount(options.n_threads);
    if (importance.values != nullptr && kernels->quantize_weighted != nullptr) {
      AXQ_RETURN_IF_ERROR(axq::QuantizeWeightedRows(*kernels, *result->traits, values, result->data.get(),
                                                    axq::ShapeOf(*src), threads, importance));
    } else {
      AXQ_RETURN_IF_ERROR(axq::QuantizeElements(*kernels, *result->traits, values, result->data.get(),
                                                axq::ShapeOf(*src), threads,
                                                static_cast<axq::TernaryRule>(options.ternary_rule)));
    }
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
