// `axq demo`: quantize a built-in weight matrix to every implemented type
// and report accuracy and speed.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "axq/axq.h"
#include "src/tools/commands.h"
#include "src/tools/demo_data.h"
#include "src/tools/quality_suite.h"

namespace axq_tool {
namespace {

// Ternary types use the absmean rule here (see DemoMatmul for why).
const axq_type kDemoTypes[] = {AXQ_TYPE_F32,  AXQ_TYPE_F16,  AXQ_TYPE_BF16, AXQ_TYPE_Q8_0,  AXQ_TYPE_Q8_1,
                               AXQ_TYPE_Q6_K, AXQ_TYPE_Q5_1, AXQ_TYPE_Q5_K, AXQ_TYPE_Q5_0,  AXQ_TYPE_Q4_1,
                               AXQ_TYPE_Q4_K, AXQ_TYPE_Q4_0, AXQ_TYPE_Q3_K, AXQ_TYPE_Q2_K,  AXQ_TYPE_TQ2_0,
                               AXQ_TYPE_TQ1_0, AXQ_TYPE_I2_S};

constexpr int64_t kDemoBatch = 8;  // activation rows of the matmul part

// Best-of-`repeats` wall time of fn, which returns false on failure.
template <class Fn>
bool BestSeconds(int repeats, double* best, Fn&& fn) {
  *best = 1e30;
  for (int run = 0; run < repeats; ++run) {
    const double t0 = NowSeconds();
    if (!fn()) return false;
    *best = std::min(*best, NowSeconds() - t0);
  }
  return true;
}

// Y = W X for the demo matrix: the f32 product, then Q4_0 (plain and
// repacked) and I2_S weights quantized with BitNet's absmean rule.
int DemoMatmul(const DemoOptions& options, const axq_tensor_t* w32) {
  const int64_t rows = options.rows, cols = options.cols;
  const std::vector<float> xf = SyntheticWeights(kDemoBatch * cols, 0xB0B);
  const int64_t xdims[2] = {cols, kDemoBatch}, ydims[2] = {rows, kDemoBatch};
  axq_tensor_t *x = nullptr, *y_ref = nullptr, *y = nullptr;
  if (axq_tensor_from_f32(&x, xf.data(), 2, xdims) != AXQ_OK ||
      axq_tensor_create(&y_ref, AXQ_TYPE_F32, 2, ydims) != AXQ_OK ||
      axq_tensor_create(&y, AXQ_TYPE_F32, 2, ydims) != AXQ_OK) {
    std::fprintf(stderr, "axq: %s\n", axq_last_error());
    return 1;
  }
  TensorPtr xt(x), yreft(y_ref), yt(y);
  axq_matmul_options_t mopts;
  axq_matmul_options_init(&mopts);
  mopts.n_threads = options.threads;
  double f32_s = 0;
  if (!BestSeconds(options.repeats, &f32_s, [&] { return axq_matmul(y_ref, w32, x, &mopts) == AXQ_OK; })) {
    std::fprintf(stderr, "axq: matmul f32: %s\n", axq_last_error());
    return 1;
  }
  std::printf("\nmatmul Y = W X, X: %lld rows of synthetic activations; error against the f32 product\n",
              static_cast<long long>(kDemoBatch));
  std::printf("%-14s %12s %10s %9s %10s %9s\n", "weights", "rel. error", "max err", "SQNR dB",
              "cosine", "ms");
  std::printf("%-14s %12s %10s %9s %10s %9.3f\n", "f32", "-", "-", "-", "-", f32_s * 1e3);
  struct Case {
    const char* label;
    axq_type type;
    bool repack;
  };
  const Case cases[] = {{"q4_0", AXQ_TYPE_Q4_0, false},
                        {"q4_0 repacked", AXQ_TYPE_Q4_0, true},
                        {"q4_K", AXQ_TYPE_Q4_K, false},
                        {"q6_K", AXQ_TYPE_Q6_K, false},
                        {"i2_s absmean", AXQ_TYPE_I2_S, false}};
  for (const Case& c : cases) {
    axq_quantize_options_t qopts;
    axq_quantize_options_init(&qopts);
    qopts.n_threads = options.threads;
    qopts.ternary_rule = AXQ_TERNARY_ABSMEAN;
    axq_tensor_t* q = nullptr;
    if (axq_quantize(&q, w32, c.type, &qopts) != AXQ_OK) {
      std::fprintf(stderr, "axq: quantize %s: %s\n", c.label, axq_last_error());
      return 1;
    }
    TensorPtr w(q);
    if (c.repack) {
      axq_tensor_t* packed = nullptr;
      if (axq_tensor_repack(&packed, q) != AXQ_OK) {
        std::fprintf(stderr, "axq: repack: %s\n", axq_last_error());
        return 1;
      }
      w.reset(packed);
    }
    double seconds = 0;
    const bool ok = BestSeconds(options.repeats, &seconds, [&] {
      return (c.type == AXQ_TYPE_I2_S ? axq_matmul_i2s(y, w.get(), x, &mopts)
                                      : axq_matmul(y, w.get(), x, &mopts)) == AXQ_OK;
    });
    if (!ok) {
      std::fprintf(stderr, "axq: matmul %s: %s\n", c.label, axq_last_error());
      return 1;
    }
    const axq_error_stats_t e = CompareSignals(static_cast<const float*>(axq_tensor_data(y_ref)),
                                        static_cast<const float*>(axq_tensor_data(y)), rows * kDemoBatch);
    double ref_energy = 0;
    const float* yr = static_cast<const float*>(axq_tensor_data(y_ref));
    for (int64_t i = 0; i < rows * kDemoBatch; ++i) ref_energy += static_cast<double>(yr[i]) * yr[i];
    const double rel = ref_energy > 0 ? std::sqrt(e.mse * static_cast<double>(rows * kDemoBatch) / ref_energy) : 0;
    std::printf("%-14s %12.4e %10.4e %9.2f %10.7f %9.3f\n", c.label, rel, e.max_abs_error, e.sqnr_db,
                e.cosine, seconds * 1e3);
  }
  std::printf("\nI2_S keeps 1.58 bits of information per weight: on these (not ternary-trained)\n"
              "weights its error is large by nature; BitNet b1.58 models are trained for it.\n");
  return 0;
}

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
    qopts.ternary_rule = AXQ_TERNARY_ABSMEAN;
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
    const axq_error_stats_t e = CompareSignals(weights.data(),
                                        static_cast<const float*>(axq_tensor_data(restored.get())),
                                        rows * cols);
    std::printf("%-6s %6.3f %12.4e %10.4e %9.2f %10.7f %11.2f %11.2f\n", info.name,
                info.bits_per_weight, e.mse, e.max_abs_error, e.sqnr_db, e.cosine, input_gb / quant_s,
                input_gb / deq_s);
  }
  std::printf("\nGB/s counts f32 data (input of quantize, output of dequantize), including the\n"
              "allocation of the result tensor; best of %d runs. `axq bench` times the kernels alone.\n"
              "tq2_0, tq1_0 and i2_s use the absmean ternarizer (AXQ_TERNARY_ABSMEAN).\n",
              options.repeats);
  const int matmul = DemoMatmul(options, src.get());
  if (matmul != 0) return matmul;
  const int ptq = DemoPtq();
  if (ptq != 0) return ptq;
  std::vector<QualityResult> quality;
  if (!RunQualitySuite(&quality)) return 1;
  PrintQualitySuite(quality);
  return 0;
}

}  // namespace axq_tool
