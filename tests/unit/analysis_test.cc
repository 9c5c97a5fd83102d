// axq_error_stats against hand-computed and float64 two-pass values, its
// edge cases and errors; axq_quant_report's size figures and statistics.
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

axq_error_stats_t Stats(const std::vector<float>& ref, const std::vector<float>& approx, uint32_t threads = 0,
                        double threshold = 0.1) {
  axq_error_stats_options_t opts;
  EXPECT_EQ(axq_error_stats_options_init(&opts), AXQ_OK);
  opts.n_threads = threads;
  opts.outlier_threshold = threshold;
  axq_error_stats_t s;
  s.struct_size = sizeof(s);
  EXPECT_EQ(axq_error_stats(&s, ref.data(), ref.size(), approx.data(), approx.size(), &opts), AXQ_OK)
      << axq_last_error();
  return s;
}

TEST(ErrorStats, HandComputedValues) {
  const std::vector<float> ref = {1, 2, 3, 4}, approx = {1.5f, 2, 2, 4};
  const axq_error_stats_t s = Stats(ref, approx, 1, 0.4);
  EXPECT_EQ(s.count, 4u);
  EXPECT_DOUBLE_EQ(s.mse, 1.25 / 4);
  EXPECT_DOUBLE_EQ(s.rmse, std::sqrt(1.25 / 4));
  EXPECT_DOUBLE_EQ(s.mae, 1.5 / 4);
  EXPECT_DOUBLE_EQ(s.max_abs_error, 1.0);
  EXPECT_DOUBLE_EQ(s.sqnr_db, 10 * std::log10(30 / 1.25));
  EXPECT_DOUBLE_EQ(s.cosine, (1.5 + 4 + 6 + 16) / std::sqrt(30 * (2.25 + 4 + 4 + 16)));
  EXPECT_DOUBLE_EQ(s.outlier_threshold, 0.4);
  EXPECT_DOUBLE_EQ(s.outlier_rate, 0.5);
}

TEST(ErrorStats, MatchesATwoPassFloat64ComputationForAnyThreadCount) {
  const size_t n = 1000003;  // several chunks and a partial one
  axq_test::Rng rng(5);
  std::vector<float> ref(n), approx(n);
  for (size_t i = 0; i < n; ++i) {
    ref[i] = rng.Gaussian();
    approx[i] = ref[i] + 0.01f * rng.Gaussian();
  }
  double err2 = 0, abs_err = 0, ref2 = 0, app2 = 0, dot = 0, max_abs = 0, out = 0;
  for (size_t i = 0; i < n; ++i) {
    const double e = static_cast<double>(approx[i]) - ref[i];
    err2 += e * e;
    abs_err += std::fabs(e);
    ref2 += static_cast<double>(ref[i]) * ref[i];
    app2 += static_cast<double>(approx[i]) * approx[i];
    dot += static_cast<double>(ref[i]) * approx[i];
    max_abs = std::fmax(max_abs, std::fabs(e));
    out += std::fabs(e) > 0.02 ? 1 : 0;
  }
  const axq_error_stats_t s = Stats(ref, approx, 1, 0.02);
  EXPECT_NEAR(s.mse, err2 / n, 1e-10 * err2 / n);
  EXPECT_NEAR(s.mae, abs_err / n, 1e-10 * abs_err / n);
  EXPECT_EQ(s.max_abs_error, max_abs);
  EXPECT_NEAR(s.sqnr_db, 10 * std::log10(ref2 / err2), 1e-9);
  EXPECT_NEAR(s.cosine, dot / std::sqrt(ref2 * app2), 1e-12);
  EXPECT_DOUBLE_EQ(s.outlier_rate, out / n);
  for (uint32_t threads : {2u, 3u, 0u}) {
    const axq_error_stats_t t = Stats(ref, approx, threads, 0.02);
    EXPECT_EQ(std::memcmp(&s, &t, sizeof(s)), 0) << threads;
  }
}

TEST(ErrorStats, DegenerateInputsHaveDefinedValues) {
  const double inf = std::numeric_limits<double>::infinity();
  axq_error_stats_t s = Stats({1, -2}, {1, -2});
  EXPECT_EQ(s.mse, 0);
  EXPECT_EQ(s.sqnr_db, inf);
  EXPECT_EQ(s.cosine, 1);
  s = Stats({0, 0}, {0, 0});
  EXPECT_EQ(s.sqnr_db, inf);
  EXPECT_EQ(s.cosine, 1);
  s = Stats({0, 0}, {0, 1});
  EXPECT_EQ(s.sqnr_db, -inf);
  EXPECT_EQ(s.cosine, 0);
  s = Stats({1, 0}, {0, 0});
  EXPECT_EQ(s.cosine, 0);
  EXPECT_DOUBLE_EQ(s.sqnr_db, 0);
}

