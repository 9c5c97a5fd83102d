// axq_linear_t against the f32 layer it approximates: any width, every
// weight type, a bound per type; the size figures; every bad argument.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

struct TypeBound {
  axq_type type;
  double max_relative_rms;  // of the output error, over the f32 layer's output RMS
};

// Gaussian weights and inputs. The bounds hold with margin over the
// measured errors (printed), which follow from each format's step size:
// about 2^-9 relative for F16 weights and activations, 2^-8 for BF16, and
// for block types the weight error plus Q8 rounding of the activations.
// Ternary layers use BitNet's absmean rule, for which gaussian weights
// lose about half their energy.
const TypeBound kBounds[] = {
    {AXQ_TYPE_F32, 1e-6},   {AXQ_TYPE_F16, 1e-3},   {AXQ_TYPE_BF16, 6e-3},  {AXQ_TYPE_Q8_0, 1.5e-2},
    {AXQ_TYPE_Q5_0, 6e-2},  {AXQ_TYPE_Q5_1, 6e-2},  {AXQ_TYPE_Q4_0, 1.2e-1}, {AXQ_TYPE_Q4_1, 1.2e-1},
    {AXQ_TYPE_TQ2_0, 0.65}, {AXQ_TYPE_TQ1_0, 0.65}, {AXQ_TYPE_I2_S, 0.65},
};

axq_type_info_t InfoOf(axq_type type) {
  axq_type_info_t info;
  info.struct_size = sizeof(info);
  EXPECT_EQ(axq_type_info(&info, type), AXQ_OK);
  return info;
}

std::vector<float> Gaussian(size_t n, uint64_t seed) {
  axq_test::Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.Gaussian();
  return v;
}

// y = x W^T + b in float64.
std::vector<double> Reference(const std::vector<float>& w, const std::vector<float>& b, const std::vector<float>& x,
                              int64_t out, int64_t in) {
  const int64_t batch = static_cast<int64_t>(x.size()) / in;
  std::vector<double> y(static_cast<size_t>(batch * out));
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t o = 0; o < out; ++o) {
      double sum = b.empty() ? 0.0 : b[o];
      for (int64_t i = 0; i < in; ++i) sum += static_cast<double>(w[o * in + i]) * x[n * in + i];
      y[n * out + o] = sum;
    }
  }
  return y;
}

TEST(Linear, ApproximatesTheF32LayerForEveryTypeAndWidth) {
  const int64_t out = 16, batch = 3;
  for (int64_t in : {32, 96, 4096, 11008}) {
    const std::vector<float> w = Gaussian(static_cast<size_t>(out * in), 1 + in);
    const std::vector<float> b = Gaussian(static_cast<size_t>(out), 2 + in);
    const std::vector<float> x = Gaussian(static_cast<size_t>(batch * in), 3 + in);
    const std::vector<double> want = Reference(w, b, x, out, in);
    double want_rms = 0;
    for (double v : want) want_rms += v * v;
    want_rms = std::sqrt(want_rms / static_cast<double>(want.size()));
    for (const TypeBound& tb : kBounds) {
      if (!axq_test::IsImplemented(tb.type) || in % InfoOf(tb.type).block_elems != 0) continue;
      SCOPED_TRACE("type " + std::to_string(tb.type) + " in " + std::to_string(in));
      axq_linear_options_t opts;
      ASSERT_EQ(axq_linear_options_init(&opts), AXQ_OK);
      opts.ternary_rule = AXQ_TERNARY_ABSMEAN;
      axq_linear_t* layer = nullptr;
      ASSERT_EQ(axq_linear_create(&layer, tb.type, w.data(), out, in, b.data(), &opts), AXQ_OK) << axq_last_error();
      std::vector<float> y(static_cast<size_t>(batch * out));
      ASSERT_EQ(axq_linear_forward(y.data(), y.size(), layer, x.data(), x.size(), nullptr), AXQ_OK)
          << axq_last_error();
      double err = 0;
      for (size_t i = 0; i < y.size(); ++i) err += (y[i] - want[i]) * (y[i] - want[i]);
      const double relative = std::sqrt(err / static_cast<double>(y.size())) / want_rms;
      std::printf("linear %-6s in=%-5lld relative RMS error %.2e (bound %.0e)\n", InfoOf(tb.type).name,
                  static_cast<long long>(in), relative, tb.max_relative_rms);
      EXPECT_LE(relative, tb.max_relative_rms);

      // Forward is axq_matmul of the layer's weight, then + bias, exactly.
      const int64_t x_dims[2] = {in, batch}, y_dims[2] = {out, batch};
      axq_tensor_t *xt = nullptr, *yt = nullptr;
      ASSERT_EQ(axq_tensor_from_f32(&xt, x.data(), 2, x_dims), AXQ_OK);
      ASSERT_EQ(axq_tensor_create(&yt, AXQ_TYPE_F32, 2, y_dims), AXQ_OK);
      ASSERT_EQ(axq_matmul(yt, axq_linear_weight(layer), xt, nullptr), AXQ_OK) << axq_last_error();
      const float* product = static_cast<const float*>(axq_tensor_data(yt));
      for (int64_t n = 0; n < batch; ++n) {
        for (int64_t o = 0; o < out; ++o) {
          ASSERT_EQ(y[n * out + o], product[n * out + o] + b[o]) << n << "," << o;
        }
      }
      axq_tensor_destroy(xt);
      axq_tensor_destroy(yt);
      axq_linear_destroy(layer);
    }
  }
}

