// Google Benchmark: axq_calibrator_observe throughput (f32 bytes per
// second) on 64 MiB (DRAM) and 128 KiB (cache) batches, one thread, next
// to a memory-read loop and to its two parts: the checking/statistics pass
// (SummarizeBatch) and the histogram pass. Run with
// `meson test -C build --benchmark` or directly; compare rows of one run.
#include <vector>

#include "axq/axq.h"
#include "benchmark/benchmark.h"
#include "tests/bench/bench_support.h"
#include "src/calib/batch_summary.h"
#include "src/calib/cell_histogram.h"
#include "src/tools/demo_data.h"

namespace {

using axq_bench::Input;
using axq_bench::SetBytes;
using axq_bench::BM_MemoryRead;

void BM_Observe(benchmark::State& state) {
  const int64_t n = state.range(0) / 4;
  const std::vector<float>& x = Input(n);
  axq_calibrator_t* cal = nullptr;
  if (axq_calibrator_create(&cal, nullptr) != AXQ_OK) state.SkipWithError("create failed");
  for (auto _ : state) {
    if (axq_calibrator_observe(cal, x.data(), x.size()) != AXQ_OK) state.SkipWithError("observe failed");
  }
  axq_calibrator_destroy(cal);
  SetBytes(state, n);
}

void BM_Summarize(benchmark::State& state) {
  const int64_t n = state.range(0) / 4;
  const std::vector<float>& x = Input(n);
  axq::BatchSummary summary;
  for (auto _ : state) {
    benchmark::DoNotOptimize(axq::SummarizeBatch(x.data(), x.size(), "x", &summary).ok());
    benchmark::ClobberMemory();
  }
  SetBytes(state, n);
}

void BM_Histograms(benchmark::State& state) {
  const int64_t n = state.range(0) / 4;
  const std::vector<float>& x = Input(n);
  axq::BatchSummary summary;
  (void)axq::SummarizeBatch(x.data(), x.size(), "x", &summary);
  axq::CellHistogram values(2048), magnitudes(2048);
  values.Regrid(axq::SignedGrid(summary.min, summary.max, 2048));
  magnitudes.Regrid(axq::AbsGrid(std::max(-summary.min, summary.max), 2048));
  for (auto _ : state) {
    axq::AddToHistograms(x.data(), x.size(), &values, &magnitudes);
    benchmark::ClobberMemory();
  }
  SetBytes(state, n);
}

void Shapes(benchmark::internal::Benchmark* b) {
  for (int64_t bytes : {int64_t{64} << 20, int64_t{128} << 10}) b->Arg(bytes);
  b->ArgName("bytes")->UseRealTime();
}

BENCHMARK(BM_MemoryRead)->Apply(Shapes);
BENCHMARK(BM_Observe)->Apply(Shapes);
BENCHMARK(BM_Summarize)->Apply(Shapes);
BENCHMARK(BM_Histograms)->Apply(Shapes);

}  // namespace

BENCHMARK_MAIN();
