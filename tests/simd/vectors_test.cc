// Every case of ggml's reference vectors (tests/data/ggml-vectors), for
// every implemented type, on every SIMD target this CPU runs: quantized
// bytes identical, dequantized floats bit-identical.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

using axq_test::VectorCase;

class VectorsOnTarget : public ::testing::TestWithParam<std::string> {};

TEST_P(VectorsOnTarget, QuantizeAndDequantizeMatchGgml) {
  axq_test::ScopedTarget target(GetParam());
  ASSERT_STREQ(axq_simd_target_name(), GetParam().c_str());
  int checked_types = 0;
  for (const VectorCase& c : axq_test::ReadManifest()) {
    const axq_type type = static_cast<axq_type>(c.type_id);
    if (!axq_test::IsImplemented(type)) continue;
    SCOPED_TRACE(c.name + " " + c.type);
    ++checked_types;
    const std::string dir = axq_test::VectorDir() + "/";
    const std::vector<float> input = axq_test::ReadFloats(dir + c.input);
    const std::vector<uint8_t> expected = axq_test::ReadBytes(dir + c.quant);
    ASSERT_EQ(static_cast<int64_t>(input.size()), c.n);

    std::vector<uint8_t> got(expected.size() + 64, 0xA5);
    size_t written = 0;
    ASSERT_EQ(axq_quantize_row(got.data(), got.size(), &written, type, input.data(), c.n), AXQ_OK)
        << axq_last_error();
    ASSERT_EQ(written, expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(got[i], expected[i]) << "byte " << i << " (block " << i / (expected.size() * 32 / c.n) << ")";
    }
    for (size_t i = expected.size(); i < got.size(); ++i) ASSERT_EQ(got[i], 0xA5) << "guard byte " << i;

    std::vector<float> decoded(static_cast<size_t>(c.n));
    ASSERT_EQ(axq_dequantize_row(decoded.data(), c.n, type, expected.data(), expected.size()), AXQ_OK)
        << axq_last_error();
    if (c.dequant != "-") {
      const std::vector<float> want = axq_test::ReadFloats(dir + c.dequant);
      const int64_t bad = axq_test::FirstFloatMismatch(decoded.data(), want.data(), c.n);
      ASSERT_EQ(bad, -1) << "element " << bad << ": got " << decoded[bad] << " want " << want[bad];
    }
  }
  // 16 cases x 11 implemented block types (q8_1, q8_K, tq1_0, tq2_0 included).
  EXPECT_GE(checked_types, 16 * 11);
}

INSTANTIATE_TEST_SUITE_P(AllTargets, VectorsOnTarget,
                         ::testing::ValuesIn(axq_test::AvailableTargets()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
