// Calibration observers against known distributions and independent
// float64 computations written here: Welford statistics, percentiles
// (analytic and order statistics), merging, widening ranges, KL entropy
// against MinMax, the moving average, scale/zero point, threads, and
// every bad argument.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "axq/axq.h"
#include "gtest/gtest.h"
#include "src/calib/calibrator.h"
#include "src/calib/entropy.h"
#include "tests/common/test_support.h"

namespace {

// ---------------------------------------------------------------- helpers

struct Calibrator {
  explicit Calibrator(uint32_t bins = 2048, float momentum = 0.01f) {
    axq_calibrator_options_t o;
    EXPECT_EQ(axq_calibrator_options_init(&o), AXQ_OK);
    o.bins = bins;
    o.momentum = momentum;
    EXPECT_EQ(axq_calibrator_create(&cal, &o), AXQ_OK) << axq_last_error();
  }
  ~Calibrator() { axq_calibrator_destroy(cal); }
  Calibrator(const Calibrator&) = delete;
  Calibrator& operator=(const Calibrator&) = delete;

  void Observe(const std::vector<float>& x) { Observe(x.data(), x.size()); }
  void Observe(const float* x, size_t n) { ASSERT_EQ(axq_calibrator_observe(cal, x, n), AXQ_OK) << axq_last_error(); }

  axq_calibrator_info_t Info() const {
    axq_calibrator_info_t info;
    std::memset(&info, 0xAB, sizeof(info));
    info.struct_size = sizeof(info);
    EXPECT_EQ(axq_calibrator_info(&info, cal), AXQ_OK) << axq_last_error();
    return info;
  }

  std::pair<float, float> Range(axq_calib_method method, float percentile = 99.99f, float k = 3.0f,
                                uint32_t bits = 8) const {
    axq_range_options_t o;
    EXPECT_EQ(axq_range_options_init(&o), AXQ_OK);
    o.method = method;
    o.percentile = percentile;
    o.k = k;
    o.bits = bits;
    float lo = NAN, hi = NAN;
    EXPECT_EQ(axq_calibrator_range(&lo, &hi, cal, &o), AXQ_OK) << axq_last_error();
    return {lo, hi};
  }

  axq_calibrator_t* cal = nullptr;
};

std::vector<float> Uniform(size_t n, double lo, double hi, uint64_t seed) {
  axq_test::Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(lo + (hi - lo) * rng.Uniform());
  return v;
}

std::vector<float> Gaussian(size_t n, double mean, double sigma, uint64_t seed) {
  axq_test::Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(mean + sigma * rng.Gaussian());
  return v;
}

// A deterministic permutation, so that stratified samples do not arrive
// sorted.
void Shuffle(std::vector<float>* v, uint64_t seed) {
  axq_test::Rng rng(seed);
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[rng.Next() % i]);
}

double NormalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double NormalPdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); }

