// axq_act_stats_*, axq_scale_columns, axq_smoothquant_*, axq_awq_* and
// axq_gptq_* (include/axq/ptq.h): argument checks and locking around
// src/ptq/.
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

#include "axq/axq.h"
#include "axq/ptq.h"
#include "src/api/boundary.h"
#include "src/core/parallel.h"
#include "src/core/tensor.h"
#include "src/core/type_traits.h"
#include "src/intquant/int_tensor.h"
#include "src/ptq/act_stats.h"
#include "src/ptq/awq.h"
#include "src/ptq/gptq.h"
#include "src/ptq/group_format.h"
#include "src/ptq/smoothquant.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

// sum x x^T is k^2 doubles: this bound keeps it at 2 GiB.
constexpr int64_t kMaxHessianChannels = 16384;
constexpr uint32_t kMaxSamples = 1u << 20;

axq_act_stats_options_t DefaultActStatsOptions() {
  axq_act_stats_options_t o{};
  o.struct_size = sizeof(o);
  o.hessian = 1;
  o.max_samples = 512;
  o.n_threads = 0;
  return o;
}

// The weight-format fields AWQ and GPTQ share: Q4_1, or 4-bit affine
// integers in groups of 128.
template <class Options>
void SetDefaultFormat(Options* o) {
  o->struct_size = sizeof(*o);
  o->type = AXQ_TYPE_Q4_1;
  o->bits = 4;
  o->scheme = AXQ_INT_AFFINE;
  o->group_size = 128;
}

axq_awq_options_t DefaultAwqOptions() {
  axq_awq_options_t o{};
  SetDefaultFormat(&o);
  o.grid = 20;
  o.clip_search = 1;
  o.n_threads = 0;
  return o;
}

axq_gptq_options_t DefaultGptqOptions() {
  axq_gptq_options_t o{};
  SetDefaultFormat(&o);
  o.act_order = 0;
  o.block_size = 128;
  o.damp = 0.01f;
  o.n_threads = 0;
  return o;
}

// An F32 weight of dims {k, m} (2 dims, or 1 for a single row) with finite
// values.
Status CheckWeight(const axq_tensor* w, const char* name) {
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(w, name));
  if (w->traits->type != AXQ_TYPE_F32 || w->repacked) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: a %s tensor; the algorithms take the F32 weight", name,
                w->traits->name);
  }
  if (w->ndim > 2) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: %d dims; a weight has dims {in, out}", name, w->ndim);
  }
  const float* x = reinterpret_cast<const float*>(w->data.get());
  for (int64_t i = 0; i < w->nelements; ++i) {
    if (!std::isfinite(x[i])) {
      return Fail(AXQ_ERR_NON_FINITE, "%s: element %lld is %s", name, static_cast<long long>(i),
                  std::isnan(x[i]) ? "NaN" : "Inf");
    }
  }
  return OkStatus();
}

Status CheckStats(const axq_act_stats* st, int64_t k, const char* what) {
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(st, "stats"));
  if (st->k != k) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "stats: collected for %lld channels, but %s has %lld",
                static_cast<long long>(st->k), what, static_cast<long long>(k));
  }
  if (st->rows == 0) return Fail(AXQ_ERR_INVALID_ARGUMENT, "stats: no activation rows added yet");
  return OkStatus();
}

Status CheckFactors(const float* s, int64_t k, int64_t want) {
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(s, "s"));
  if (k != want) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "k: %lld, but the weight's rows have %lld columns",
                static_cast<long long>(k), static_cast<long long>(want));
  }
  for (int64_t j = 0; j < k; ++j) {
    if (!(s[j] > 0.0f) || !std::isfinite(s[j])) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "s[%lld]: %g; factors must be finite and > 0", static_cast<long long>(j),
                  static_cast<double>(s[j]));
    }
  }
  return OkStatus();
}

// The weights sharing one input: each F32 with rows of k.
Status CheckWeightGroup(const axq_tensor_t* const* weights, size_t n, int64_t k) {
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(weights, "weights"));
  if (n == 0) return Fail(AXQ_ERR_INVALID_ARGUMENT, "n_weights: 0; pass at least one weight");
  for (size_t i = 0; i < n; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "weights[%zu]", i);
    AXQ_RETURN_IF_ERROR(CheckWeight(weights[i], name));
    if (weights[i]->dims[0] != k) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: rows of %lld columns, but k is %lld", name,
                  static_cast<long long>(weights[i]->dims[0]), static_cast<long long>(k));
    }
  }
  return OkStatus();
}

