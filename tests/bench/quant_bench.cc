// Google Benchmark: quantize/dequantize throughput of the dispatched
// kernels, the scalar references and a memory-read loop, for 64 MiB (DRAM)
// and 128 KiB (cache) of f32, on 1 and 2 threads. Run with
// `meson test -C build --benchmark` or directly; compare the rows of one
// run (bytes_per_second), never absolute numbers across machines.
#include <cstring>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "tests/bench/bench_support.h"
#include "src/core/convert.h"
#include "src/core/type_traits.h"
#include "src/simd/kernels.h"
#include "src/tools/demo_data.h"

namespace {

using axq_bench::Input;
using axq_bench::SetBytes;
using axq_bench::BM_MemoryReadThreads;

// What both directions need: the input, its type's kernels and a buffer of
// quantized bytes (filled once, for dequantization).
struct Workload {
  Workload(const benchmark::State& state, axq_type type, axq::KernelSet set)
      : n(state.range(0) / 4),
        threads(static_cast<unsigned>(state.range(1))),
        traits(axq::FindTypeTraits(type)),
        kernels(axq::KernelsFor(type, set)),
        x(Input(n)),
        q(static_cast<size_t>(n / traits->block_elems * traits->block_bytes)) {
    (void)axq::QuantizeElements(*kernels, *traits, x.data(), q.data(), {n, 1}, 1);
  }
  int64_t n;
  unsigned threads;
  const axq::TypeTraits* traits;
  const axq::FormatKernels* kernels;
  const std::vector<float>& x;
  std::vector<uint8_t> q;
};

void Quantize(benchmark::State& state, axq_type type, axq::KernelSet set) {
  Workload w(state, type, set);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        axq::QuantizeElements(*w.kernels, *w.traits, w.x.data(), w.q.data(), {w.n, 1}, w.threads).ok());
    benchmark::ClobberMemory();
  }
  SetBytes(state, w.n);
}

void Dequantize(benchmark::State& state, axq_type type, axq::KernelSet set) {
  Workload w(state, type, set);
  std::vector<float> y(static_cast<size_t>(w.n));
  for (auto _ : state) {
    axq::DequantizeElements(*w.kernels, *w.traits, w.q.data(), y.data(), {w.n, 1}, w.threads);
    benchmark::ClobberMemory();
  }
  SetBytes(state, w.n);
}

void Shapes(benchmark::internal::Benchmark* b) {
  for (int64_t bytes : {int64_t{64} << 20, int64_t{128} << 10}) {
    for (int64_t threads : {1, 2}) b->Args({bytes, threads});
  }
  b->ArgNames({"bytes", "threads"})->UseRealTime();
}

int Register() {
  benchmark::RegisterBenchmark("MemoryRead", BM_MemoryReadThreads)->Apply(Shapes);
  for (axq_type type : {AXQ_TYPE_F16, AXQ_TYPE_BF16, AXQ_TYPE_Q8_0, AXQ_TYPE_Q8_1, AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1,
                        AXQ_TYPE_Q5_0, AXQ_TYPE_Q5_1, AXQ_TYPE_Q2_K, AXQ_TYPE_Q3_K, AXQ_TYPE_Q4_K, AXQ_TYPE_Q5_K,
                        AXQ_TYPE_Q6_K}) {
    const std::string name = axq::FindTypeTraits(type)->name;
    for (auto set : {axq::KernelSet::kDispatched, axq::KernelSet::kReference}) {
      const std::string suffix = set == axq::KernelSet::kReference ? "/ref" : "/simd";
      benchmark::RegisterBenchmark(("Quantize/" + name + suffix).c_str(),
                                   [=](benchmark::State& s) { Quantize(s, type, set); })
          ->Apply(Shapes);
      benchmark::RegisterBenchmark(("Dequantize/" + name + suffix).c_str(),
                                   [=](benchmark::State& s) { Dequantize(s, type, set); })
          ->Apply(Shapes);
    }
  }
  return 0;
}

const int registered = Register();

}  // namespace

BENCHMARK_MAIN();