// Inverse of NormalCdf by bisection (slow and obviously right).
double NormalQuantile(double p) {
  double lo = -12.0, hi = 12.0;
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (lo + hi);
    (NormalCdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// The order statistic x_(ceil(fraction * n)) (1-based), x_(1) for 0.
float OrderStatistic(const std::vector<float>& sorted, double fraction) {
  const double target = fraction * static_cast<double>(sorted.size());
  size_t k = static_cast<size_t>(std::ceil(target));
  k = std::max<size_t>(k, 1);
  k = std::min(k, sorted.size());
  return sorted[k - 1];
}

std::vector<float> Concat(const std::vector<std::vector<float>>& parts) {
  std::vector<float> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// Symmetric int8 fake quantization of x with the range [lo, hi]; MSE in
// float64.
double FakeQuantMse(const std::vector<float>& x, float lo, float hi) {
  float scale = 0.0f;
  int32_t zp = -1;
  EXPECT_EQ(axq_range_to_params(&scale, &zp, lo, hi, 8, 1), AXQ_OK) << axq_last_error();
  EXPECT_EQ(zp, 0);
  double sum = 0.0;
  for (float v : x) {
    const float q = std::min(127.0f, std::max(-128.0f, std::round(v / scale)));
    const double e = static_cast<double>(q * scale) - v;
    sum += e * e;
  }
  return sum / static_cast<double>(x.size());
}

bool SameBits(float a, float b) { return std::memcmp(&a, &b, sizeof(a)) == 0; }

void ExpectLastError(const char* needle) {
  const std::string message = axq_last_error();
  EXPECT_NE(message.find(needle), std::string::npos) << "message: " << message;
}

// ---------------------------------------------------------------- options

TEST(Calibrate, OptionDefaults) {
  axq_calibrator_options_t c;
  std::memset(&c, 0xFF, sizeof(c));
  ASSERT_EQ(axq_calibrator_options_init(&c), AXQ_OK);
  EXPECT_EQ(c.struct_size, sizeof(c));
  EXPECT_EQ(c.bins, 2048u);
  EXPECT_EQ(c.momentum, 0.01f);
  axq_range_options_t r;
  std::memset(&r, 0xFF, sizeof(r));
  ASSERT_EQ(axq_range_options_init(&r), AXQ_OK);
  EXPECT_EQ(r.struct_size, sizeof(r));
  EXPECT_EQ(r.method, AXQ_CALIB_MINMAX);
  EXPECT_EQ(r.percentile, 99.99f);
  EXPECT_EQ(r.k, 3.0f);
  EXPECT_EQ(r.bits, 8u);

  Calibrator cal;  // NULL options = defaults
  axq_calibrator_t* plain = nullptr;
  ASSERT_EQ(axq_calibrator_create(&plain, nullptr), AXQ_OK);
  axq_calibrator_info_t info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(axq_calibrator_info(&info, plain), AXQ_OK);
  EXPECT_EQ(info.bins, 2048u);
  EXPECT_EQ(info.momentum, 0.01f);
  EXPECT_EQ(info.count, 0u);
  EXPECT_EQ(info.batches, 0u);
  EXPECT_EQ(info.min, 0.0f);
  EXPECT_EQ(info.max, 0.0f);
  EXPECT_EQ(info.mean, 0.0);
  EXPECT_EQ(info.variance, 0.0);
  EXPECT_EQ(info.bin_width, 0.0);
  axq_calibrator_destroy(plain);
  axq_calibrator_destroy(nullptr);  // a no-op
}

// ---------------------------------------------------------------- statistics

TEST(Calibrate, WelfordMatchesTwoPassFloat64) {
  // A large offset makes a naive sum-of-squares variance lose every digit.
  const std::vector<size_t> sizes = {1, 7, 1023, 1024, 1025, 50000, 3, 200001, 8, 999};
  std::vector<std::vector<float>> batches;
  uint64_t seed = 10;
  for (size_t n : sizes) batches.push_back(Gaussian(n, 1000.0, 0.5, seed++));
  Calibrator cal;
  for (const auto& b : batches) cal.Observe(b);
  const std::vector<float> all = Concat(batches);

  double sum = 0.0;
  for (float v : all) sum += v;
  const double mean = sum / static_cast<double>(all.size());
  double m2 = 0.0;
  for (float v : all) m2 += (v - mean) * (v - mean);
  const double variance = m2 / static_cast<double>(all.size());

  const axq_calibrator_info_t info = cal.Info();
  EXPECT_EQ(info.count, all.size());
  EXPECT_EQ(info.batches, sizes.size());
  EXPECT_EQ(info.min, *std::min_element(all.begin(), all.end()));
  EXPECT_EQ(info.max, *std::max_element(all.begin(), all.end()));
  EXPECT_NEAR(info.mean, mean, 1e-6 * std::fabs(mean));
  EXPECT_NEAR(info.variance, variance, 1e-6 * variance);
  // In fact far closer than the required 1e-6.
  EXPECT_NEAR(info.mean, mean, 1e-12 * std::fabs(mean));
  EXPECT_NEAR(info.variance, variance, 1e-9 * variance);
}

TEST(Calibrate, MeanStdIsMeanPlusMinusKSigma) {
  const std::vector<float> x = Gaussian(100000, -2.0, 3.0, 5);
  Calibrator cal;
  cal.Observe(x);
  const axq_calibrator_info_t info = cal.Info();
  const double sigma = std::sqrt(info.variance);
  for (float k : {0.0f, 1.0f, 2.5f, 3.0f}) {
    const auto r = cal.Range(AXQ_CALIB_MEANSTD, 99.99f, k);
    EXPECT_EQ(r.first, static_cast<float>(info.mean - k * sigma)) << k;
    EXPECT_EQ(r.second, static_cast<float>(info.mean + k * sigma)) << k;
  }
  // Close to the generator's parameters too.
  EXPECT_NEAR(info.mean, -2.0, 0.05);
  EXPECT_NEAR(sigma, 3.0, 0.05);
}

TEST(Calibrate, MinMaxIsTheObservedRange) {
  Calibrator cal;
  cal.Observe(std::vector<float>{3.0f, -1.5f, 2.0f});
  cal.Observe(std::vector<float>{0.25f, 7.0f});
  const auto r = cal.Range(AXQ_CALIB_MINMAX);
  EXPECT_EQ(r.first, -1.5f);
  EXPECT_EQ(r.second, 7.0f);
}

// ---------------------------------------------------------------- percentiles

// Stratified uniform sample: x_i = a + (i + 0.5) / n (b - a), shuffled, so
// that the sample quantile is the analytic one up to 1/n.
TEST(Calibrate, PercentileOfUniformWithinOneBinOfAnalytic) {
  const double a = -3.0, b = 5.0;
  const size_t n = 1 << 20;
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<float>(a + (i + 0.5) / n * (b - a));
  Shuffle(&x, 1);
  Calibrator cal;
  for (size_t begin = 0; begin < n; begin += 100000) cal.Observe(x.data() + begin, std::min<size_t>(100000, n - begin));
  const double width = cal.Info().bin_width;
  EXPECT_GE(width, (b - a) / 2048);
  EXPECT_LT(width, 2 * (b - a) / 2046);
  for (float p : {50.0f, 90.0f, 99.0f, 99.9f, 99.99f, 100.0f}) {
    const auto r = cal.Range(AXQ_CALIB_PERCENTILE, p);
    const double fp = static_cast<double>(p) / 100.0;
    const double tolerance = width + (b - a) / n;
    EXPECT_NEAR(r.second, a + fp * (b - a), tolerance) << p;
    EXPECT_NEAR(r.first, a + (1.0 - fp) * (b - a), tolerance) << p;
  }
}

TEST(Calibrate, PercentileOfGaussianWithinOneBinOfAnalytic) {
  const size_t n = 1 << 18;
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<float>(1.0 + 2.0 * NormalQuantile((i + 0.5) / n));
  Shuffle(&x, 2);
  Calibrator cal;
  for (size_t begin = 0; begin < n; begin += 4096) cal.Observe(x.data() + begin, 4096);
  const double width = cal.Info().bin_width;
  for (float p : {60.0f, 90.0f, 99.0f, 99.9f}) {
    const auto r = cal.Range(AXQ_CALIB_PERCENTILE, p);
    const double z = NormalQuantile(static_cast<double>(p) / 100.0);
    // One bin, plus the spacing of the stratified sample around q.
    const double tolerance = width + 2.0 * 2.0 / (n * NormalPdf(z));
    EXPECT_NEAR(r.second, 1.0 + 2.0 * z, tolerance) << p;
    EXPECT_NEAR(r.first, 1.0 - 2.0 * z, tolerance) << p;
  }
}

// For random data the guarantee is against the sample's own order
// statistics: within one bin width.
TEST(Calibrate, PercentileWithinOneBinOfOrderStatistic) {
  for (int family = 0; family < 2; ++family) {
    const std::vector<float> x = family == 0 ? Uniform(300001, -1.0, 4.0, 3) : Gaussian(300001, 0.5, 1.5, 4);
    Calibrator cal;
    cal.Observe(x);
    std::vector<float> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    const double width = cal.Info().bin_width;
    for (float p : {50.0f, 75.0f, 99.0f, 99.9f, 99.99f, 99.999f, 100.0f}) {
      const auto r = cal.Range(AXQ_CALIB_PERCENTILE, p);
      const double fp = static_cast<double>(p) / 100.0;
      EXPECT_NEAR(r.second, OrderStatistic(sorted, fp), width * (1 + 1e-6)) << family << " " << p;
      EXPECT_NEAR(r.first, OrderStatistic(sorted, 1.0 - fp), width * (1 + 1e-6)) << family << " " << p;
      EXPECT_LE(r.first, r.second);
    }
    const auto full = cal.Range(AXQ_CALIB_PERCENTILE, 100.0f);
    EXPECT_EQ(full.first, sorted.front());
    EXPECT_EQ(full.second, sorted.back());
  }
}

// The stored AxonML bug: a histogram from the first batch only, compared
// with the total count, collapses the upper percentile to the max. Here a
// small first batch and a 100x wider second one must still give the
// union's percentiles, and the same ones in either order.
TEST(Calibrate, WideningBatchesKeepPercentilesRight) {
  const std::vector<float> narrow = Uniform(20000, -0.01, 0.01, 6);
  const std::vector<float> wide = Uniform(200000, -1.0, 1.0, 7);
  Calibrator forward, backward;
  forward.Observe(narrow);
  const double narrow_width = forward.Info().bin_width;
  forward.Observe(wide);
  backward.Observe(wide);
  backward.Observe(narrow);
  const double width = forward.Info().bin_width;
  EXPECT_GE(width, 64 * narrow_width);  // the grid widened
  EXPECT_EQ(width, backward.Info().bin_width);

  std::vector<float> sorted = Concat({narrow, wide});
  std::sort(sorted.begin(), sorted.end());
  for (float p : {50.0f, 60.0f, 90.0f, 99.0f, 99.9f}) {
    const auto r = forward.Range(AXQ_CALIB_PERCENTILE, p);
    const double fp = static_cast<double>(p) / 100.0;
    EXPECT_NEAR(r.second, OrderStatistic(sorted, fp), width * (1 + 1e-6)) << p;
    EXPECT_NEAR(r.first, OrderStatistic(sorted, 1.0 - fp), width * (1 + 1e-6)) << p;
    const auto s = backward.Range(AXQ_CALIB_PERCENTILE, p);
    EXPECT_TRUE(SameBits(r.first, s.first) && SameBits(r.second, s.second)) << p;
  }
  // The 99.9th percentile of the union is near 0.998, well inside the max.
  EXPECT_NEAR(forward.Range(AXQ_CALIB_PERCENTILE, 99.9f).second, 0.9978, 0.01);
  // Counts survive every re-binning (white box).
  const auto& counts = forward.cal->state.values.counts();
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), uint64_t{0}), 220000u);
  const auto& magnitudes = forward.cal->state.magnitudes.counts();
  EXPECT_EQ(std::accumulate(magnitudes.begin(), magnitudes.end(), uint64_t{0}), 220000u);
}

