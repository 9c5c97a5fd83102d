// axq_error_stats and axq_quant_report.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>

#include "axq/axq.h"
#include "src/analysis/error_stats.h"
#include "src/api/boundary.h"
#include "src/core/parallel.h"
#include "src/core/tensor.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

struct TensorDeleter {
  void operator()(axq_tensor_t* t) const { axq_tensor_destroy(t); }
};
using TensorPtr = std::unique_ptr<axq_tensor_t, TensorDeleter>;

Status ReadStatsOptions(const axq_error_stats_options_t* opts, axq_error_stats_options_t* out) {
  (void)axq_error_stats_options_init(out);
  AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, out, "sopts"));
  if (!(out->outlier_threshold >= 0) || std::isinf(out->outlier_threshold)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "outlier_threshold: %g must be finite and >= 0", out->outlier_threshold);
  }
  return OkStatus();
}

}  // namespace

extern "C" {

AXQ_API axq_status axq_error_stats_options_init_sized(axq_error_stats_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_error_stats_options_t defaults{};
    defaults.outlier_threshold = 0.1;
    return axq::InitOptions(opts, size, defaults);
  });
}

AXQ_API axq_status axq_error_stats(axq_error_stats_t* out, const float* ref, size_t ref_count, const float* approx,
                                   size_t approx_count, const axq_error_stats_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(ref, "ref"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(approx, "approx"));
    if (ref_count != approx_count) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "approx_count: %zu values against ref_count %zu (lengths must match)",
                  approx_count, ref_count);
    }
    if (ref_count == 0) return Fail(AXQ_ERR_INVALID_ARGUMENT, "ref_count: 0 (no values to compare)");
    axq_error_stats_options_t options;
    AXQ_RETURN_IF_ERROR(ReadStatsOptions(opts, &options));
    axq_error_stats_t stats{};
    AXQ_RETURN_IF_ERROR(axq::ComputeErrorStats(ref, approx, ref_count, options.outlier_threshold,
                                               axq::ResolveThreadCount(options.n_threads), &stats));
    return axq::CopyInfo(out, stats, "out");
  });
}

AXQ_API axq_status axq_quant_report(axq_quant_report_t* out, const axq_tensor_t* src, axq_type type,
                                    const axq_quantize_options_t* qopts, const axq_error_stats_options_t* sopts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
    axq_error_stats_options_t options;
    AXQ_RETURN_IF_ERROR(ReadStatsOptions(sopts, &options));
    axq_tensor_t* q = nullptr;
    AXQ_RETURN_IF_ERROR(Status(axq_quantize(&q, src, type, qopts)));
    TensorPtr quantized(q);
    axq_dequantize_options_t dopts;
    axq_dequantize_options_init(&dopts);
    dopts.n_threads = options.n_threads;
    axq_tensor_t* back = nullptr;
    AXQ_RETURN_IF_ERROR(Status(axq_dequantize(&back, q, &dopts)));
    TensorPtr restored(back);
    axq_quant_report_t report{};
    report.type = type;
    report.elements = static_cast<uint64_t>(src->nelements);
    report.bytes = q->nbytes;
    report.bits_per_weight = 8.0 * static_cast<double>(q->nbytes) / static_cast<double>(src->nelements);
    report.compression_ratio = 4.0 * static_cast<double>(src->nelements) / static_cast<double>(q->nbytes);
    AXQ_RETURN_IF_ERROR(axq::ComputeErrorStats(reinterpret_cast<const float*>(src->data.get()),
                                               reinterpret_cast<const float*>(back->data.get()), report.elements,
                                               options.outlier_threshold,
                                               axq::ResolveThreadCount(options.n_threads), &report.error));
    // The nested stats claim only what the caller's struct holds of them.
    const size_t error_room =
        out->struct_size > offsetof(axq_quant_report_t, error) ? out->struct_size - offsetof(axq_quant_report_t, error) : 0;
    report.error.struct_size = static_cast<uint32_t>(std::min(error_room, sizeof(axq_error_stats_t)));
    return axq::CopyInfo(out, report, "out");
  });
}

}  // extern "C"
