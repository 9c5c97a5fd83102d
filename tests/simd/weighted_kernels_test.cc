// The quantize_weighted entries of both kernel tables: present for exactly
// the nine types ggml weights by an importance matrix (a filler that
// replaces whole entries must not drop them), the same bytes from either
// table at any alignment without touching bytes outside the row, and
// non-finite input reported.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "src/core/type_traits.h"
#include "src/simd/kernels.h"
#include "tests/common/test_support.h"

namespace {

const axq_type kWeighted[] = {AXQ_TYPE_Q2_K, AXQ_TYPE_Q3_K, AXQ_TYPE_Q4_K, AXQ_TYPE_Q5_K, AXQ_TYPE_Q6_K,
                              AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1, AXQ_TYPE_Q5_0, AXQ_TYPE_Q5_1};
const axq_type kIgnoring[] = {AXQ_TYPE_F32,   AXQ_TYPE_F16,   AXQ_TYPE_BF16, AXQ_TYPE_Q8_0, AXQ_TYPE_Q8_1,
                              AXQ_TYPE_Q8_K,  AXQ_TYPE_TQ1_0, AXQ_TYPE_TQ2_0, AXQ_TYPE_I2_S, AXQ_TYPE_I8_S};
constexpr uint8_t kGuard = 0xA5;

TEST(WeightedKernels, PresentForTheNineTypesInBothTables) {
  for (axq::KernelSet set : {axq::KernelSet::kDispatched, axq::KernelSet::kReference}) {
    for (axq_type type : kWeighted) {
      const axq::FormatKernels* k = axq::KernelsFor(type, set);
      ASSERT_NE(k, nullptr);
      EXPECT_NE(k->quantize_weighted, nullptr) << type;
    }
    for (axq_type type : kIgnoring) {
      const axq::FormatKernels* k = axq::KernelsFor(type, set);
      if (k != nullptr) {
        EXPECT_EQ(k->quantize_weighted, nullptr) << type;
      }
    }
  }
}

TEST(WeightedKernels, BothTablesAgreeAtEveryAlignment) {
  for (axq_type type : kWeighted) {
    const axq::TypeTraits* traits = axq::FindTypeTraits(type);
    ASSERT_NE(traits, nullptr);
    SCOPED_TRACE(traits->name);
    const axq::FormatKernels* fast = axq::KernelsFor(type, axq::KernelSet::kDispatched);
    const axq::FormatKernels* ref = axq::KernelsFor(type, axq::KernelSet::kReference);
    for (int64_t blocks : {1, 3, 8}) {
      const int64_t n = blocks * traits->block_elems;
      const size_t bytes = static_cast<size_t>(blocks * traits->block_bytes);
      const std::vector<float> clean = axq_test::StressInput(n, 0xBEEF + static_cast<uint64_t>(blocks));
      axq_test::Rng rng(static_cast<uint64_t>(n));
      std::vector<float> importance(static_cast<size_t>(n));
      for (float& v : importance) v = rng.Uniform() < 0.25 ? 0.0f : static_cast<float>(rng.Uniform());
      for (int shift = 0; shift < 16; shift += 5) {
        std::vector<float> src(static_cast<size_t>(n) + 32, std::nanf(""));
        std::memcpy(src.data() + shift, clean.data(), clean.size() * sizeof(float));
        std::vector<uint8_t> got(bytes + 64, kGuard), want(bytes + 64, kGuard);
        ASSERT_TRUE(fast->quantize_weighted(src.data() + shift, got.data() + shift, n, importance.data()));
        ASSERT_TRUE(ref->quantize_weighted(src.data() + shift, want.data() + shift, n, importance.data()));
        EXPECT_EQ(got, want);
        for (int i = 0; i < shift; ++i) ASSERT_EQ(got[i], kGuard);
        for (size_t i = bytes + shift; i < got.size(); ++i) ASSERT_EQ(got[i], kGuard);
        // Weighting changes the answer on this data (a single block of
        // StressInput's exact levels may come out the same).
        std::vector<uint8_t> plain(bytes + 64, kGuard);
        ASSERT_TRUE(ref->quantize(src.data() + shift, plain.data() + shift, n));
        if (blocks == 8) {
          EXPECT_NE(plain, want);
        }
      }
      std::vector<float> bad = clean;
      bad[static_cast<size_t>(n) - 1] = INFINITY;
      std::vector<uint8_t> out(bytes);
      EXPECT_FALSE(fast->quantize_weighted(bad.data(), out.data(), n, importance.data()));
      EXPECT_FALSE(ref->quantize_weighted(bad.data(), out.data(), n, importance.data()));
    }
  }
}

}  // namespace