TEST(Calibrate, BinWidthFollowsTheDocumentedBounds) {
  for (uint32_t bins : {256u, 1000u, 2048u, 8192u}) {
    Calibrator cal(bins);
    const std::vector<float> x = Uniform(5000, -7.3, 2.9, bins);
    cal.Observe(x);
    const axq_calibrator_info_t info = cal.Info();
    const double span = static_cast<double>(info.max) - info.min;
    const double amax = std::max(std::fabs(info.min), std::fabs(info.max));
    EXPECT_EQ(info.bins, bins);
    EXPECT_GE(info.bin_width, span / bins);
    EXPECT_LT(info.bin_width, 2 * span / (bins - 2));
    EXPECT_GT(info.abs_bin_width, amax / bins);
    EXPECT_LE(info.abs_bin_width, 2 * amax / bins);
    EXPECT_EQ(std::exp2(std::round(std::log2(info.bin_width))), info.bin_width);  // a power of two
  }
}

// ---------------------------------------------------------------- merging

void ExpectSameObservations(const Calibrator& a, const Calibrator& b) {
  const axq_calibrator_info_t x = a.Info(), y = b.Info();
  EXPECT_EQ(x.count, y.count);
  EXPECT_EQ(x.batches, y.batches);
  EXPECT_EQ(x.min, y.min);
  EXPECT_EQ(x.max, y.max);
  EXPECT_NEAR(x.mean, y.mean, 1e-12 * std::max(1.0, std::fabs(y.mean)));
  EXPECT_NEAR(x.variance, y.variance, 1e-12 * y.variance);
  EXPECT_EQ(x.bin_width, y.bin_width);
  EXPECT_EQ(x.abs_bin_width, y.abs_bin_width);
  EXPECT_EQ(a.cal->state.values.counts(), b.cal->state.values.counts());
  EXPECT_EQ(a.cal->state.magnitudes.counts(), b.cal->state.magnitudes.counts());
  for (float p : {50.0f, 99.0f, 99.9f, 99.99f}) {
    const auto r = a.Range(AXQ_CALIB_PERCENTILE, p), s = b.Range(AXQ_CALIB_PERCENTILE, p);
    EXPECT_TRUE(SameBits(r.first, s.first) && SameBits(r.second, s.second)) << p;
  }
  for (uint32_t bits : {4u, 8u}) {
    const auto r = a.Range(AXQ_CALIB_ENTROPY, 99.0f, 3.0f, bits), s = b.Range(AXQ_CALIB_ENTROPY, 99.0f, 3.0f, bits);
    EXPECT_TRUE(SameBits(r.first, s.first) && SameBits(r.second, s.second)) << bits;
  }
  const auto r = a.Range(AXQ_CALIB_MINMAX), s = b.Range(AXQ_CALIB_MINMAX);
  EXPECT_TRUE(SameBits(r.first, s.first) && SameBits(r.second, s.second));
}

TEST(Calibrate, MergeOfSplitBatchesEqualsOneObserver) {
  std::vector<std::vector<float>> batches;
  for (int i = 0; i < 24; ++i) {
    // Ranges that differ from batch to batch, so that every observer
    // re-bins at its own moments.
    const double scale = 0.01 * std::pow(1.6, i % 11);
    batches.push_back(Gaussian(1000 + 997 * static_cast<size_t>(i), 0.3 * scale, scale, 100 + i));
  }
  Calibrator whole, even, odd;
  for (size_t i = 0; i < batches.size(); ++i) {
    whole.Observe(batches[i]);
    (i % 2 == 0 ? even : odd).Observe(batches[i]);
  }
  const axq_calibrator_info_t odd_before = odd.Info();
  ASSERT_EQ(axq_calibrator_merge(even.cal, odd.cal), AXQ_OK) << axq_last_error();
  ExpectSameObservations(even, whole);
  const axq_calibrator_info_t odd_after = odd.Info();
  EXPECT_EQ(std::memcmp(&odd_before, &odd_after, sizeof(odd_before)), 0);  // src unchanged

  // One single batch of everything: the same histograms and extremes.
  Calibrator single;
  single.Observe(Concat(batches));
  EXPECT_EQ(single.cal->state.values.counts(), whole.cal->state.values.counts());
  EXPECT_NEAR(single.Info().variance, whole.Info().variance, 1e-12 * whole.Info().variance);
}

