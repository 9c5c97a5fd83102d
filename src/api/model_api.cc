// axq_model_*: named tensors in memory, and model files quantized or
// expanded file to file.
#include <cstring>
#include <memory>
#include <string>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/convert.h"
#include "src/core/parallel.h"
#include "src/core/type_traits.h"
#include "src/model/dequantize_file.h"
#include "src/model/llama_mix.h"
#include "src/model/model.h"
#include "src/model/quantize_file.h"
#include "src/model/quantize_tensor.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

// The caller's options (NULL: defaults), checked and in internal form.
Status ReadQuantizeOptions(const axq_model_quantize_options_t* opts, axq::QuantizeFileOptions* out) {
  axq_model_quantize_options_t options;
  (void)axq_model_quantize_options_init(&options);
  AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
  const axq::TypeTraits* traits = nullptr;
  if (options.mix != AXQ_MIX_NONE) {
    if (!axq::IsSupportedMix(options.mix)) {
      return Fail(AXQ_ERR_UNKNOWN_TYPE, "opts->mix: %d is not an axq_mix", static_cast<int>(options.mix));
    }
    out->choice.mix = options.mix;
    out->choice.type = axq::MixDefaultType(options.mix);
  } else {
    AXQ_RETURN_IF_ERROR(axq::LookupType(&traits, options.type, "opts->type"));
    out->choice.type = traits->type;
  }
  AXQ_RETURN_IF_ERROR(axq::ParseRuleList(options.rules, &out->choice.rules));
  out->choice.pure = options.pure != 0;
  if (options.fallback_type != AXQ_TYPE_INVALID) {
    AXQ_RETURN_IF_ERROR(axq::LookupType(&traits, options.fallback_type, "opts->fallback_type"));
    if (!axq::IsWeightType(traits->type)) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->fallback_type: %s is not a weight type", traits->name);
    }
  }
  out->choice.fallback = static_cast<axq_type>(options.fallback_type);
  if (options.ternary_rule > AXQ_TERNARY_ABSMEAN) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->ternary_rule: %u is not an axq_ternary_rule", options.ternary_rule);
  }
  out->ternary = static_cast<axq::TernaryRule>(options.ternary_rule);
  out->threads = options.n_threads;
  out->progress = options.progress;
  out->progress_user = options.progress_user;
  if (options.output_format > AXQ_FORMAT_AXQT) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->output_format: %u is not an axq_file_format", options.output_format);
  }
  out->format = static_cast<axq_file_format>(options.output_format);
  out->imatrix = options.imatrix;
  out->choice.has_imatrix = options.imatrix != nullptr;
  if (out->format == AXQ_FORMAT_AXQT && options.mix != AXQ_MIX_NONE) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->mix: an AXQT file holds one type for every tensor, so mixes do not apply");
  }
  return OkStatus();
}

Status RequirePath(const char* path, const char* name) {
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(path, name));
  if (path[0] == '\0') return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: empty", name);
  return OkStatus();
}

}  // namespace

extern "C" {

AXQ_API axq_status axq_model_quantize_options_init_sized(axq_model_quantize_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_model_quantize_options_t defaults{};
    defaults.type = AXQ_TYPE_Q4_0;
    defaults.fallback_type = AXQ_TYPE_INVALID;
    defaults.ternary_rule = AXQ_TERNARY_REFERENCE;
    defaults.output_format = AXQ_FORMAT_GGUF;
    defaults.mix = AXQ_MIX_NONE;
    return axq::InitOptions(opts, size, defaults);
  });
}

AXQ_API axq_status axq_mix_from_name(int32_t* out, const char* name) {
  if (out != nullptr) *out = AXQ_MIX_NONE;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(name, "name"));
    const int32_t mix = axq::MixFromName(name);
    if (mix == AXQ_MIX_NONE) return Fail(AXQ_ERR_UNKNOWN_TYPE, "name: '%s' is not a llama.cpp mix libaxq writes", name);
    *out = mix;
    return OkStatus();
  });
}

AXQ_API const char* axq_mix_name(int32_t mix) { return axq::MixName(mix); }

AXQ_API axq_status axq_model_create(axq_model_t** out) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    *out = new axq_model();
    return OkStatus();
  });
}

AXQ_API axq_status axq_model_load(axq_model_t** out, const char* path) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(RequirePath(path, "path"));
    std::unique_ptr<axq_model> model;
    AXQ_RETURN_IF_ERROR(axq::LoadModel(path, &model));
    *out = model.release();
    return OkStatus();
  });
}

AXQ_API void axq_model_destroy(axq_model_t* model) { delete model; }

AXQ_API axq_status axq_model_add(axq_model_t* model, const char* name, const axq_tensor_t* t) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(model, "model"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(name, "name"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(t, "t"));
    if (t->repacked) {
      return Fail(AXQ_ERR_UNSUPPORTED, "t: a repacked tensor's layout is internal; add the tensor it was "
                  "repacked from");
    }
    std::unique_ptr<axq_tensor> copy;
    AXQ_RETURN_IF_ERROR(axq::NewTensor(&copy, t->traits->type, t->ndim, t->dims, axq::Fill::kUninitialized));
    std::memcpy(copy->data.get(), t->data.get(), t->nbytes);
    return axq::AddTensor(model, name, std::move(copy));
  });
}

