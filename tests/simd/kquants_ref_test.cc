// The K-quant scalar references against ggml's own vectors: every case of
// q2_K..q6_K in the manifest, quantized byte for byte and dequantized bit
// for bit.
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/quant/kquants_ref.h"
#include "tests/common/test_support.h"

namespace {

using QuantizeFn = void (*)(const float*, void*, int64_t);
using DequantizeFn = void (*)(const void*, float*, int64_t);

struct KQuant {
  const char* name;  // ggml's
  QuantizeFn quantize;
  DequantizeFn dequantize;
};

const KQuant kKQuants[] = {
    {"q2_K", axq::quantize_row_q2_K_ref, axq::dequantize_row_q2_K_ref},
    {"q3_K", axq::quantize_row_q3_K_ref, axq::dequantize_row_q3_K_ref},
    {"q4_K", axq::quantize_row_q4_K_ref, axq::dequantize_row_q4_K_ref},
    {"q5_K", axq::quantize_row_q5_K_ref, axq::dequantize_row_q5_K_ref},
    {"q6_K", axq::quantize_row_q6_K_ref, axq::dequantize_row_q6_K_ref},
};

class KQuantRef : public ::testing::TestWithParam<KQuant> {};

TEST_P(KQuantRef, MatchesGgmlVectors) {
  const KQuant& kq = GetParam();
  int cases = 0;
  for (const axq_test::VectorCase& c : axq_test::ReadManifest()) {
    if (c.type != kq.name) continue;
    SCOPED_TRACE(c.name);
    ++cases;
    const std::string dir = axq_test::VectorDir() + "/";
    const std::vector<float> input = axq_test::ReadFloats(dir + c.input);
    const std::vector<uint8_t> want = axq_test::ReadBytes(dir + c.quant);
    ASSERT_EQ(static_cast<int64_t>(input.size()), c.n);
    // Pre-filled with a pattern, so that unwritten bytes show.
    std::vector<uint8_t> got(want.size(), 0xA5);
    kq.quantize(input.data(), got.data(), c.n);
    ASSERT_EQ(got, want);
    if (c.dequant != "-") {
      const std::vector<float> want_f = axq_test::ReadFloats(dir + c.dequant);
      std::vector<float> got_f(input.size());
      kq.dequantize(want.data(), got_f.data(), c.n);
      ASSERT_EQ(axq_test::FirstFloatMismatch(got_f.data(), want_f.data(), c.n), -1);
    }
  }
  EXPECT_GT(cases, 0) << "no vectors for " << kq.name;
}

INSTANTIATE_TEST_SUITE_P(AllKQuants, KQuantRef, ::testing::ValuesIn(kKQuants),
                         [](const ::testing::TestParamInfo<KQuant>& info) { return std::string(info.param.name); });

}  // namespace