TEST(Calibrate, MergeNeedingRebinningAndEmptySides) {
  const std::vector<float> narrow = Uniform(30000, 10.0, 10.5, 20);
  const std::vector<float> wide = Gaussian(40000, -300.0, 80.0, 21);
  Calibrator a, b, both, empty;
  a.Observe(narrow);
  b.Observe(wide);
  both.Observe(narrow);
  both.Observe(wide);
  // Merging the fine observer into the coarse one and the other way round.
  Calibrator a2, b2;
  a2.Observe(narrow);
  b2.Observe(wide);
  ASSERT_EQ(axq_calibrator_merge(a.cal, b.cal), AXQ_OK);
  ASSERT_EQ(axq_calibrator_merge(b2.cal, a2.cal), AXQ_OK);
  ExpectSameObservations(a, both);
  ExpectSameObservations(b2, both);
  // Empty source: nothing changes; empty destination: becomes a copy.
  ASSERT_EQ(axq_calibrator_merge(a.cal, empty.cal), AXQ_OK);
  ExpectSameObservations(a, both);
  ASSERT_EQ(axq_calibrator_merge(empty.cal, both.cal), AXQ_OK);
  ExpectSameObservations(empty, both);
  // Merging with itself counts everything twice.
  Calibrator twice;
  twice.Observe(narrow);
  twice.Observe(narrow);
  ASSERT_EQ(axq_calibrator_merge(a2.cal, a2.cal), AXQ_OK);
  ExpectSameObservations(a2, twice);
}

// ---------------------------------------------------------------- entropy

TEST(Calibrate, EntropyDivergenceOfAHandWorkedCase) {
  // counts [4, 2, 0, 1, 1], 2 levels, candidate i = 4:
  // P = [4, 2, 0, 1 + 1] (the tail folded), Q from the unfolded [4, 2, 0, 1]:
  // group 0 = cells 0-1 (6 over 2 non-zero cells), group 1 = cells 2-3 (1
  // over P's one non-zero cell) -> Q = [3, 3, 0, 1]. Smoothing gives the one
  // zero cell 1e-4 and takes 1e-4 / 3 from each other cell.
  const uint64_t counts[] = {4, 2, 0, 1, 1};
  const double t = 1e-4 / 3;
  const double p[] = {(4 - t) / 8, (2 - t) / 8, 1e-4 / 8, (2 - t) / 8};
  const double q[] = {(3 - t) / 7, (3 - t) / 7, 1e-4 / 7, (1 - t) / 7};
  double kl = 0.0;
  for (int j = 0; j < 4; ++j) kl += p[j] * std::log(p[j] / q[j]);
  EXPECT_NEAR(axq::EntropyDivergence(counts, 5, 2, 4), kl, 1e-12);
  // Candidate i = n folds nothing: P = counts, Q = [3, 3, 0, 1, 1] with
  // groups {0, 1} and {2, 3, 4}: group 1 holds 2 over 2 non-zero cells.
  const double p5[] = {(4 - 1e-4 / 4) / 8, (2 - 1e-4 / 4) / 8, 1e-4 / 8, (1 - 1e-4 / 4) / 8, (1 - 1e-4 / 4) / 8};
  const double q5[] = {(3 - 1e-4 / 4) / 8, (3 - 1e-4 / 4) / 8, 1e-4 / 8, (1 - 1e-4 / 4) / 8, (1 - 1e-4 / 4) / 8};
  double kl5 = 0.0;
  for (int j = 0; j < 5; ++j) kl5 += p5[j] * std::log(p5[j] / q5[j]);
  EXPECT_NEAR(axq::EntropyDivergence(counts, 5, 2, 5), kl5, 1e-12);
  // At i = levels the tail folded into P's last cell is missing from Q, so
  // clipping is not free: P = [4, 4], Q = [4, 2], no zeros to smooth.
  EXPECT_NEAR(axq::EntropyDivergence(counts, 5, 2, 2), 0.5 * std::log(0.5 / (4.0 / 6)) + 0.5 * std::log(0.5 / (2.0 / 6)),
              1e-12);
}

TEST(Calibrate, EntropyClipsOutliersAndBeatsMinMaxMse) {
  std::vector<float> x = Gaussian(1 << 20, 0.0, 1.0, 30);
  // A few large outliers.
  const float outliers[] = {25.0f, -24.0f, 22.5f, -25.0f};
  for (size_t i = 0; i < 4; ++i) x[(i * 262147) % x.size()] = outliers[i];
  Calibrator cal;
  for (size_t begin = 0; begin < x.size(); begin += 65536) cal.Observe(x.data() + begin, 65536);
  const auto kl = cal.Range(AXQ_CALIB_ENTROPY);
  const auto minmax = cal.Range(AXQ_CALIB_MINMAX);
  EXPECT_EQ(kl.first, -kl.second);
  EXPECT_EQ(minmax.second, 25.0f);
  EXPECT_LT(kl.second, 25.0f / 3);  // the outliers are clipped
  EXPECT_GT(kl.second, 2.5f);       // the gaussian body is not
  const double mse_kl = FakeQuantMse(x, kl.first, kl.second);
  const double mse_minmax = FakeQuantMse(x, minmax.first, minmax.second);
  std::printf("entropy T = %g (max 25): int8 MSE %.3g vs MinMax %.3g\n", static_cast<double>(kl.second), mse_kl,
              mse_minmax);
  EXPECT_LT(mse_kl, mse_minmax);
  // T is a cell edge plus half a cell.
  const double w = cal.Info().abs_bin_width;
  const double cells = kl.second / w - 0.5;
  EXPECT_NEAR(cells, std::round(cells), 1e-3);
  EXPECT_GE(std::round(cells), 128.0);
}

