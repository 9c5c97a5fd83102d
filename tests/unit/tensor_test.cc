// Tensor-level quantization: identical bytes for every thread count and
// every target, and the tensor path equal to the row path.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

const axq_type kTypes[] = {AXQ_TYPE_F32,  AXQ_TYPE_F16,  AXQ_TYPE_BF16, AXQ_TYPE_Q8_0, AXQ_TYPE_Q8_1,
                           AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1, AXQ_TYPE_Q5_0, AXQ_TYPE_Q5_1};

std::vector<uint8_t> Bytes(const axq_tensor_t* t) {
  const uint8_t* p = static_cast<const uint8_t*>(axq_tensor_data(t));
  return std::vector<uint8_t>(p, p + axq_tensor_nbytes(t));
}

TEST(Tensor, ThreadCountAndTargetDoNotChangeBytes) {
  // Large enough (2^20 elements) for the work to be split over threads.
  const int64_t dims[2] = {4096, 256};
  const std::vector<float> x = axq_test::StressInput(dims[0] * dims[1], 42);
  axq_tensor_t* src = nullptr;
  ASSERT_EQ(axq_tensor_from_f32(&src, x.data(), 2, dims), AXQ_OK);
  for (axq_type type : kTypes) {
    std::vector<uint8_t> first;
    std::vector<float> first_decoded;
    for (const std::string& target : axq_test::AvailableTargets()) {
      axq_test::ScopedTarget scoped(target);
      for (uint32_t threads : {1u, 2u, 3u, 8u, 0u}) {
        SCOPED_TRACE(std::to_string(type) + " " + target + " threads=" + std::to_string(threads));
        axq_quantize_options_t qo;
        axq_quantize_options_init(&qo);
        qo.n_threads = threads;
        axq_tensor_t* q = nullptr;
        ASSERT_EQ(axq_quantize(&q, src, type, &qo), AXQ_OK) << axq_last_error();
        axq_dequantize_options_t dqo;
        axq_dequantize_options_init(&dqo);
        dqo.n_threads = threads;
        axq_tensor_t* back = nullptr;
        ASSERT_EQ(axq_dequantize(&back, q, &dqo), AXQ_OK) << axq_last_error();
        const float* decoded = static_cast<const float*>(axq_tensor_data(back));
        if (first.empty()) {
          first = Bytes(q);
          first_decoded.assign(decoded, decoded + x.size());
          // The tensor path equals one row call over the same data.
          std::vector<uint8_t> row(first.size());
          size_t written = 0;
          ASSERT_EQ(axq_quantize_row(row.data(), row.size(), &written, type, x.data(),
                                     static_cast<int64_t>(x.size())), AXQ_OK);
          EXPECT_EQ(row, first);
        } else {
          ASSERT_EQ(Bytes(q), first);
          ASSERT_EQ(axq_test::FirstFloatMismatch(decoded, first_decoded.data(),
                                                 static_cast<int64_t>(x.size())), -1);
        }
        axq_tensor_destroy(back);
        axq_tensor_destroy(q);
      }
    }
  }
  axq_tensor_destroy(src);
}

TEST(Tensor, QuantizationErrorIsBoundedByTheScale) {
  // A sanity check independent of ggml's bytes: every legacy format
  // reconstructs a gaussian within half a step (plus the f16 rounding of d).
  const int64_t n = 32 * 64;
  axq_test::Rng rng(7);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = rng.Gaussian();
  struct Case { axq_type type; float steps; };
  for (Case c : {Case{AXQ_TYPE_Q8_0, 127}, Case{AXQ_TYPE_Q8_1, 127}, Case{AXQ_TYPE_Q4_0, 8},
                 Case{AXQ_TYPE_Q5_0, 16}, Case{AXQ_TYPE_Q4_1, 15}, Case{AXQ_TYPE_Q5_1, 31}}) {
    size_t bytes = 0;
    ASSERT_EQ(axq_row_size(&bytes, c.type, n), AXQ_OK);
    std::vector<uint8_t> q(bytes);
    ASSERT_EQ(axq_quantize_row(q.data(), q.size(), nullptr, c.type, x.data(), n), AXQ_OK);
    std::vector<float> y(static_cast<size_t>(n));
    ASSERT_EQ(axq_dequantize_row(y.data(), n, c.type, q.data(), q.size()), AXQ_OK);
    for (int64_t b = 0; b < n; b += 32) {
      float lo = x[b], hi = x[b], amax = 0;
      for (int j = 0; j < 32; ++j) {
        lo = std::min(lo, x[b + j]);
        hi = std::max(hi, x[b + j]);
        amax = std::max(amax, std::fabs(x[b + j]));
      }
      const bool affine = c.type == AXQ_TYPE_Q4_1 || c.type == AXQ_TYPE_Q5_1;
      const float step = affine ? (hi - lo) / c.steps : amax / c.steps;
      for (int j = 0; j < 32; ++j) {
        // Q4_0/Q5_0 clamp the code opposite the extreme: up to one step off.
        // The f16 rounding of d adds up to 2^-11 per code step (7% at 127).
        const float bound = (c.type == AXQ_TYPE_Q4_0 || c.type == AXQ_TYPE_Q5_0 ? 1.0f : 0.5f) * step * 1.15f + 1e-6f;
        ASSERT_LE(std::fabs(y[b + j] - x[b + j]), bound) << "type " << c.type << " element " << b + j;
      }
    }
  }
}

}  // namespace