// The format: a ggml type, whose block must divide k, or the int fields.
Status MakeFormat(bool int_format, int32_t type, uint32_t bits, int32_t scheme, int64_t group_size, int64_t k,
                  axq::GroupFormat* f) {
  if (int_format) {
    if (scheme == AXQ_INT_POWER_OF_TWO) {
      return Fail(AXQ_ERR_UNSUPPORTED, "opts->scheme: power-of-two scales are not offered here; use 0 or 1");
    }
    return axq::GroupFormat::ForInt(bits, scheme, group_size, k, f);
  }
  AXQ_RETURN_IF_ERROR(axq::GroupFormat::ForType(type, f));
  if (k % f->group_size() != 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "w: rows of %lld columns; %s needs a multiple of %lld",
                static_cast<long long>(k), axq::FindTypeTraits(type)->name, static_cast<long long>(f->group_size()));
  }
  return OkStatus();
}

Status ReadAwqOptions(const axq_awq_options_t* opts, bool int_format, int64_t k, axq::AwqConfig* cfg) {
  axq_awq_options_t o = DefaultAwqOptions();
  AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &o, "opts"));
  if (o.grid < 1 || o.grid > 1000) return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->grid: %u; 1 to 1000 points", o.grid);
  if (o.clip_search > 1) return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->clip_search: %u; 0 or 1", o.clip_search);
  AXQ_RETURN_IF_ERROR(MakeFormat(int_format, o.type, o.bits, o.scheme, o.group_size, k, &cfg->format));
  cfg->grid = o.grid;
  cfg->clip_search = o.clip_search != 0;
  cfg->threads = axq::ResolveThreadCount(o.n_threads);
  return OkStatus();
}

// The samples AWQ evaluates on.
Status RequireSamples(const axq_act_stats* st) {
  if (st->kept == 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "stats: no rows kept (created with max_samples = 0); AWQ measures its "
                                          "candidates on kept rows");
  }
  return OkStatus();
}

Status RunAwq(bool int_format, const axq_tensor* w, const float* s, int64_t k, const axq_act_stats* stats,
              const axq_awq_options_t* opts, axq::GroupFormat* format, axq::GroupResult* result) {
  AXQ_RETURN_IF_ERROR(CheckWeight(w, "w"));
  AXQ_RETURN_IF_ERROR(CheckFactors(s, k, w->dims[0]));
  axq::AwqConfig cfg;
  AXQ_RETURN_IF_ERROR(ReadAwqOptions(opts, int_format, k, &cfg));
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(stats, "stats"));
  std::lock_guard<std::mutex> lock(stats->mutex);
  AXQ_RETURN_IF_ERROR(CheckStats(stats, k, "w"));
  if (cfg.clip_search) AXQ_RETURN_IF_ERROR(RequireSamples(stats));
  *format = cfg.format;
  return axq::AwqQuantize(*w, s, *stats, cfg, result);
}

Status RunGptq(bool int_format, const axq_tensor* w, const axq_act_stats* stats, const axq_gptq_options_t* opts,
               axq::GroupFormat* format, axq::GroupResult* result) {
  AXQ_RETURN_IF_ERROR(CheckWeight(w, "w"));
  const int64_t k = w->dims[0];
  axq_gptq_options_t o = DefaultGptqOptions();
  AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &o, "opts"));
  if (o.act_order > 1) return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->act_order: %u; 0 or 1", o.act_order);
  if (o.block_size < 1 || o.block_size > 4096) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->block_size: %u; 1 to 4096 columns", o.block_size);
  }
  if (!(o.damp > 0.0f && o.damp <= 1.0f)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->damp: %g; the relative damping is in (0, 1]",
                static_cast<double>(o.damp));
  }
  axq::GptqConfig cfg;
  AXQ_RETURN_IF_ERROR(MakeFormat(int_format, o.type, o.bits, o.scheme, o.group_size, k, &cfg.format));
  cfg.act_order = o.act_order != 0;
  cfg.block_size = o.block_size;
  cfg.damp = o.damp;
  cfg.threads = axq::ResolveThreadCount(o.n_threads);
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(stats, "stats"));
  std::lock_guard<std::mutex> lock(stats->mutex);
  AXQ_RETURN_IF_ERROR(CheckStats(stats, k, "w"));
  if (!stats->hessian) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "stats: created with hessian = 0; GPTQ needs sum x x^T");
  }
  *format = cfg.format;
  return axq::GptqQuantize(*w, *stats, cfg, result);
}

// Runs an algorithm (run(&format, &result)) and encodes its result as a
// ggml tensor or an integer tensor, by the handle type asked for.
Status Encode(const axq::GroupFormat& f, const axq::GroupResult& r, std::unique_ptr<axq_tensor>* out) {
  return axq::EncodeGgml(f, r, out);
}
Status Encode(const axq::GroupFormat& f, const axq::GroupResult& r, std::unique_ptr<axq_int_tensor>* out) {
  return axq::EncodeInt(f, r, out);
}