TEST(Calibrate, EntropyFollowsBitsAndHandlesDegenerateData) {
  const std::vector<float> x = Gaussian(200000, 0.0, 1.0, 31);
  Calibrator cal;
  cal.Observe(x);
  // Fewer levels clip harder.
  const float t8 = cal.Range(AXQ_CALIB_ENTROPY, 99.0f, 3.0f, 8).second;
  const float t4 = cal.Range(AXQ_CALIB_ENTROPY, 99.0f, 3.0f, 4).second;
  EXPECT_LT(t4, t8);
  for (uint32_t bits = 1; bits <= 8; ++bits) {
    const auto r = cal.Range(AXQ_CALIB_ENTROPY, 99.0f, 3.0f, bits);
    EXPECT_GT(r.second, 0.0f) << bits;
    EXPECT_LE(r.second, cal.Info().max > -cal.Info().min ? cal.Info().max : -cal.Info().min) << bits;
  }
  Calibrator zeros;
  zeros.Observe(std::vector<float>(1000, 0.0f));
  zeros.Observe(std::vector<float>{-0.0f});
  for (axq_calib_method m : {AXQ_CALIB_MINMAX, AXQ_CALIB_PERCENTILE, AXQ_CALIB_MEANSTD, AXQ_CALIB_ENTROPY,
                             AXQ_CALIB_MOVING_AVERAGE}) {
    const auto r = zeros.Range(m);
    EXPECT_TRUE(SameBits(r.first, 0.0f) && SameBits(r.second, 0.0f)) << m;
  }
  Calibrator constant;
  constant.Observe(std::vector<float>(5000, -2.5f));
  for (axq_calib_method m : {AXQ_CALIB_MINMAX, AXQ_CALIB_PERCENTILE, AXQ_CALIB_MEANSTD, AXQ_CALIB_MOVING_AVERAGE}) {
    const auto r = constant.Range(m);
    EXPECT_EQ(r.first, -2.5f) << m;
    EXPECT_EQ(r.second, -2.5f) << m;
  }
  EXPECT_EQ(constant.Range(AXQ_CALIB_ENTROPY).second, 2.5f);
}

// ---------------------------------------------------------------- moving average

TEST(Calibrate, MovingAverageMatchesHandComputation) {
  Calibrator cal(2048, 0.25f);
  cal.Observe(std::vector<float>{-1.0f, 2.0f, 0.5f});  // seeds: [-1, 2]
  cal.Observe(std::vector<float>{-3.0f, 1.0f});        // [-1.5, 1.75]
  cal.Observe(std::vector<float>{0.0f, 5.0f, 4.0f});   // [-1.125, 2.5625]
  auto r = cal.Range(AXQ_CALIB_MOVING_AVERAGE);
  EXPECT_EQ(r.first, -1.125f);
  EXPECT_EQ(r.second, 2.5625f);

  // Merged observers: batch-count-weighted mean of the two averages.
  Calibrator other(2048, 0.5f);
  other.Observe(std::vector<float>{-9.0f, 1.0f});  // one batch: [-9, 1]
  ASSERT_EQ(axq_calibrator_merge(cal.cal, other.cal), AXQ_OK);
  r = cal.Range(AXQ_CALIB_MOVING_AVERAGE);
  EXPECT_EQ(r.first, static_cast<float>((-1.125 * 3 + -9.0) / 4));
  EXPECT_EQ(r.second, static_cast<float>((2.5625 * 3 + 1.0) / 4));
  EXPECT_EQ(cal.Info().momentum, 0.25f);  // dst keeps its own

  // The default momentum 0.01 weights the new batch by 1 %.
  Calibrator slow;
  slow.Observe(std::vector<float>{0.0f, 1.0f});
  slow.Observe(std::vector<float>{0.0f, 101.0f});
  const double m = 0.01f;
  EXPECT_EQ(slow.Range(AXQ_CALIB_MOVING_AVERAGE).second, static_cast<float>(1.0 * (1.0 - m) + 101.0 * m));
}

// ---------------------------------------------------------------- scale and zero point

struct Params {
  axq_status status;
  float scale;
  int32_t zp;
};

Params ToParams(float lo, float hi, uint32_t bits, int32_t symmetric) {
  Params p{};
  p.scale = NAN;
  p.zp = -7;
  p.status = axq_range_to_params(&p.scale, &p.zp, lo, hi, bits, symmetric);
  return p;
}

TEST(Calibrate, RangeToParamsSymmetricAndAffine) {
  Params p = ToParams(-4.0f, 4.0f, 8, 1);
  EXPECT_EQ(p.status, AXQ_OK);
  EXPECT_EQ(p.scale, static_cast<float>(4.0 / 127));
  EXPECT_EQ(p.zp, 0);
  p = ToParams(-1.0f, 3.0f, 8, 0);  // zp = round(1 / (4/255)) = round(63.75)
  EXPECT_EQ(p.scale, static_cast<float>(4.0 / 255));
  EXPECT_EQ(p.zp, 64);
  p = ToParams(2.0f, 6.0f, 8, 0);  // widened to [0, 6]
  EXPECT_EQ(p.scale, static_cast<float>(6.0 / 255));
  EXPECT_EQ(p.zp, 0);
  p = ToParams(-6.0f, -2.0f, 4, 0);  // widened to [-6, 0]
  EXPECT_EQ(p.scale, static_cast<float>(6.0 / 15));
  EXPECT_EQ(p.zp, 15);
  for (uint32_t bits = 1; bits <= 8; ++bits) {
    const double qmax_sym = bits == 1 ? 1.0 : std::ldexp(1.0, static_cast<int>(bits) - 1) - 1;
    p = ToParams(-0.5f, 3.0f, bits, 1);
    EXPECT_EQ(p.status, AXQ_OK);
    EXPECT_EQ(p.scale, static_cast<float>(3.0 / qmax_sym)) << bits;
    const double qmax_affine = std::ldexp(1.0, static_cast<int>(bits)) - 1;
    p = ToParams(-0.5f, 3.0f, bits, 0);
    EXPECT_EQ(p.scale, static_cast<float>(3.5 / qmax_affine)) << bits;
    EXPECT_EQ(p.zp, static_cast<int32_t>(std::round(0.5 / static_cast<double>(p.scale)))) << bits;
    EXPECT_GE(p.zp, 0);
    EXPECT_LE(p.zp, qmax_affine);
  }
}

