#include "src/tools/demo_data.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <vector>

#include "src/core/parallel.h"

namespace axq_tool {
namespace {

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Uniform(uint64_t* state) { return static_cast<double>(SplitMix(state) >> 11) * 0x1.0p-53; }

}  // namespace

std::vector<float> SyntheticWeights(int64_t n, uint64_t seed) {
  std::vector<float> w(static_cast<size_t>(n));
  uint64_t state = seed;
  for (float& v : w) {
    const double g = std::sqrt(-2.0 * std::log(1.0 - Uniform(&state))) *
                     std::cos(6.283185307179586 * Uniform(&state));
    double value = 0.02 * g;
    if (Uniform(&state) < 0.005) value *= 20.0 + 80.0 * Uniform(&state);
    v = static_cast<float>(value);
  }
  return w;
}

axq_error_stats_t CompareSignals(const float* reference, const float* approx, int64_t n) {
  axq_error_stats_t s{};
  s.struct_size = sizeof(s);
  if (axq_error_stats(&s, reference, static_cast<size_t>(n), approx, static_cast<size_t>(n), nullptr) != AXQ_OK) {
    s = axq_error_stats_t{};
  }
  return s;
}

uint64_t ReadAllWords(const uint64_t* p, int64_t words, unsigned threads) {
  std::atomic<uint64_t> sum{0};
  axq::ParallelFor(words / 8, threads, 1 << 12, [&](int64_t begin, int64_t end) {
    uint64_t acc[8] = {0};
    for (int64_t i = begin * 8; i < end * 8; i += 8) {
      // The kernels ask for their weights into L2 ahead of use; so does
      // the baseline, lest it understate what a core can read.
      __builtin_prefetch(p + i + 2048, 0, 2);
      for (int j = 0; j < 8; ++j) acc[j] += p[i + j];
    }
    uint64_t total = 0;
    for (uint64_t a : acc) total += a;
    sum.fetch_add(total, std::memory_order_relaxed);
  });
  return sum.load();
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double MedianRate(double units, int samples, const std::function<void()>& fn) {
  constexpr double kMinSampleSeconds = 0.03;
  fn();
  std::vector<double> rates;
  for (int s = 0; s < samples; ++s) {
    int iterations = 0;
    const double start = NowSeconds();
    double elapsed = 0;
    do {
      fn();
      ++iterations;
      elapsed = NowSeconds() - start;
    } while (elapsed < kMinSampleSeconds);
    rates.push_back(units * iterations / elapsed / 1e9);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

}  // namespace axq_tool
