// White-box: every dispatched kernel on every target against its scalar
// reference, over stress inputs of many block counts, with misaligned
// pointers and guard bytes after every output.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/core/type_traits.h"
#include "src/simd/kernels.h"
#include "tests/common/test_support.h"

namespace {

constexpr uint8_t kGuard = 0xA5;
const axq_type kTypes[] = {AXQ_TYPE_F32,  AXQ_TYPE_F16,  AXQ_TYPE_BF16, AXQ_TYPE_Q8_0, AXQ_TYPE_Q8_1,
                           AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1, AXQ_TYPE_Q5_0, AXQ_TYPE_Q5_1, AXQ_TYPE_Q2_K,
                           AXQ_TYPE_Q3_K, AXQ_TYPE_Q4_K, AXQ_TYPE_Q5_K, AXQ_TYPE_Q6_K};

class KernelsOnTarget : public ::testing::TestWithParam<std::string> {};

TEST_P(KernelsOnTarget, MatchReferenceAtEveryLengthAndAlignment) {
  axq_test::ScopedTarget target(GetParam());
  for (axq_type type : kTypes) {
    const axq::TypeTraits* traits = axq::FindTypeTraits(type);
    ASSERT_NE(traits, nullptr);
    SCOPED_TRACE(traits->name);
    const axq::FormatKernels* fast = axq::KernelsFor(type, axq::KernelSet::kDispatched);
    const axq::FormatKernels* ref = axq::KernelsFor(type, axq::KernelSet::kReference);
    ASSERT_NE(fast, nullptr);
    ASSERT_NE(ref, nullptr);
    for (int64_t blocks : {1, 2, 3, 5, 7, 16, 33, 129}) {
      // Odd element counts for the 1-element formats exercise vector tails.
      const int64_t n = traits->block_elems == 1 ? blocks * 32 + blocks % 7 : blocks * traits->block_elems;
      const size_t bytes = static_cast<size_t>(n / traits->block_elems * traits->block_bytes);
      std::vector<float> clean = axq_test::StressInput(n, 0xC0FFEE + static_cast<uint64_t>(blocks));
      for (int src_shift = 0; src_shift < 16; src_shift += 5) {
        for (int dst_shift = 0; dst_shift < 64; dst_shift += 13) {
          SCOPED_TRACE("n=" + std::to_string(n) + " src+" + std::to_string(src_shift) + " dst+" +
                       std::to_string(dst_shift));
          // Input padded with NaN on both sides: a kernel reading outside
          // its range would change its output or report non-finite input.
          std::vector<float> src(static_cast<size_t>(n) + 32, std::nanf(""));
          std::memcpy(src.data() + src_shift, clean.data(), clean.size() * sizeof(float));
          std::vector<uint8_t> got(bytes + 128, kGuard), want(bytes + 128, kGuard);
          const bool ok_fast = fast->quantize(src.data() + src_shift, got.data() + dst_shift, n);
          const bool ok_ref = ref->quantize(src.data() + src_shift, want.data() + dst_shift, n);
          ASSERT_EQ(ok_fast, ok_ref);
          ASSERT_TRUE(ok_fast);
          ASSERT_EQ(0, std::memcmp(got.data(), want.data(), got.size()));
          for (size_t i = bytes + dst_shift; i < got.size(); ++i) ASSERT_EQ(got[i], kGuard);
          for (int i = 0; i < dst_shift; ++i) ASSERT_EQ(got[i], kGuard);

          std::vector<float> out_fast(static_cast<size_t>(n) + 32, -7.0f), out_ref(out_fast);
          fast->dequantize(got.data() + dst_shift, out_fast.data() + src_shift, n);
          ref->dequantize(want.data() + dst_shift, out_ref.data() + src_shift, n);
          ASSERT_EQ(axq_test::FirstFloatMismatch(out_fast.data(), out_ref.data(),
                                                 static_cast<int64_t>(out_fast.size())),
                    -1);
          for (size_t i = static_cast<size_t>(n) + src_shift; i < out_fast.size(); ++i) {
            ASSERT_EQ(out_fast[i], -7.0f);
          }
        }
      }
    }
  }
}

TEST_P(KernelsOnTarget, NonFiniteInputIsReportedByIntegerFormats) {
  axq_test::ScopedTarget target(GetParam());
  for (axq_type type : kTypes) {
    const axq::TypeTraits* traits = axq::FindTypeTraits(type);
    const axq::FormatKernels* fast = axq::KernelsFor(type);
    // 40 blocks: whole vector groups of blocks and a tail, so the value
    // lands in the group path and in the per-block path.
    constexpr int64_t kN = 40 * 32;
    for (float bad : {std::nanf(""), -std::nanf(""), INFINITY, -INFINITY}) {
      for (int64_t where : {int64_t{0}, int64_t{17}, int64_t{31}, int64_t{95}, int64_t{600}, kN - 1}) {
        std::vector<float> x(kN, 1.0f);
        x[static_cast<size_t>(where)] = bad;
        std::vector<uint8_t> out(static_cast<size_t>(kN / traits->block_elems * traits->block_bytes));
        EXPECT_EQ(fast->quantize(x.data(), out.data(), kN), !traits->is_quantized)
            << traits->name << " at " << where;
      }
    }
  }
}

TEST_P(KernelsOnTarget, HalfConversionsMatchReferenceOnSpecialValues) {
  axq_test::ScopedTarget target(GetParam());
  // Every f16 bit pattern round-trips through the vector widening, and f32
  // values around every f16 rounding boundary narrow like the reference.
  std::vector<uint8_t> halves(65536 * 2);
  for (uint32_t h = 0; h < 65536; ++h) {
    halves[2 * h] = static_cast<uint8_t>(h);
    halves[2 * h + 1] = static_cast<uint8_t>(h >> 8);
  }
  for (axq_type type : {AXQ_TYPE_F16, AXQ_TYPE_BF16}) {
    const axq::FormatKernels* fast = axq::KernelsFor(type);
    const axq::FormatKernels* ref = axq::KernelsFor(type, axq::KernelSet::kReference);
    std::vector<float> wide_fast(65536), wide_ref(65536);
    fast->dequantize(halves.data(), wide_fast.data(), 65536);
    ref->dequantize(halves.data(), wide_ref.data(), 65536);
    // Bit for bit, NaN payloads included.
    ASSERT_EQ(0, std::memcmp(wide_fast.data(), wide_ref.data(), 65536 * sizeof(float)));
    // Narrow every widened value nudged by -1, 0, +1 ulp.
    std::vector<float> probes;
    for (float v : wide_ref) {
      uint32_t u;
      std::memcpy(&u, &v, 4);
      for (int delta : {-1, 0, 1}) {
        const uint32_t w = u + static_cast<uint32_t>(delta);
        float f;
        std::memcpy(&f, &w, 4);
        probes.push_back(f);
      }
    }
    std::vector<uint8_t> narrow_fast(probes.size() * 2), narrow_ref(probes.size() * 2);
    fast->quantize(probes.data(), narrow_fast.data(), static_cast<int64_t>(probes.size()));
    ref->quantize(probes.data(), narrow_ref.data(), static_cast<int64_t>(probes.size()));
    ASSERT_EQ(narrow_fast, narrow_ref);
  }
}

INSTANTIATE_TEST_SUITE_P(AllTargets, KernelsOnTarget,
                         ::testing::ValuesIn(axq_test::AvailableTargets()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