AXQ_API axq_status axq_model_save(const axq_model_t* model, const char* path) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(model, "model"));
    AXQ_RETURN_IF_ERROR(RequirePath(path, "path"));
    return axq::SaveModel(*model, path);
  });
}

AXQ_API size_t axq_model_tensor_count(const axq_model_t* model) {
  if (model == nullptr) {
    (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_model_tensor_count: model is NULL");
    return 0;
  }
  return model->entries.size();
}

AXQ_API const char* axq_model_tensor_name(const axq_model_t* model, size_t i) {
  if (model == nullptr) {
    (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_model_tensor_name: model is NULL");
    return nullptr;
  }
  if (i >= model->entries.size()) {
    (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_model_tensor_name: i = %zu, the model has %zu tensors", i,
               model->entries.size());
    return nullptr;
  }
  return model->entries[i].name.c_str();
}

AXQ_API const axq_tensor_t* axq_model_tensor(const axq_model_t* model, const char* name) {
  if (model == nullptr) {
    (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_model_tensor: model is NULL");
    return nullptr;
  }
  const axq_tensor* t = nullptr;
  (void)axq::FindTensor(*model, name, &t);
  return t;
}

AXQ_API axq_status axq_model_quantize(axq_model_t** out, const axq_model_t* model,
                                      const axq_model_quantize_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(model, "model"));
    axq::QuantizeFileOptions options;
    AXQ_RETURN_IF_ERROR(ReadQuantizeOptions(opts, &options));
    std::unique_ptr<axq_model> result;
    AXQ_RETURN_IF_ERROR(axq::QuantizeModel(*model, options, &result));
    *out = result.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_model_dequantize(axq_tensor_t** out, const axq_model_t* model, const char* name, int ndim,
                                        const int64_t* dims) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(model, "model"));
    const axq_tensor* t = nullptr;
    AXQ_RETURN_IF_ERROR(axq::FindTensor(*model, name, &t));
    if (ndim < 0 || ndim > AXQ_MAX_DIMS) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "ndim: must be 0..%d, got %d", AXQ_MAX_DIMS, ndim);
    }
    if (ndim > 0) {
      AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dims, "dims"));
      bool same = ndim == t->ndim;
      for (int i = 0; same && i < ndim; ++i) same = dims[i] == t->dims[i];
      if (!same) {
        return Fail(AXQ_ERR_INVALID_ARGUMENT,
                    "dims: tensor '%s' has %d dims {%lld, %lld, %lld, %lld}, not the %d asked for", name, t->ndim,
                    static_cast<long long>(t->dims[0]), static_cast<long long>(t->dims[1]),
                    static_cast<long long>(t->dims[2]), static_cast<long long>(t->dims[3]), ndim);
      }
    }
    axq_dequantize_options_t options;
    (void)axq_dequantize_options_init(&options);
    return Status(axq_dequantize(out, t, &options));  // its own message stands
  });
}

AXQ_API axq_status axq_model_summary(axq_model_summary_t* out, const axq_model_t* model) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(model, "model"));
    axq_model_summary_t summary{};
    for (const axq_model::Entry& e : model->entries) {
      summary.tensor_count += 1;
      summary.quantized_tensor_count += e.tensor->traits->is_quantized ? 1 : 0;
      summary.params += static_cast<uint64_t>(e.tensor->nelements);
      summary.bytes += e.tensor->nbytes;
    }
    summary.f32_bytes = 4 * summary.params;
    summary.compression_ratio =
        summary.bytes == 0 ? 0 : static_cast<double>(summary.f32_bytes) / static_cast<double>(summary.bytes);
    summary.bits_per_weight =
        summary.params == 0 ? 0 : 8.0 * static_cast<double>(summary.bytes) / static_cast<double>(summary.params);
    return axq::CopyInfo(out, summary, "out");
  });
}

AXQ_API axq_status axq_model_quantize_file(const char* out_path, const char* in_path,
                                           const axq_model_quantize_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(RequirePath(out_path, "out_path"));
    AXQ_RETURN_IF_ERROR(RequirePath(in_path, "in_path"));
    axq::QuantizeFileOptions options;
    AXQ_RETURN_IF_ERROR(ReadQuantizeOptions(opts, &options));
    return axq::QuantizeFile(in_path, out_path, options);
  });
}

AXQ_API axq_status axq_model_dequantize_file(const char* out_path, const char* in_path, axq_type type,
                                             const axq_dequantize_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(RequirePath(out_path, "out_path"));
    AXQ_RETURN_IF_ERROR(RequirePath(in_path, "in_path"));
    axq_dequantize_options_t options;
    (void)axq_dequantize_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    return axq::DequantizeFile(in_path, out_path, type, options.n_threads);
  });
}

}  // extern "C"
