// `axq demo`'s post-training quantization part: one synthetic layer whose
// inputs have outlier channels, quantized by round-to-nearest, GPTQ, AWQ
// and SmoothQuant, each judged by its output on held-out activations.
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "src/tools/commands.h"
#include "src/tools/demo_data.h"

namespace axq_tool {
namespace {

constexpr int64_t kIn = 512, kOut = 256, kCalibRows = 4096, kHeldOutRows = 256;

struct StatsDeleter {
  void operator()(axq_act_stats_t* s) const { axq_act_stats_destroy(s); }
};

// Rows of activations as a transformer's: channels correlated in eight
// families (0.6 own + 0.8 shared N(0, 1) factor: the demo weights'
// distribution rescaled, its rare outliers clamped to 3 sigma), a
// log-normal per-channel scale, and every 128th channel 25 times larger.
// GPTQ needs the correlation to gain anything, and several calibration
// rows per input channel not to fit the sample's noise.
std::vector<float> Activations(int64_t rows, uint64_t seed) {
  std::vector<float> x = SyntheticWeights(rows * kIn, seed);
  const std::vector<float> shared = SyntheticWeights(rows * 8, seed + 1);
  const std::vector<float> g = SyntheticWeights(kIn, 0x5CA1E);
  auto normal = [](float v) { return std::fmin(std::fmax(50.0f * v, -3.0f), 3.0f); };
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < kIn; ++j) {
      // g / 0.02 is N(0, 1) but for the demo weights' outliers, clamped here.
      const float z = std::fmin(std::fmax(g[j] / 0.02f, -3.0f), 3.0f);
      const float scale = std::exp(0.75f * z) * (j % 128 == 3 ? 25.0f : 1.0f);
      const float value = 0.6f * normal(x[r * kIn + j]) + 0.8f * normal(shared[r * 8 + j % 8]);
      x[r * kIn + j] = value * scale;
    }
  }
  return x;
}

TensorPtr FromF32(const std::vector<float>& v, int64_t k) {
  const int64_t dims[2] = {k, static_cast<int64_t>(v.size()) / k};
  axq_tensor_t* t = nullptr;
  return TensorPtr(axq_tensor_from_f32(&t, v.data(), 2, dims) == AXQ_OK ? t : nullptr);
}

// y = W x for F32 weights w (kOut x kIn) and held-out x, as floats.
bool Outputs(const axq_tensor_t* w, const axq_tensor_t* x, std::vector<float>* y) {
  const int64_t dims[2] = {kOut, kHeldOutRows};
  axq_tensor_t* t = nullptr;
  if (axq_tensor_create(&t, AXQ_TYPE_F32, 2, dims) != AXQ_OK) return false;
  TensorPtr owned(t);
  if (axq_matmul(t, w, x, nullptr) != AXQ_OK) return false;
  const float* p = static_cast<const float*>(axq_tensor_data(t));
  y->assign(p, p + kOut * kHeldOutRows);
  return true;
}

TensorPtr Expand(const axq_tensor_t* q) {
  axq_tensor_t* d = nullptr;
  return TensorPtr(axq_dequantize(&d, q, nullptr) == AXQ_OK ? d : nullptr);
}

TensorPtr FakeInt8(const axq_tensor_t* t, bool per_row) {
  axq_int_options_t o;
  axq_int_options_init(&o);
  o.granularity = per_row ? AXQ_PER_CHANNEL : AXQ_PER_TENSOR;
  axq_tensor_t* y = nullptr;
  return TensorPtr(axq_fake_quantize_tensor(&y, nullptr, 0, t, AXQ_STE_PLAIN, &o) == AXQ_OK ? y : nullptr);
}

TensorPtr Scaled(const axq_tensor_t* t, const std::vector<float>& s, int divide) {
  axq_tensor_t* y = nullptr;
  return TensorPtr(axq_scale_columns(&y, t, s.data(), kIn, divide) == AXQ_OK ? y : nullptr);
}

}  // namespace

