// `axq demo`: quantize a built-in weight matrix to every implemented type
// and report accuracy and speed.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

#include "axq/axq.h"
#include "src/tools/commands.h"
#include "src/tools/demo_data.h"

namespace axq_tool {
namespace {

struct TensorDeleter {
  void operator()(axq_tensor_t* t) const { axq_tensor_destroy(t); }
};
using TensorPtr = std::unique_ptr<axq_tensor_t, TensorDeleter>;

const axq_type kDemoTypes[] = {AXQ_TYPE_F32,  AXQ_TYPE_F16,  AXQ_TYPE_BF16, AXQ_TYPE_Q8_0, AXQ_TYPE_Q8_1,
                               AXQ_TYPE_Q5_1, AXQ_TYPE_Q5_0, AXQ_TYPE_Q4_1, AXQ_TYPE_Q4_0};

}  // namespace

int RunDemo(const DemoOptions& options) {
  const int64_t rows = options.rows, cols = options.cols;
  const int64_t dims[2] = {cols, rows};
  std::printf("axq %s demo: %lld x %lld synthetic weights (N(0, 0.02^2), 0.5%% outliers x20..x100)\n",
              axq_version_string(), static_cast<long long>(rows), static_cast<long long>(cols));
  std::printf("SIMD target: %s, threads: %u\n\n", axq_simd_target_name(), options.threads);
  const std::vector<float> weights = SyntheticWeights(rows * cols, 0xA11CE);
  axq_tensor_t* raw = nullptr;
  if (axq_tensor_from_f32(&raw, weights.data(), 2, dims) != AXQ_OK) {
    std::fprintf(stderr, "axq: %s\n", axq_last_error());
    return 1;
  }
  TensorPtr src(raw);
  const double input_gb = static_cast<double>(rows * cols) * sizeof(float) / 1e9;

  std::printf("%-6s %6s %12s %10s %9s %10s %11s %11s\n", "type", "bits/w", "MSE", "max err",
              "SQNR dB", "cosine", "quant GB/s", "deq GB/s");
  for (axq_type type : kDemoTypes) {
    axq_type_info_t info;
    info.struct_size = sizeof(info);
    if (axq_type_info(&info, type) != AXQ_OK || !info.can_quantize) continue;
    axq_quantize_options_t qopts;
    axq_quantize_options_init(&qopts);
    qopts.n_threads = options.threads;
    axq_dequantize_options_t dopts;
    axq_dequantize_options_init(&dopts);
    dopts.n_threads = options.threads;

    // Best of a few runs: the first one also pays for page faults.
    double quant_s = 1e30, deq_s = 1e30;
    TensorPtr quantized, restored;
    for (int run = 0; run < options.repeats; ++run) {
      axq_tensor_t* q = nullptr;
      const double t0 = NowSeconds();
      if (axq_quantize(&q, src.get(), type, &qopts) != AXQ_OK) {
        std::fprintf(stderr, "axq: quantize %s: %s\n", info.name, axq_last_error());
        return 1;
      }
      const double t1 = NowSeconds();
      quantized.reset(q);
      axq_tensor_t* d = nullptr;
      const double t2 = NowSeconds();
      if (axq_dequantize(&d, quantized.get(), &dopts) != AXQ_OK) {
        std::fprintf(stderr, "axq: dequantize %s: %s\n", info.name, axq_last_error());
        return 1;
      }
      const double t3 = NowSeconds();
      restored.reset(d);
      quant_s = std::min(quant_s, t1 - t0);
      deq_s = std::min(deq_s, t3 - t2);
    }
    const ErrorStats e = CompareSignals(weights.data(),
                                        static_cast<const float*>(axq_tensor_data(restored.get())),
                                        rows * cols);
    std::printf("%-6s %6.3f %12.4e %10.4e %9.2f %10.7f %11.2f %11.2f\n", info.name,
                info.bits_per_weight, e.mse, e.max_abs, e.sqnr_db, e.cosine, input_gb / quant_s,
                input_gb / deq_s);
  }
  std::printf("\nGB/s counts f32 data (input of quantize, output of dequantize), including the\n"
              "allocation of the result tensor; best of %d runs. `axq bench` times the kernels alone.\n",
              options.repeats);
  return 0;
}

}  // namespace axq_tool
