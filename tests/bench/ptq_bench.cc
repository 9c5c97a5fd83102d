// GPTQ and AWQ speed: a K x K layer with 512 calibration rows, on 1 and 2
// threads, and the same GPTQ on Highway's scalar target as the baseline
// of the vector kernels (at K = 1024, where scalar finishes in seconds).
// One iteration per repetition: a 4096 x 4096 GPTQ takes seconds.
#include <string>
#include <vector>

#include "axq/axq.h"
#include "benchmark/benchmark.h"
#include "tests/common/test_support.h"

namespace {

constexpr int64_t kCalibRows = 512;

struct Problem {
  int64_t k = 0;
  axq_tensor_t* w = nullptr;
  std::vector<float> x;
};

const Problem& ProblemOf(int64_t k) {
  static std::vector<Problem*> cache;
  for (Problem* p : cache) {
    if (p->k == k) return *p;
  }
  auto* p = new Problem;
  p->k = k;
  axq_test::Rng rng(static_cast<uint64_t>(k));
  std::vector<float> w(static_cast<size_t>(k * k));
  for (float& v : w) v = 0.02f * rng.Gaussian();
  const int64_t dims[2] = {k, k};
  axq_tensor_from_f32(&p->w, w.data(), 2, dims);
  p->x.resize(static_cast<size_t>(kCalibRows * k));
  for (int64_t r = 0; r < kCalibRows; ++r) {
    const float shared = rng.Gaussian();
    for (int64_t j = 0; j < k; ++j) p->x[r * k + j] = (j % 97 == 0 ? 20.0f : 1.0f) * (rng.Gaussian() + 0.5f * shared);
  }
  cache.push_back(p);
  return *p;
}

axq_act_stats_t* Collect(const Problem& p, uint32_t threads, uint32_t max_samples) {
  axq_act_stats_options_t o;
  axq_act_stats_options_init(&o);
  o.n_threads = threads;
  o.max_samples = max_samples;
  o.hessian = max_samples == 0 ? 1 : 0;
  axq_act_stats_t* s = nullptr;
  axq_act_stats_create(&s, p.k, &o);
  axq_act_stats_add(s, p.x.data(), kCalibRows, p.k);
  return s;
}

// args: K, threads, 1 = scalar target
void BM_Gptq(benchmark::State& state) {
  const Problem& p = ProblemOf(state.range(0));
  const uint32_t threads = static_cast<uint32_t>(state.range(1));
  if (state.range(2) == 1 && axq_simd_set_targets("SCALAR") != AXQ_OK) {
    state.SkipWithError("no SCALAR target in this build");
    return;
  }
  for (auto _ : state) {
    // The Hessian is part of GPTQ's cost: collect it inside the timing.
    axq_act_stats_t* s = Collect(p, threads, 0);
    axq_gptq_options_t o;
    axq_gptq_options_init(&o);
    o.n_threads = threads;
    axq_tensor_t* q = nullptr;
    if (axq_gptq_quantize(&q, p.w, s, &o) != AXQ_OK) state.SkipWithError(axq_last_error());
    axq_tensor_destroy(q);
    axq_act_stats_destroy(s);
  }
  axq_simd_set_targets(nullptr);
  state.SetLabel(state.range(2) == 1 ? "SCALAR" : axq_simd_target_name());
}
BENCHMARK(BM_Gptq)
    ->Args({1024, 1, 1})
    ->Args({1024, 1, 0})
    ->Args({4096, 1, 0})
    ->Args({4096, 2, 0})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// AWQ: the alpha search and the clip search of one K x K weight.
void BM_Awq(benchmark::State& state) {
  const Problem& p = ProblemOf(state.range(0));
  const uint32_t threads = static_cast<uint32_t>(state.range(1));
  axq_act_stats_t* s = Collect(p, threads, 128);
  std::vector<float> scales(static_cast<size_t>(p.k));
  for (auto _ : state) {
    axq_awq_options_t o;
    axq_awq_options_init(&o);
    o.n_threads = threads;
    const axq_tensor_t* weights[] = {p.w};
    axq_tensor_t* q = nullptr;
    if (axq_awq_scales(scales.data(), p.k, nullptr, weights, 1, s, 0, &o) != AXQ_OK ||
        axq_awq_quantize(&q, p.w, scales.data(), p.k, s, &o) != AXQ_OK) {
      state.SkipWithError(axq_last_error());
    }
    axq_tensor_destroy(q);
  }
  axq_act_stats_destroy(s);
}
BENCHMARK(BM_Awq)->Args({4096, 1})->Args({4096, 2})->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