template <class Handle, class Run>
axq_status QuantizeTo(Handle** out, Run&& run) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    axq::GroupFormat format;
    axq::GroupResult result;
    AXQ_RETURN_IF_ERROR(run(&format, &result));
    std::unique_ptr<Handle> q;
    AXQ_RETURN_IF_ERROR(Encode(format, result, &q));
    *out = q.release();
    return OkStatus();
  });
}

}  // namespace

extern "C" {

AXQ_API axq_status axq_act_stats_options_init_sized(axq_act_stats_options_t* opts, size_t size) {
  return Guard([&]() -> Status { return axq::InitOptions(opts, size, DefaultActStatsOptions()); });
}

AXQ_API axq_status axq_act_stats_create(axq_act_stats_t** out, int64_t k, const axq_act_stats_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    axq_act_stats_options_t o = DefaultActStatsOptions();
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &o, "opts"));
    if (o.hessian > 1) return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->hessian: %u; 0 or 1", o.hessian);
    if (o.max_samples > kMaxSamples) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->max_samples: %u is over the limit %u", o.max_samples, kMaxSamples);
    }
    const int64_t limit = o.hessian ? kMaxHessianChannels : (int64_t{1} << 24);
    if (k < 1 || k > limit) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "k: %lld; 1 to %lld channels%s", static_cast<long long>(k),
                  static_cast<long long>(limit), o.hessian ? " with a Hessian" : "");
    }
    auto st = std::make_unique<axq_act_stats>();
    st->k = k;
    st->hessian = o.hessian != 0;
    st->max_samples = o.max_samples;
    st->threads = axq::ResolveThreadCount(o.n_threads);
    AXQ_RETURN_IF_ERROR(axq::InitActStats(st.get()));
    *out = st.release();
    return OkStatus();
  });
}

AXQ_API void axq_act_stats_destroy(axq_act_stats_t* stats) { delete stats; }

AXQ_API axq_status axq_act_stats_add(axq_act_stats_t* stats, const float* x, int64_t rows, int64_t k) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(stats, "stats"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(x, "x"));
    if (rows < 1) return Fail(AXQ_ERR_INVALID_ARGUMENT, "rows: %lld; at least 1", static_cast<long long>(rows));
    if (k != stats->k) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "k: %lld, but these statistics have %lld channels",
                  static_cast<long long>(k), static_cast<long long>(stats->k));
    }
    if (rows > (int64_t{1} << 40) / k) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "rows: %lld rows of %lld is more than one batch may hold",
                  static_cast<long long>(rows), static_cast<long long>(k));
    }
    std::lock_guard<std::mutex> lock(stats->mutex);
    return axq::AddActivations(stats, x, rows);
  });
}

AXQ_API axq_status axq_act_stats_add_file(axq_act_stats_t* stats, const char* path, const char* name) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(stats, "stats"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(path, "path"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(name, "name"));
    std::lock_guard<std::mutex> lock(stats->mutex);
    return axq::AddActivationsFromFile(stats, path, name);
  });
}

AXQ_API axq_status axq_act_stats_info(axq_act_stats_info_t* out, const axq_act_stats_t* stats) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(stats, "stats"));
    axq_act_stats_info_t info{};
    std::lock_guard<std::mutex> lock(stats->mutex);
    info.has_hessian = stats->hessian ? 1 : 0;
    info.k = stats->k;
    info.rows = stats->rows;
    info.samples = stats->kept;
    return axq::CopyInfo(out, info, "out");
  });
}

namespace {
Status ChannelValues(float* dst, int64_t k, const axq_act_stats_t* stats, bool mean) {
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(stats, "stats"));
  if (k != stats->k) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "k: %lld, but these statistics have %lld channels",
                static_cast<long long>(k), static_cast<long long>(stats->k));
  }
  std::lock_guard<std::mutex> lock(stats->mutex);
  for (int64_t j = 0; j < k; ++j) {
    const double v = !mean ? stats->absmax[j]
                           : (stats->rows == 0 ? 0.0 : stats->abssum[j] / static_cast<double>(stats->rows));
    dst[j] = static_cast<float>(v);
  }
  return OkStatus();
}
}  // namespace

AXQ_API axq_status axq_act_stats_absmax(float* dst, int64_t k, const axq_act_stats_t* stats) {
  return Guard([&]() -> Status { return ChannelValues(dst, k, stats, false); });
}

AXQ_API axq_status axq_act_stats_absmean(float* dst, int64_t k, const axq_act_stats_t* stats) {
  return Guard([&]() -> Status { return ChannelValues(dst, k, stats, true); });
}