TEST(Calibrate, RangeToParamsGuards) {
  // All-zero data: scale 1, zero point 0, and 0 comes back.
  for (int32_t sym : {0, 1}) {
    const Params p = ToParams(0.0f, 0.0f, 8, sym);
    EXPECT_EQ(p.status, AXQ_OK);
    EXPECT_EQ(p.scale, 1.0f);
    EXPECT_EQ(p.zp, 0);
  }
  // Constant data comes back to within f32 rounding.
  for (float c : {5.0f, -0.003f, 1e-30f, 3e38f}) {
    for (int32_t sym : {0, 1}) {
      for (uint32_t bits : {1u, 4u, 8u}) {
        const Params p = ToParams(c, c, bits, sym);
        ASSERT_EQ(p.status, AXQ_OK) << c << " " << sym << " " << bits;
        ASSERT_TRUE(std::isfinite(p.scale) && p.scale > 0.0f);
        const double qmax = sym ? (bits == 1 ? 1.0 : std::ldexp(1.0, bits - 1) - 1) : std::ldexp(1.0, bits) - 1;
        const double qmin = sym ? -qmax - (bits == 1 ? 0 : 1) : 0.0;
        const double q = std::clamp(std::round(static_cast<double>(c) / p.scale) + p.zp, qmin, qmax);
        const double back = (q - p.zp) * static_cast<double>(p.scale);
        EXPECT_NEAR(back, c, std::fabs(c) * 1e-6) << c << " " << sym << " " << bits;
      }
    }
  }
  // Scales never drop below the smallest normal f32.
  Params p = ToParams(-1e-44f, 1e-44f, 8, 1);
  EXPECT_EQ(p.scale, FLT_MIN);
  p = ToParams(0.0f, 1e-42f, 8, 0);
  EXPECT_EQ(p.scale, FLT_MIN);
  EXPECT_EQ(p.zp, 0);
  // The widest ranges stay finite.
  p = ToParams(-FLT_MAX, FLT_MAX, 8, 0);
  EXPECT_EQ(p.status, AXQ_OK);
  EXPECT_TRUE(std::isfinite(p.scale));
  p = ToParams(-FLT_MAX, FLT_MAX, 1, 1);
  EXPECT_EQ(p.scale, FLT_MAX);
  p = ToParams(-FLT_MAX, FLT_MAX, 1, 0);
  EXPECT_EQ(p.status, AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(p.scale, 0.0f);
  // Many ranges, never NaN or a zero/negative scale.
  axq_test::Rng rng(40);
  for (int i = 0; i < 20000; ++i) {
    float a = static_cast<float>(std::ldexp(rng.Gaussian(), static_cast<int>(rng.Next() % 200) - 100));
    float b = static_cast<float>(std::ldexp(rng.Gaussian(), static_cast<int>(rng.Next() % 200) - 100));
    if (a > b) std::swap(a, b);
    const uint32_t bits = 1 + static_cast<uint32_t>(rng.Next() % 8);
    const int32_t sym = static_cast<int32_t>(rng.Next() % 2);
    p = ToParams(a, b, bits, sym);
    ASSERT_EQ(p.status, AXQ_OK) << a << " " << b;
    ASSERT_TRUE(std::isfinite(p.scale) && p.scale >= FLT_MIN) << a << " " << b << " " << bits;
    ASSERT_GE(p.zp, 0);
    ASSERT_LE(p.zp, sym ? 0 : (1 << bits) - 1);
  }
}

TEST(Calibrate, RangeToParamsBadArguments) {
  float scale = 1.0f;
  int32_t zp = 3;
  EXPECT_EQ(axq_range_to_params(nullptr, &zp, 0.0f, 1.0f, 8, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("scale");
  EXPECT_EQ(zp, 0);
  EXPECT_EQ(axq_range_to_params(&scale, nullptr, 0.0f, 1.0f, 8, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("zero_point");
  EXPECT_EQ(scale, 0.0f);
  const float inf = std::numeric_limits<float>::infinity();
  for (auto bad : {std::make_pair(NAN, 1.0f), std::make_pair(0.0f, NAN), std::make_pair(-inf, 1.0f),
                   std::make_pair(0.0f, inf)}) {
    const Params p = ToParams(bad.first, bad.second, 8, 0);
    EXPECT_EQ(p.status, AXQ_ERR_NON_FINITE);
    EXPECT_EQ(p.scale, 0.0f);
    EXPECT_EQ(p.zp, 0);
    ExpectLastError("not a finite range");
  }
  EXPECT_EQ(ToParams(2.0f, 1.0f, 8, 0).status, AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("above hi");
  EXPECT_EQ(ToParams(0.0f, 1.0f, 0, 0).status, AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("bits: 0");
  EXPECT_EQ(ToParams(0.0f, 1.0f, 9, 1).status, AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("bits: 9");
  EXPECT_EQ(ToParams(0.0f, 1.0f, 8, 2).status, AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("symmetric: 2");
  EXPECT_EQ(ToParams(0.0f, 1.0f, 8, -1).status, AXQ_ERR_INVALID_ARGUMENT);
}

// ---------------------------------------------------------------- bad arguments

TEST(Calibrate, CreateAndOptionsBadArguments) {
  axq_calibrator_t* cal = reinterpret_cast<axq_calibrator_t*>(0x1);
  EXPECT_EQ(axq_calibrator_create(nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("out");
  axq_calibrator_options_t o;
  ASSERT_EQ(axq_calibrator_options_init(&o), AXQ_OK);
  o.bins = 255;
  EXPECT_EQ(axq_calibrator_create(&cal, &o), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(cal, nullptr);
  ExpectLastError("opts->bins: 255");
  o.bins = 8193;
  EXPECT_EQ(axq_calibrator_create(&cal, &o), AXQ_ERR_INVALID_ARGUMENT);
  o.bins = 2048;
  for (float m : {0.0f, -0.5f, 1.01f, NAN, std::numeric_limits<float>::infinity()}) {
    o.momentum = m;
    EXPECT_EQ(axq_calibrator_create(&cal, &o), AXQ_ERR_INVALID_ARGUMENT) << m;
    ExpectLastError("opts->momentum");
  }
  o.momentum = 1.0f;
  EXPECT_EQ(axq_calibrator_create(&cal, &o), AXQ_OK);
  axq_calibrator_destroy(cal);
  o.struct_size = 2;
  EXPECT_EQ(axq_calibrator_create(&cal, &o), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("opts->struct_size");
  o.struct_size = sizeof(o) + 4;
  EXPECT_EQ(axq_calibrator_create(&cal, &o), AXQ_ERR_INVALID_ARGUMENT);
  // Options structs from an older header: the missing fields take defaults.
  o.struct_size = 8;  // struct_size and bins only
  o.bins = 512;
  o.momentum = -1.0f;  // not read
  ASSERT_EQ(axq_calibrator_create(&cal, &o), AXQ_OK) << axq_last_error();
  axq_calibrator_info_t info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(axq_calibrator_info(&info, cal), AXQ_OK);
  EXPECT_EQ(info.bins, 512u);
  EXPECT_EQ(info.momentum, 0.01f);
  axq_calibrator_destroy(cal);

  EXPECT_EQ(axq_calibrator_options_init_sized(nullptr, sizeof(o)), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_calibrator_options_init_sized(&o, 2), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_calibrator_options_init_sized(&o, sizeof(o) + 1), AXQ_ERR_INVALID_ARGUMENT);
  axq_range_options_t r;
  EXPECT_EQ(axq_range_options_init_sized(nullptr, sizeof(r)), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_range_options_init_sized(&r, 3), AXQ_ERR_INVALID_ARGUMENT);
  std::memset(&r, 0x5A, sizeof(r));
  ASSERT_EQ(axq_range_options_init_sized(&r, 8), AXQ_OK);  // struct_size and method only
  EXPECT_EQ(r.struct_size, 8u);
  EXPECT_EQ(r.method, AXQ_CALIB_MINMAX);
  uint32_t untouched;
  std::memcpy(&untouched, &r.bits, sizeof(untouched));
  EXPECT_EQ(untouched, 0x5A5A5A5Au);
}

TEST(Calibrate, ObserveBadArgumentsLeaveTheObserverUnchanged) {
  Calibrator cal;
  const std::vector<float> x = Gaussian(5000, 0.0, 1.0, 50);
  cal.Observe(x);
  const axq_calibrator_info_t before = cal.Info();
  const auto counts_before = cal.cal->state.values.counts();
  const auto range_before = cal.Range(AXQ_CALIB_PERCENTILE, 99.0f);

  EXPECT_EQ(axq_calibrator_observe(nullptr, x.data(), x.size()), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("cal");
  EXPECT_EQ(axq_calibrator_observe(cal.cal, nullptr, 4), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("data: NULL");
  EXPECT_EQ(axq_calibrator_observe(cal.cal, x.data(), 0), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("count: 0");
  // NaN and Inf anywhere, also past the first chunk; a batch that would
  // widen the range must not widen it either.
  const float inf = std::numeric_limits<float>::infinity();
  for (size_t index : {size_t{0}, size_t{5}, size_t{1500}, size_t{2999}}) {
    for (float bad : {NAN, -NAN, inf, -inf}) {
      std::vector<float> batch(3000, 1e6f);
      batch[index] = bad;
      EXPECT_EQ(axq_calibrator_observe(cal.cal, batch.data(), batch.size()), AXQ_ERR_NON_FINITE);
      ExpectLastError(("data[" + std::to_string(index) + "]").c_str());
    }
  }
  const axq_calibrator_info_t after = cal.Info();
  EXPECT_EQ(std::memcmp(&before, &after, sizeof(before)), 0);
  EXPECT_EQ(cal.cal->state.values.counts(), counts_before);
  const auto range_after = cal.Range(AXQ_CALIB_PERCENTILE, 99.0f);
  EXPECT_TRUE(SameBits(range_before.first, range_after.first) && SameBits(range_before.second, range_after.second));
}

TEST(Calibrate, QueryAndMergeBadArguments) {
  Calibrator empty, full, coarse(1024);
  full.Observe(Uniform(100, -1.0, 1.0, 60));
  coarse.Observe(Uniform(100, -1.0, 1.0, 61));
  float lo = 5.0f, hi = 5.0f;

  // An empty observer has no range.
  EXPECT_EQ(axq_calibrator_range(&lo, &hi, empty.cal, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("observed no data");
  EXPECT_EQ(lo, 0.0f);
  EXPECT_EQ(hi, 0.0f);
  EXPECT_EQ(axq_calibrator_range(nullptr, &hi, full.cal, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("lo");
  EXPECT_EQ(axq_calibrator_range(&lo, nullptr, full.cal, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("hi");
  EXPECT_EQ(axq_calibrator_range(&lo, &hi, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("cal");
  ASSERT_EQ(axq_calibrator_range(&lo, &hi, full.cal, nullptr), AXQ_OK);  // NULL = MinMax
  EXPECT_EQ(lo, full.Info().min);
  EXPECT_EQ(hi, full.Info().max);

  axq_range_options_t o;
  ASSERT_EQ(axq_range_options_init(&o), AXQ_OK);
  const axq_range_options_t good = o;
  const float inf = std::numeric_limits<float>::infinity();
  struct Bad {
    void (*apply)(axq_range_options_t*);
    const char* needle;
  };
  const Bad bads[] = {
      {[](axq_range_options_t* r) { r->method = 5; }, "opts->method: 5"},
      {[](axq_range_options_t* r) { r->method = -1; }, "opts->method: -1"},
      {[](axq_range_options_t* r) { r->percentile = 49.9f; }, "opts->percentile"},
      {[](axq_range_options_t* r) { r->percentile = 100.5f; }, "opts->percentile"},
      {[](axq_range_options_t* r) { r->percentile = NAN; }, "opts->percentile"},
      {[](axq_range_options_t* r) { r->k = -1.0f; }, "opts->k"},
      {[](axq_range_options_t* r) { r->k = NAN; }, "opts->k"},
      {[](axq_range_options_t* r) { r->k = std::numeric_limits<float>::infinity(); }, "opts->k"},
      {[](axq_range_options_t* r) { r->bits = 0; }, "opts->bits: 0"},
      {[](axq_range_options_t* r) { r->bits = 9; }, "opts->bits: 9"},
      {[](axq_range_options_t* r) { r->struct_size = 0; }, "opts->struct_size"},
      {[](axq_range_options_t* r) { r->struct_size = sizeof(*r) + 4; }, "opts->struct_size"},
  };
  (void)inf;
  for (const Bad& bad : bads) {
    o = good;
    bad.apply(&o);
    lo = hi = 5.0f;
    EXPECT_EQ(axq_calibrator_range(&lo, &hi, full.cal, &o), AXQ_ERR_INVALID_ARGUMENT) << bad.needle;
    ExpectLastError(bad.needle);
    EXPECT_EQ(lo, 0.0f);
    EXPECT_EQ(hi, 0.0f);
  }

  axq_calibrator_info_t info;
  EXPECT_EQ(axq_calibrator_info(nullptr, full.cal), AXQ_ERR_INVALID_ARGUMENT);
  info.struct_size = sizeof(info);
  EXPECT_EQ(axq_calibrator_info(&info, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  info.struct_size = 0;
  EXPECT_EQ(axq_calibrator_info(&info, full.cal), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("out->struct_size");
  info.struct_size = sizeof(info) + 8;
  EXPECT_EQ(axq_calibrator_info(&info, full.cal), AXQ_ERR_INVALID_ARGUMENT);
  // An older, shorter info struct: only its fields are written.
  unsigned char buffer[sizeof(axq_calibrator_info_t)];
  std::memset(buffer, 0xCD, sizeof(buffer));
  const uint32_t short_size = offsetof(axq_calibrator_info_t, min);
  std::memcpy(buffer, &short_size, sizeof(short_size));
  ASSERT_EQ(axq_calibrator_info(reinterpret_cast<axq_calibrator_info_t*>(buffer), full.cal), AXQ_OK);
  uint64_t count;
  std::memcpy(&count, buffer + offsetof(axq_calibrator_info_t, count), sizeof(count));
  EXPECT_EQ(count, 100u);
  EXPECT_EQ(buffer[short_size], 0xCD);

  EXPECT_EQ(axq_calibrator_merge(nullptr, full.cal), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("dst");
  EXPECT_EQ(axq_calibrator_merge(full.cal, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("src");
  const axq_calibrator_info_t before = full.Info();
  EXPECT_EQ(axq_calibrator_merge(full.cal, coarse.cal), AXQ_ERR_INVALID_ARGUMENT);
  ExpectLastError("1024 bins");
  const axq_calibrator_info_t after = full.Info();
  EXPECT_EQ(std::memcmp(&before, &after, sizeof(before)), 0);
}

TEST(Calibrate, ExtremeValuesGiveFiniteRanges) {
  Calibrator cal;
  cal.Observe(std::vector<float>{-FLT_MAX, FLT_MAX, 0.0f, 1e-45f, -1e-45f});
  cal.Observe(std::vector<float>{FLT_MIN, -FLT_MAX});
  for (axq_calib_method m : {AXQ_CALIB_MINMAX, AXQ_CALIB_PERCENTILE, AXQ_CALIB_MEANSTD, AXQ_CALIB_ENTROPY,
                             AXQ_CALIB_MOVING_AVERAGE}) {
    const auto r = cal.Range(m, 90.0f, 3.0f);
    EXPECT_TRUE(std::isfinite(r.first) && std::isfinite(r.second)) << m;
    EXPECT_LE(r.first, r.second) << m;
  }
  const auto meanstd = cal.Range(AXQ_CALIB_MEANSTD, 90.0f, 3.0f);
  EXPECT_EQ(meanstd.first, -FLT_MAX);
  EXPECT_EQ(meanstd.second, FLT_MAX);
  // Subnormal-only data, then values of ordinary size (a jump of ~130
  // binary orders in the grid).
  Calibrator tiny;
  tiny.Observe(std::vector<float>{1e-45f, 3e-45f, -2e-45f});
  tiny.Observe(std::vector<float>{-1.0f, 2.0f});
  const auto& counts = tiny.cal->state.values.counts();
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), uint64_t{0}), 5u);
  EXPECT_EQ(tiny.Range(AXQ_CALIB_PERCENTILE, 100.0f).second, 2.0f);
}

// ---------------------------------------------------------------- SIMD targets

TEST(Calibrate, ResultsDoNotDependOnTheSimdTarget) {
  std::vector<float> x = axq_test::StressInput(100003, 77);
  const std::vector<float> body = Gaussian(50000, 1.0, 2.0, 78);
  x.insert(x.end(), body.begin(), body.end());
  std::vector<std::vector<float>> results;
  for (const std::string& name : axq_test::AvailableTargets()) {
    axq_test::ScopedTarget target(name);
    Calibrator cal;
    cal.Observe(x.data(), 70001);
    cal.Observe(x.data() + 70001, x.size() - 70001);
    const axq_calibrator_info_t info = cal.Info();
    std::vector<float> bits = {info.min, info.max, static_cast<float>(info.mean), static_cast<float>(info.variance)};
    double exact[2] = {info.mean, info.variance};
    float halves[4];
    std::memcpy(halves, exact, sizeof(exact));
    bits.insert(bits.end(), halves, halves + 4);
    for (axq_calib_method m : {AXQ_CALIB_MINMAX, AXQ_CALIB_PERCENTILE, AXQ_CALIB_MEANSTD, AXQ_CALIB_ENTROPY,
                               AXQ_CALIB_MOVING_AVERAGE}) {
      const auto r = cal.Range(m, 99.9f);
      bits.push_back(r.first);
      bits.push_back(r.second);
    }
    results.push_back(bits);
    EXPECT_EQ(std::memcmp(results.front().data(), bits.data(), bits.size() * sizeof(float)), 0) << name;
  }
}

// ---------------------------------------------------------------- threads

// Two threads observe into one observer while a third reads it; the
// totals equal a single-threaded observer's (histograms exactly).
TEST(Calibrate, ConcurrentObserversAddUp) {
  std::vector<std::vector<float>> batches;
  for (int i = 0; i < 64; ++i) batches.push_back(Gaussian(3000 + 101 * static_cast<size_t>(i), i % 7, 1 + i % 3, 70 + i));
  Calibrator shared, serial;
  for (const auto& b : batches) serial.Observe(b);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < batches.size(); i += 2) {
        EXPECT_EQ(axq_calibrator_observe(shared.cal, batches[i].data(), batches[i].size()), AXQ_OK);
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 50; ++i) {
      axq_calibrator_info_t info;
      info.struct_size = sizeof(info);
      EXPECT_EQ(axq_calibrator_info(&info, shared.cal), AXQ_OK);
      float lo, hi;
      if (info.count > 0) {
        EXPECT_EQ(axq_calibrator_range(&lo, &hi, shared.cal, nullptr), AXQ_OK);
        EXPECT_LE(lo, hi);
      }
    }
  });
  for (auto& t : threads) t.join();
  ExpectSameObservations(shared, serial);
}

}  // namespace
