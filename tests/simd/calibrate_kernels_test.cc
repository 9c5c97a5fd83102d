// White-box: the calibration kernels on every target against their scalar
// references, bit for bit: chunk sums and extremes, squared deviations and
// histogram cell indices, at many lengths and misalignments, over inputs
// with zeros of both signs, subnormals and values near FLT_MAX.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/calib/calib_kernels.h"
#include "src/calib/cell_histogram.h"
#include "tests/common/test_support.h"

namespace {

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(a)) == 0; }
bool SameBits(float a, float b) { return std::memcmp(&a, &b, sizeof(a)) == 0; }

const size_t kLengths[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 100, 255, 1023, 1024, 1025};

// Inputs of one family each: the stress mix, ordinary gaussians and
// zeros of both signs with a few values around them.
std::vector<float> Input(int family, size_t n, uint64_t seed) {
  if (family == 0) return axq_test::StressInput(static_cast<int64_t>(n), seed);
  axq_test::Rng rng(seed);
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) {
    if (family == 1) {
      x[i] = 3.0f + rng.Gaussian() * 0.25f;
    } else {
      const uint64_t r = rng.Next() % 4;
      x[i] = r == 0 ? -0.0f : r == 1 ? 0.0f : r == 2 ? -1e-45f : 2.5f;
    }
  }
  return x;
}

class CalibKernelsOnTarget : public ::testing::TestWithParam<std::string> {};

TEST_P(CalibKernelsOnTarget, SumsAndExtremesMatchReference) {
  axq_test::ScopedTarget target(GetParam());
  const axq::CalibKernels& fast = axq::CalibKernelsFor(axq::KernelSet::kDispatched);
  const axq::CalibKernels& ref = axq::CalibKernelsFor(axq::KernelSet::kReference);
  for (int family = 0; family < 3; ++family) {
    for (size_t n : kLengths) {
      const std::vector<float> clean = Input(family, n, 1000 + n);
      for (size_t shift = 0; shift < 8; shift += 3) {
        SCOPED_TRACE("family " + std::to_string(family) + " n=" + std::to_string(n) + " +" + std::to_string(shift));
        // NaN around the input: reading outside it would poison the sum.
        std::vector<float> buffer(n + 16, std::nanf(""));
        std::copy(clean.begin(), clean.end(), buffer.begin() + static_cast<std::ptrdiff_t>(shift));
        const float* x = buffer.data() + shift;
        const axq::ChunkSums a = fast.chunk_sums(x, n), b = ref.chunk_sums(x, n);
        ASSERT_TRUE(SameBits(a.sum, b.sum)) << a.sum << " vs " << b.sum;
        ASSERT_TRUE(SameBits(a.min, b.min)) << a.min << " vs " << b.min;
        ASSERT_TRUE(SameBits(a.max, b.max)) << a.max << " vs " << b.max;
        ASSERT_EQ(a.min, *std::min_element(clean.begin(), clean.end()));
        ASSERT_EQ(a.max, *std::max_element(clean.begin(), clean.end()));
        ASSERT_FALSE(std::signbit(a.min) && a.min == 0.0f);
        for (double mean : {0.0, b.sum / static_cast<double>(n), -1e30}) {
          const double m2a = fast.squared_deviations(x, n, mean), m2b = ref.squared_deviations(x, n, mean);
          ASSERT_TRUE(SameBits(m2a, m2b)) << m2a << " vs " << m2b;
        }
      }
    }
  }
}

TEST_P(CalibKernelsOnTarget, NonFiniteValuesMakeTheSumNonFinite) {
  axq_test::ScopedTarget target(GetParam());
  const axq::CalibKernels& fast = axq::CalibKernelsFor(axq::KernelSet::kDispatched);
  const float inf = std::numeric_limits<float>::infinity();
  for (size_t n : {size_t{1}, size_t{9}, size_t{1024}}) {
    for (size_t where : {size_t{0}, n / 2, n - 1}) {
      for (float bad : {std::nanf(""), inf, -inf}) {
        std::vector<float> x(n, 3e38f);  // finite values that sum to more than FLT_MAX
        x[where] = bad;
        ASSERT_FALSE(std::isfinite(fast.chunk_sums(x.data(), n).sum)) << n << " " << where << " " << bad;
        ASSERT_FALSE(std::isfinite(axq::chunk_sums_ref(x.data(), n).sum));
      }
    }
    const std::vector<float> big(n, 3e38f);
    ASSERT_TRUE(std::isfinite(fast.chunk_sums(big.data(), n).sum));
  }
}

TEST_P(CalibKernelsOnTarget, CellIndicesMatchReference) {
  axq_test::ScopedTarget target(GetParam());
  const axq::CalibKernels& fast = axq::CalibKernelsFor(axq::KernelSet::kDispatched);
  const axq::CalibKernels& ref = axq::CalibKernelsFor(axq::KernelSet::kReference);
  for (int family = 0; family < 3; ++family) {
    for (size_t n : kLengths) {
      const std::vector<float> x = Input(family, n, 2000 + n);
      const float lo = *std::min_element(x.begin(), x.end()), hi = *std::max_element(x.begin(), x.end());
      for (uint32_t bins : {256u, 2048u, 8192u}) {
        // The grids the observer would use for this data.
        const axq::CellGrid values = axq::SignedGrid(lo, hi, bins);
        const axq::CellGrid magnitudes = axq::AbsGrid(std::max(std::fabs(lo), std::fabs(hi)), bins);
        axq::CellIndexParams p;
        p.value_scale = std::ldexp(1.0, -values.exponent);
        p.value_first = static_cast<double>(values.first_cell);
        p.magnitude_scale = std::ldexp(1.0, -magnitudes.exponent);
        p.last = bins - 1.0;
        std::vector<int32_t> ca(n + 8, -5), ma(n + 8, -5), cb(n + 8, -5), mb(n + 8, -5);
        fast.cell_indices(x.data(), n, p, ca.data(), ma.data());
        ref.cell_indices(x.data(), n, p, cb.data(), mb.data());
        ASSERT_EQ(ca, cb) << "family " << family << " n=" << n << " bins=" << bins;
        ASSERT_EQ(ma, mb) << "family " << family << " n=" << n << " bins=" << bins;
        for (size_t i = 0; i < n; ++i) {
          // Independent check: the cell's edges enclose the value.
          const double w = std::ldexp(1.0, values.exponent);
          const double edge = static_cast<double>(values.first_cell + ca[i]) * w;
          ASSERT_LE(edge, x[i]);
          ASSERT_LT(x[i], edge + w);
          ASSERT_LT(ca[i], static_cast<int32_t>(bins));
          const double wm = std::ldexp(1.0, magnitudes.exponent);
          ASSERT_LE(ma[i] * wm, std::fabs(x[i]));
          ASSERT_LT(std::fabs(x[i]), (ma[i] + 1) * wm);
        }
        for (size_t i = n; i < n + 8; ++i) ASSERT_EQ(ca[i], -5);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllTargets, CalibKernelsOnTarget, ::testing::ValuesIn(axq_test::AvailableTargets()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
