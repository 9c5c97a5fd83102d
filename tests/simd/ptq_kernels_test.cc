// White-box: the PTQ linear-algebra kernels on every target against their
// scalar references. They use fused multiply-adds in another order, so the
// bound is a rounding bound: |fast - ref| <= 8 * depth * eps * sum |a b|.
#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/ptq/ptq_kernels.h"
#include "tests/common/test_support.h"

namespace {

std::vector<double> Gaussians(int64_t n, uint64_t seed) {
  axq_test::Rng rng(seed);
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) x = rng.Gaussian();
  return v;
}

class PtqKernelsOnTarget : public ::testing::TestWithParam<std::string> {};

TEST_P(PtqKernelsOnTarget, GemmAddMatchesReference) {
  axq_test::ScopedTarget target(GetParam());
  const axq::PtqKernels& fast = axq::PtqKernelsFor(axq::KernelSet::kDispatched);
  const axq::PtqKernels& ref = axq::PtqKernelsFor(axq::KernelSet::kReference);
  // Shapes with partial row quads, partial tiles and panels past 256 columns.
  const int64_t shapes[][3] = {{1, 1, 1}, {3, 5, 2}, {4, 32, 7}, {7, 67, 13}, {9, 300, 128}, {16, 513, 3}};
  for (const auto& s : shapes) {
    const int64_t m = s[0], n = s[1], depth = s[2];
    SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(depth));
    const int64_t lda = depth + 3, ldb = n + 5, ldc = n + 2;  // leading dimensions past the used part
    const std::vector<double> a = Gaussians(m * lda, 1), b = Gaussians(depth * ldb, 2);
    std::vector<double> c1 = Gaussians(m * ldc, 3), c2 = c1;
    fast.gemm_add(c1.data(), ldc, a.data(), lda, b.data(), ldb, m, n, depth);
    ref.gemm_add(c2.data(), ldc, a.data(), lda, b.data(), ldb, m, n, depth);
    const std::vector<double> c0 = Gaussians(m * ldc, 3);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < ldc; ++j) {
        if (j >= n) {  // untouched
          ASSERT_EQ(c1[i * ldc + j], c0[i * ldc + j]);
          continue;
        }
        double mag = std::fabs(c0[i * ldc + j]);
        for (int64_t p = 0; p < depth; ++p) mag += std::fabs(a[i * lda + p] * b[p * ldb + j]);
        ASSERT_NEAR(c1[i * ldc + j], c2[i * ldc + j], 8.0 * (depth + 1) * 2.3e-16 * mag) << i << "," << j;
      }
    }
  }
}

TEST_P(PtqKernelsOnTarget, DotsAndAxpyMatchReference) {
  axq_test::ScopedTarget target(GetParam());
  const axq::PtqKernels& fast = axq::PtqKernelsFor(axq::KernelSet::kDispatched);
  const axq::PtqKernels& ref = axq::PtqKernelsFor(axq::KernelSet::kReference);
  for (int64_t n : {0, 1, 2, 7, 8, 9, 31, 32, 33, 100, 1000}) {
    SCOPED_TRACE(n);
    const std::vector<double> a = Gaussians(n, 10 + n), b = Gaussians(n, 20 + n);
    double mag = 0.0;
    for (int64_t i = 0; i < n; ++i) mag += std::fabs(a[i] * b[i]);
    EXPECT_NEAR(fast.dot(a.data(), b.data(), n), ref.dot(a.data(), b.data(), n), 8.0 * (n + 1) * 2.3e-16 * mag);
    std::vector<float> af(a.begin(), a.end()), bf(b.begin(), b.end());
    EXPECT_NEAR(fast.dot_f32(af.data(), bf.data(), n), ref.dot_f32(af.data(), bf.data(), n),
                8.0 * (n + 1) * 1.2e-7 * mag + 1e-30);
    std::vector<double> y1 = Gaussians(n, 30 + n), y2 = y1;
    fast.axpy(0.75, a.data(), y1.data(), n);
    ref.axpy(0.75, a.data(), y2.data(), n);
    for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(y1[i], y2[i], 4e-16 * (std::fabs(y2[i]) + std::fabs(a[i])));
  }
}

INSTANTIATE_TEST_SUITE_P(AllTargets, PtqKernelsOnTarget, ::testing::ValuesIn(axq_test::AvailableTargets()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
