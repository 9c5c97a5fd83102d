#include "tests/bench/bench_support.h"

#include "src/tools/demo_data.h"

namespace axq_bench {
namespace {

void ReadInput(benchmark::State& state, unsigned threads) {
  const int64_t n = state.range(0) / 4;
  const std::vector<float>& x = Input(n);
  const uint64_t* words = reinterpret_cast<const uint64_t*>(x.data());
  for (auto _ : state) benchmark::DoNotOptimize(axq_tool::ReadAllWords(words, n / 2, threads));
  SetBytes(state, n);
}

}  // namespace

const std::vector<float>& Input(int64_t n) {
  static std::vector<float> data;
  if (static_cast<int64_t>(data.size()) != n) data = axq_tool::SyntheticWeights(n, 99);
  return data;
}

void SetBytes(benchmark::State& state, int64_t n) {
  state.SetBytesProcessed(state.iterations() * n * static_cast<int64_t>(sizeof(float)));
}

void BM_MemoryRead(benchmark::State& state) { ReadInput(state, 1); }

void BM_MemoryReadThreads(benchmark::State& state) { ReadInput(state, static_cast<unsigned>(state.range(1))); }

}  // namespace axq_bench
