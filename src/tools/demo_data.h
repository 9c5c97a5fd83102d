// The built-in demo matrix and error statistics shared by `axq demo` and
// `axq bench`.
#ifndef AXQ_TOOLS_DEMO_DATA_H_
#define AXQ_TOOLS_DEMO_DATA_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "axq/axq.h"

namespace axq_tool {

// Owns a tensor handle.
struct TensorDeleter {
  void operator()(axq_tensor_t* t) const { axq_tensor_destroy(t); }
};
using TensorPtr = std::unique_ptr<axq_tensor_t, TensorDeleter>;

// Deterministic weights: N(0, 0.02^2) like a trained layer, with about
// 0.5 % of values multiplied by 20..100 as outliers.
std::vector<float> SyntheticWeights(int64_t n, uint64_t seed);

// axq_error_stats of two equally long signals (all zeros if it fails,
// which finite inputs never do).
axq_error_stats_t CompareSignals(const float* reference, const float* approx, int64_t n);

// The memory-read baseline: loads every 8-byte word of p once over
// `threads` threads and returns their sum, so the loads cannot be dropped.
uint64_t ReadAllWords(const uint64_t* p, int64_t words, unsigned threads);

// Wall-clock seconds of a monotonic clock.
double NowSeconds();

// Median over `samples` samples of units/second / 1e9 (GB/s when units are
// bytes) for `units` per call of fn; each sample repeats fn for at least
// 30 ms, after one warm-up call.
double MedianRate(double units, int samples, const std::function<void()>& fn);

}  // namespace axq_tool

#endif  // AXQ_TOOLS_DEMO_DATA_H_