AXQ_API axq_status axq_scale_columns(axq_tensor_t** out, const axq_tensor_t* w, const float* s, int64_t k,
                                     int divide) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(CheckWeight(w, "w"));
    AXQ_RETURN_IF_ERROR(CheckFactors(s, k, w->dims[0]));
    if (divide != 0 && divide != 1) return Fail(AXQ_ERR_INVALID_ARGUMENT, "divide: %d; 0 or 1", divide);
    std::unique_ptr<axq_tensor> t;
    AXQ_RETURN_IF_ERROR(axq::NewTensor(&t, AXQ_TYPE_F32, w->ndim, w->dims, axq::Fill::kUninitialized));
    const float* src = reinterpret_cast<const float*>(w->data.get());
    float* dst = reinterpret_cast<float*>(t->data.get());
    for (int64_t i = 0; i < w->nelements; ++i) dst[i] = divide ? src[i] / s[i % k] : src[i] * s[i % k];
    *out = t.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_smoothquant_scales(float* s, int64_t k, const axq_tensor_t* const* weights,
                                          size_t n_weights, const axq_act_stats_t* stats, float alpha) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(s, "s"));
    AXQ_RETURN_IF_ERROR(CheckWeightGroup(weights, n_weights, k));
    if (!(alpha >= 0.0f && alpha <= 1.0f)) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "alpha: %g; SmoothQuant's migration strength is in [0, 1]",
                  static_cast<double>(alpha));
    }
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(stats, "stats"));
    std::lock_guard<std::mutex> lock(stats->mutex);
    AXQ_RETURN_IF_ERROR(CheckStats(stats, k, "the weights"));
    axq::SmoothQuantScales(weights, n_weights, *stats, alpha, s);
    return OkStatus();
  });
}

AXQ_API axq_status axq_awq_options_init_sized(axq_awq_options_t* opts, size_t size) {
  return Guard([&]() -> Status { return axq::InitOptions(opts, size, DefaultAwqOptions()); });
}

AXQ_API axq_status axq_awq_scales(float* s, int64_t k, float* alpha, const axq_tensor_t* const* weights,
                                  size_t n_weights, const axq_act_stats_t* stats, int int_format,
                                  const axq_awq_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(s, "s"));
    if (int_format != 0 && int_format != 1) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "int_format: %d; 0 (opts->type) or 1 (bits, scheme, group_size)",
                  int_format);
    }
    AXQ_RETURN_IF_ERROR(CheckWeightGroup(weights, n_weights, k));
    axq::AwqConfig cfg;
    AXQ_RETURN_IF_ERROR(ReadAwqOptions(opts, int_format == 1, k, &cfg));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(stats, "stats"));
    std::lock_guard<std::mutex> lock(stats->mutex);
    AXQ_RETURN_IF_ERROR(CheckStats(stats, k, "the weights"));
    AXQ_RETURN_IF_ERROR(RequireSamples(stats));
    return axq::AwqSearchScales(weights, n_weights, *stats, cfg, s, alpha);
  });
}

AXQ_API axq_status axq_awq_quantize(axq_tensor_t** out, const axq_tensor_t* w, const float* s, int64_t k,
                                    const axq_act_stats_t* stats, const axq_awq_options_t* opts) {
  return QuantizeTo(out, [&](axq::GroupFormat* f, axq::GroupResult* r) {
    return RunAwq(false, w, s, k, stats, opts, f, r);
  });
}

AXQ_API axq_status axq_awq_quantize_int(axq_int_tensor_t** out, const axq_tensor_t* w, const float* s, int64_t k,
                                        const axq_act_stats_t* stats, const axq_awq_options_t* opts) {
  return QuantizeTo(out, [&](axq::GroupFormat* f, axq::GroupResult* r) {
    return RunAwq(true, w, s, k, stats, opts, f, r);
  });
}

AXQ_API axq_status axq_gptq_quantize(axq_tensor_t** out, const axq_tensor_t* w, const axq_act_stats_t* stats,
                                     const axq_gptq_options_t* opts) {
  return QuantizeTo(out, [&](axq::GroupFormat* f, axq::GroupResult* r) {
    return RunGptq(false, w, stats, opts, f, r);
  });
}

AXQ_API axq_status axq_gptq_quantize_int(axq_int_tensor_t** out, const axq_tensor_t* w,
                                         const axq_act_stats_t* stats, const axq_gptq_options_t* opts) {
  return QuantizeTo(out, [&](axq::GroupFormat* f, axq::GroupResult* r) {
    return RunGptq(true, w, stats, opts, f, r);
  });
}

AXQ_API axq_status axq_gptq_options_init_sized(axq_gptq_options_t* opts, size_t size) {
  return Guard([&]() -> Status { return axq::InitOptions(opts, size, DefaultGptqOptions()); });
}

}  // extern "C"