TEST(Linear, SizeFiguresShareOneDefinition) {
  const int64_t out = 8, in = 64;
  const std::vector<float> w = Gaussian(out * in, 5);
  axq_linear_t* layer = nullptr;
  ASSERT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q4_0, w.data(), out, in, nullptr, nullptr), AXQ_OK);
  axq_linear_info_t info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(axq_linear_info(&info, layer), AXQ_OK);
  EXPECT_EQ(info.type, AXQ_TYPE_Q4_0);
  EXPECT_EQ(info.has_bias, 0u);
  EXPECT_EQ(info.in_features, in);
  EXPECT_EQ(info.out_features, out);
  EXPECT_EQ(info.weight_bytes, static_cast<uint64_t>(out * in / 32 * 18));
  EXPECT_EQ(info.weight_bytes, axq_tensor_nbytes(axq_linear_weight(layer)));
  EXPECT_DOUBLE_EQ(info.bits_per_weight, 4.5);
  EXPECT_DOUBLE_EQ(info.compression_ratio, 32.0 / 4.5);
  // An older caller's smaller struct gets only its own fields.
  axq_linear_info_t small;
  std::memset(&small, 0xAB, sizeof(small));
  small.struct_size = offsetof(axq_linear_info_t, has_bias);
  ASSERT_EQ(axq_linear_info(&small, layer), AXQ_OK);
  EXPECT_EQ(small.type, AXQ_TYPE_Q4_0);
  EXPECT_EQ(small.has_bias, 0xABABABABu);
  axq_linear_destroy(layer);

  // I2_S counts its 32-byte tensor trailer.
  const std::vector<float> w2 = Gaussian(4 * 128, 6);
  ASSERT_EQ(axq_linear_create(&layer, AXQ_TYPE_I2_S, w2.data(), 4, 128, nullptr, nullptr), AXQ_OK);
  ASSERT_EQ(axq_linear_info(&info, layer), AXQ_OK);
  EXPECT_EQ(info.weight_bytes, 4u * 128 / 4 + 32);
  EXPECT_DOUBLE_EQ(info.compression_ratio, 4.0 * 4 * 128 / (4 * 128 / 4 + 32));
  axq_linear_destroy(layer);
}

