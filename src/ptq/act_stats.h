// The object behind axq_act_stats_t (ptq.h, "Activation statistics").
#ifndef AXQ_PTQ_ACT_STATS_H_
#define AXQ_PTQ_ACT_STATS_H_

#include <cstdint>
#include <mutex>
#include <vector>

#include "src/core/status.h"

struct axq_act_stats {
  mutable std::mutex mutex;
  int64_t k = 0;
  bool hessian = true;
  int64_t max_samples = 0;
  unsigned threads = 1;
  int64_t rows = 0;
  std::vector<double> absmax;  // k
  std::vector<double> abssum;  // k
  std::vector<double> gram;    // k * k, sum x x^T (full, symmetric)
  std::vector<float> samples;  // kept rows, k each
  int64_t kept = 0;
  uint64_t rng = 0x9E3779B97F4A7C15ull;  // the reservoir's generator state
};

namespace axq {

// stats is new (k, hessian, max_samples, threads set); allocates its arrays.
Status InitActStats(axq_act_stats* stats);

// Adds rows x k finite activations (checked first: the caller holds the
// mutex, and on failure nothing changes).
Status AddActivations(axq_act_stats* stats, const float* x, int64_t rows);

// Adds the rows of tensor `name` of a GGUF or safetensors file; the caller
// holds the mutex. On failure nothing changes.
Status AddActivationsFromFile(axq_act_stats* stats, const char* path, const char* name);

}  // namespace axq

#endif  // AXQ_PTQ_ACT_STATS_H_
