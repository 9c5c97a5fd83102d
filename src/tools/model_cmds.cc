// `axq dequantize IN OUT` and `axq stats FILE --type T [--tensor NAME]` /
// `axq stats --demo [--type T]`.
#include <algorithm>
#include <cinttypes>
#include <iterator>
#include <memory>
#include <cstdio>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "src/model/source.h"
#include "src/tools/commands.h"
#include "src/tools/demo_data.h"

namespace axq_tool {

int RunDequantize(const std::string& in, const std::string& out, axq_type type, unsigned threads) {
  const double start = NowSeconds();
  axq_dequantize_options_t options;
  axq_dequantize_options_init(&options);
  options.n_threads = threads;
  if (axq_model_dequantize_file(out.c_str(), in.c_str(), type, &options) != AXQ_OK) {
    std::fprintf(stderr, "axq: dequantize: %s\n", axq_last_error());
    return 1;
  }
  std::fprintf(stderr, "wrote %s in %.2f s\n", out.c_str(), NowSeconds() - start);
  return 0;
}

namespace {

void PrintReportHeader(const char* first_column, double outlier) {
  std::printf("  %-32s %-6s %7s %6s %11s %11s %11s %8s %10s %7s\n", first_column, "type", "bits/w", "ratio",
              "MSE", "MAE", "max err", "SQNR dB", "cosine", "outl %");
  std::printf("  (bits/w and ratio count every scale; outliers: |error| > %g)\n", outlier);
}

// One line of axq_quant_report for x (dims {ne0, rows}) quantized to type;
// false (message printed) when the library refuses.
bool PrintReport(const std::string& label, const float* x, int64_t ne0, int64_t rows, axq_type type,
                 unsigned threads, double outlier) {
  const int64_t dims[2] = {ne0, rows};
  axq_tensor_t* t = nullptr;
  if (axq_tensor_from_f32(&t, x, 2, dims) != AXQ_OK) {
    std::fprintf(stderr, "axq: stats: %s\n", axq_last_error());
    return false;
  }
  TensorPtr tensor(t);
  axq_quantize_options_t qopts;
  axq_quantize_options_init(&qopts);
  qopts.n_threads = threads;
  qopts.ternary_rule = AXQ_TERNARY_ABSMEAN;  // the rule that suits trained weights
  axq_error_stats_options_t sopts;
  axq_error_stats_options_init(&sopts);
  sopts.n_threads = threads;
  sopts.outlier_threshold = outlier;
  axq_quant_report_t r;
  r.struct_size = sizeof(r);
  if (axq_quant_report(&r, t, type, &qopts, &sopts) != AXQ_OK) {
    std::fprintf(stderr, "axq: stats: %s: %s\n", label.c_str(), axq_last_error());
    return false;
  }
  axq_type_info_t info;
  info.struct_size = sizeof(info);
  axq_type_info(&info, type);
  std::printf("  %-32s %-6s %7.3f %6.2f %11.4e %11.4e %11.4e %8.2f %10.7f %7.3f\n", label.c_str(), info.name,
              r.bits_per_weight, r.compression_ratio, r.error.mse, r.error.mae, r.error.max_abs_error,
              r.error.sqnr_db, r.error.cosine, 100.0 * r.error.outlier_rate);
  return true;
}

}  // namespace

int RunStats(const StatsCommand& command) {
  const unsigned threads = command.threads;
  if (command.demo) {
    // The demo matrix of `axq demo`, for every weight type or the one asked.
    const int64_t rows = 1024, cols = 4096;
    const std::vector<float> w = SyntheticWeights(rows * cols, 0xA11CE);
    std::printf("demo matrix %lld x %lld: N(0, 0.02^2) with 0.5%% outliers\n\n", static_cast<long long>(rows),
                static_cast<long long>(cols));
    PrintReportHeader("weights", command.outlier);
    const axq_type all[] = {AXQ_TYPE_F16,  AXQ_TYPE_BF16,  AXQ_TYPE_Q8_0,  AXQ_TYPE_Q5_1, AXQ_TYPE_Q5_0, AXQ_TYPE_Q4_1,
                            AXQ_TYPE_Q4_0, AXQ_TYPE_TQ2_0, AXQ_TYPE_TQ1_0, AXQ_TYPE_I2_S};
    for (axq_type type : all) {
      if (command.type != AXQ_TYPE_INVALID && type != command.type) continue;
      if (!PrintReport("demo", w.data(), cols, rows, type, threads, command.outlier)) return 1;
    }
    if (command.type != AXQ_TYPE_INVALID && std::find(std::begin(all), std::end(all), command.type) == std::end(all)) {
      if (!PrintReport("demo", w.data(), cols, rows, command.type, threads, command.outlier)) return 1;
    }
    return 0;
  }
  axq::OpenedModel model;
  if (!axq::OpenModel(command.path, &model).ok()) {
    std::fprintf(stderr, "axq: stats: %s\n", axq_last_error());
    return 1;
  }
  std::printf("%s: quantizing each tensor (values as read) to the type\n\n", command.path.c_str());
  PrintReportHeader("tensor", command.outlier);
  int shown = 0;
  for (const axq::SourceTensor& s : model.tensors) {
    if (!command.tensor.empty() && s.name != command.tensor) continue;
    ++shown;
    std::vector<float> x(static_cast<size_t>(s.ne[0] * s.rows()));
    if (!axq::SourceRowsToF32(s, 0, s.rows(), x.data()).ok()) {
      std::fprintf(stderr, "axq: stats: %s\n", axq_last_error());
      return 1;
    }
    if (!PrintReport(s.name, x.data(), s.ne[0], s.rows(), command.type, threads, command.outlier)) {
      // A row length the type cannot hold is worth a line, not a stop.
      axq_type_info_t info;
      info.struct_size = sizeof(info);
      if (axq_type_info(&info, command.type) == AXQ_OK && s.ne[0] % info.block_elems != 0) continue;
      return 1;
    }
  }
  if (shown == 0) {
    std::fprintf(stderr, "axq: stats: %s has no tensor '%s'\n", command.path.c_str(), command.tensor.c_str());
    return 1;
  }
  return 0;
}

}  // namespace axq_tool