TEST(Linear, WidthsTheBlockDoesNotDivideNeedAFallback) {
  const int64_t out = 4, in = 100;
  const std::vector<float> w = Gaussian(out * in, 7);
  axq_linear_t* layer = reinterpret_cast<axq_linear_t*>(&layer);
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q4_0, w.data(), out, in, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(layer, nullptr);
  const std::string message = axq_last_error();
  EXPECT_NE(message.find("96 and 128"), std::string::npos) << message;
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_TQ2_0, w.data(), out, in, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("nearest valid width is 256"), std::string::npos) << axq_last_error();

  axq_linear_options_t opts;
  axq_linear_options_init(&opts);
  opts.fallback_type = AXQ_TYPE_Q8_0;  // block 32 does not divide 100 either
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q4_0, w.data(), out, in, nullptr, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.fallback_type = AXQ_TYPE_F16;
  ASSERT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q4_0, w.data(), out, in, nullptr, &opts), AXQ_OK) << axq_last_error();
  axq_linear_info_t info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(axq_linear_info(&info, layer), AXQ_OK);
  EXPECT_EQ(info.type, AXQ_TYPE_F16);
  axq_linear_destroy(layer);
}

TEST(Linear, RejectsBadArguments) {
  const std::vector<float> w = Gaussian(4 * 32, 8);
  std::vector<float> bias(4, 0.5f);
  axq_linear_t* layer = nullptr;
  EXPECT_EQ(axq_linear_create(nullptr, AXQ_TYPE_Q8_0, w.data(), 4, 32, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q8_0, nullptr, 4, 32, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q8_0, w.data(), 0, 32, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q8_0, w.data(), 4, -32, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_create(&layer, static_cast<axq_type>(5), w.data(), 4, 32, nullptr, nullptr),
            AXQ_ERR_UNKNOWN_TYPE);
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q8_K, w.data(), 4, 256, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  axq_linear_options_t opts;
  axq_linear_options_init(&opts);
  opts.struct_size = 3;
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q8_0, w.data(), 4, 32, nullptr, &opts), AXQ_ERR_INVALID_ARGUMENT);
  bias[2] = NAN;
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q8_0, w.data(), 4, 32, bias.data(), nullptr), AXQ_ERR_NON_FINITE);
  std::vector<float> bad = w;
  bad[40] = INFINITY;
  EXPECT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q8_0, bad.data(), 4, 32, nullptr, nullptr), AXQ_ERR_NON_FINITE);
  EXPECT_NE(std::string(axq_last_error()).find("weight"), std::string::npos) << axq_last_error();
  EXPECT_EQ(layer, nullptr);

  ASSERT_EQ(axq_linear_create(&layer, AXQ_TYPE_Q8_0, w.data(), 4, 32, nullptr, nullptr), AXQ_OK);
  std::vector<float> x(64, 1.0f), y(8);
  EXPECT_EQ(axq_linear_forward(y.data(), y.size(), nullptr, x.data(), x.size(), nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_forward(nullptr, y.size(), layer, x.data(), x.size(), nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_forward(y.data(), y.size(), layer, nullptr, x.size(), nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_forward(y.data(), y.size(), layer, x.data(), 33, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_forward(y.data(), y.size(), layer, x.data(), 0, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_forward(y.data(), 7, layer, x.data(), x.size(), nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("y_count"), std::string::npos) << axq_last_error();
  x[3] = NAN;
  EXPECT_EQ(axq_linear_forward(y.data(), y.size(), layer, x.data(), x.size(), nullptr), AXQ_ERR_NON_FINITE);
  x[3] = 1.0f;
  EXPECT_EQ(axq_linear_forward(y.data(), y.size(), layer, x.data(), x.size(), nullptr), AXQ_OK);
  axq_linear_info_t info;
  info.struct_size = 0;
  EXPECT_EQ(axq_linear_info(&info, layer), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_info(nullptr, layer), AXQ_ERR_INVALID_ARGUMENT);
  info.struct_size = sizeof(info);
  EXPECT_EQ(axq_linear_info(&info, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_linear_weight(nullptr), nullptr);
  axq_linear_destroy(layer);
  axq_linear_destroy(nullptr);
}

}  // namespace