int DemoPtq() {
  const std::vector<float> wv = SyntheticWeights(kOut * kIn, 0xD0C);
  const std::vector<float> calib = Activations(kCalibRows, 0xCA11B), held = Activations(kHeldOutRows, 0x4E1D);
  TensorPtr w = FromF32(wv, kIn), x = FromF32(held, kIn);
  axq_act_stats_t* raw = nullptr;
  std::vector<float> y_ref;
  if (!w || !x || axq_act_stats_create(&raw, kIn, nullptr) != AXQ_OK ||
      axq_act_stats_add(raw, calib.data(), kCalibRows, kIn) != AXQ_OK || !Outputs(w.get(), x.get(), &y_ref)) {
    std::fprintf(stderr, "axq: demo ptq: %s\n", axq_last_error());
    return 1;
  }
  std::unique_ptr<axq_act_stats_t, StatsDeleter> stats(raw);
  std::printf("\npost-training quantization: a %lld x %lld layer whose inputs have 25x outlier channels;\n"
              "%lld calibration rows, output error on %lld held-out rows\n",
              static_cast<long long>(kOut), static_cast<long long>(kIn), static_cast<long long>(kCalibRows),
              static_cast<long long>(kHeldOutRows));
  std::printf("%-30s %-6s %14s %12s\n", "method", "format", "output SQNR dB", "MSE / first");
  double first_mse = 0.0;
  // Prints one row from the effective F32 weight and input (nullptr on failure).
  auto row = [&](const char* method, const char* format, TensorPtr weight, TensorPtr input, bool restart) {
    std::vector<float> y;
    if (!weight || !input || !Outputs(weight.get(), input.get(), &y)) {
      std::fprintf(stderr, "axq: demo ptq %s: %s\n", method, axq_last_error());
      return false;
    }
    const axq_error_stats_t e = CompareSignals(y_ref.data(), y.data(), kOut * kHeldOutRows);
    if (restart) first_mse = e.mse;
    std::printf("%-30s %-6s %14.2f %12.3f\n", method, format, e.sqnr_db, e.mse / first_mse);
    return true;
  };
  auto same_x = [&] { return FromF32(held, kIn); };
  auto failed = [](const char* method) {
    std::fprintf(stderr, "axq: demo ptq %s: %s\n", method, axq_last_error());
    return 1;
  };

  axq_tensor_t* q = nullptr;
  if (axq_quantize(&q, w.get(), AXQ_TYPE_Q4_1, nullptr) != AXQ_OK) return failed("round to nearest");
  TensorPtr rtn(q);
  if (!row("round to nearest", "q4_1", Expand(rtn.get()), same_x(), true)) return 1;
  for (uint32_t act_order : {0u, 1u}) {
    axq_gptq_options_t o;
    axq_gptq_options_init(&o);
    o.act_order = act_order;
    if (axq_gptq_quantize(&q, w.get(), stats.get(), &o) != AXQ_OK) return failed("GPTQ");
    TensorPtr g(q);
    if (!row(act_order ? "GPTQ, act-order" : "GPTQ", "q4_1", Expand(g.get()), same_x(), false)) return 1;
  }
  std::vector<float> s(static_cast<size_t>(kIn));
  float alpha = 0.0f;
  const axq_tensor_t* weights[] = {w.get()};
  if (axq_awq_scales(s.data(), kIn, &alpha, weights, 1, stats.get(), 0, nullptr) != AXQ_OK ||
      axq_awq_quantize(&q, w.get(), s.data(), kIn, stats.get(), nullptr) != AXQ_OK) {
    return failed("AWQ");
  }
  TensorPtr a(q);
  const std::string awq = "AWQ (alpha " + std::to_string(alpha).substr(0, 4) + "), clip search";
  if (!row(awq.c_str(), "q4_1", Expand(a.get()), Scaled(x.get(), s, 1), false)) return 1;

  if (!row("plain W8A8", "int8", FakeInt8(w.get(), true), FakeInt8(x.get(), false), true)) return 1;
  if (axq_smoothquant_scales(s.data(), kIn, weights, 1, stats.get(), 0.5f) != AXQ_OK) {
    return failed("SmoothQuant");
  }
  TensorPtr ws = Scaled(w.get(), s, 0), xs = Scaled(x.get(), s, 1);
  if (!ws || !xs || !row("SmoothQuant (alpha 0.5) W8A8", "int8", FakeInt8(ws.get(), true), FakeInt8(xs.get(), false),
                         false)) {
    return 1;
  }
  std::printf("MSE / first: against the first row of its group (q4_1 RTN; plain W8A8). W8A8: int8 weights\n"
              "per row, activations per tensor. AWQ and SmoothQuant feed the layer x / s.\n");
  return 0;
}

}  // namespace axq_tool