TEST(ErrorStats, RejectsBadArguments) {
  const std::vector<float> a = {1, 2, 3}, b = {1, 2, 3};
  axq_error_stats_t s;
  s.struct_size = sizeof(s);
  EXPECT_EQ(axq_error_stats(&s, a.data(), 3, b.data(), 2, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("lengths must match"), std::string::npos) << axq_last_error();
  EXPECT_EQ(axq_error_stats(&s, a.data(), 0, b.data(), 0, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_error_stats(nullptr, a.data(), 3, b.data(), 3, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_error_stats(&s, nullptr, 3, b.data(), 3, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_error_stats(&s, a.data(), 3, nullptr, 3, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  std::vector<float> bad = b;
  bad[2] = NAN;
  EXPECT_EQ(axq_error_stats(&s, a.data(), 3, bad.data(), 3, nullptr), AXQ_ERR_NON_FINITE);
  EXPECT_NE(std::string(axq_last_error()).find("approx[2]"), std::string::npos) << axq_last_error();
  bad[2] = 3;
  bad[0] = INFINITY;
  EXPECT_EQ(axq_error_stats(&s, bad.data(), 3, a.data(), 3, nullptr), AXQ_ERR_NON_FINITE);
  EXPECT_NE(std::string(axq_last_error()).find("ref[0]"), std::string::npos) << axq_last_error();
  axq_error_stats_options_t opts;
  axq_error_stats_options_init(&opts);
  opts.outlier_threshold = -1;
  EXPECT_EQ(axq_error_stats(&s, a.data(), 3, b.data(), 3, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.outlier_threshold = NAN;
  EXPECT_EQ(axq_error_stats(&s, a.data(), 3, b.data(), 3, &opts), AXQ_ERR_INVALID_ARGUMENT);
  s.struct_size = 2;
  EXPECT_EQ(axq_error_stats(&s, a.data(), 3, b.data(), 3, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_error_stats_options_init_sized(&opts, 1), AXQ_ERR_INVALID_ARGUMENT);
}

TEST(QuantReport, SizesIncludeScalesAndErrorsMatchARoundTrip) {
  const int64_t dims[2] = {128, 4};
  axq_test::Rng rng(9);
  std::vector<float> x(512);
  for (float& v : x) v = 0.05f * rng.Gaussian();
  axq_tensor_t* src = nullptr;
  ASSERT_EQ(axq_tensor_from_f32(&src, x.data(), 2, dims), AXQ_OK);
  struct Want {
    axq_type type;
    uint64_t bytes;
  };
  for (const Want& w : {Want{AXQ_TYPE_Q4_0, 4 * 4 * 18}, Want{AXQ_TYPE_Q8_0, 4 * 4 * 34},
                        Want{AXQ_TYPE_F16, 512 * 2}, Want{AXQ_TYPE_I2_S, 512 / 4 + 32}}) {
    SCOPED_TRACE(w.type);
    axq_quant_report_t r;
    r.struct_size = sizeof(r);
    ASSERT_EQ(axq_quant_report(&r, src, w.type, nullptr, nullptr), AXQ_OK) << axq_last_error();
    EXPECT_EQ(r.type, w.type);
    EXPECT_EQ(r.elements, 512u);
    EXPECT_EQ(r.bytes, w.bytes);
    EXPECT_DOUBLE_EQ(r.bits_per_weight, 8.0 * w.bytes / 512);
    EXPECT_DOUBLE_EQ(r.compression_ratio, 4.0 * 512 / w.bytes);
    EXPECT_EQ(r.error.struct_size, sizeof(axq_error_stats_t));
    // The same statistics through the public pieces.
    axq_tensor_t *q = nullptr, *back = nullptr;
    ASSERT_EQ(axq_quantize(&q, src, w.type, nullptr), AXQ_OK);
    ASSERT_EQ(axq_dequantize(&back, q, nullptr), AXQ_OK);
    const float* y = static_cast<const float*>(axq_tensor_data(back));
    const axq_error_stats_t s = Stats(x, std::vector<float>(y, y + 512));
    EXPECT_EQ(std::memcmp(&r.error, &s, sizeof(s)), 0);
    axq_tensor_destroy(q);
    axq_tensor_destroy(back);
  }
  // An older caller's struct without the error part gets only the sizes.
  axq_quant_report_t small;
  std::memset(&small, 0xAB, sizeof(small));
  small.struct_size = offsetof(axq_quant_report_t, error);
  ASSERT_EQ(axq_quant_report(&small, src, AXQ_TYPE_Q8_0, nullptr, nullptr), AXQ_OK);
  EXPECT_EQ(small.bytes, 4u * 4 * 34);
  EXPECT_EQ(small.error.struct_size, 0xABABABABu);

  axq_quant_report_t r;
  r.struct_size = sizeof(r);
  EXPECT_EQ(axq_quant_report(&r, nullptr, AXQ_TYPE_Q8_0, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_quant_report(&r, src, static_cast<axq_type>(5), nullptr, nullptr), AXQ_ERR_UNKNOWN_TYPE);
  EXPECT_EQ(axq_quant_report(&r, src, AXQ_TYPE_TQ2_0, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);  // 128-wide rows
  axq_tensor_destroy(src);
}

}  // namespace
