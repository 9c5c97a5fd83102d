// What the Google Benchmark binaries share: the input data, byte
// accounting, and the memory-read baseline every throughput is set against.
#ifndef AXQ_TESTS_BENCH_BENCH_SUPPORT_H_
#define AXQ_TESTS_BENCH_BENCH_SUPPORT_H_

#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"

namespace axq_bench {

// n synthetic weights (the demo's distribution), made once per size.
const std::vector<float>& Input(int64_t n);

// Counts n f32 values per iteration as the bytes processed.
void SetBytes(benchmark::State& state, int64_t n);

// Reads state.range(0) bytes of input once per iteration, on one thread,
// or on state.range(1) threads in the ...Threads variant.
void BM_MemoryRead(benchmark::State& state);
void BM_MemoryReadThreads(benchmark::State& state);

}  // namespace axq_bench

#endif  // AXQ_TESTS_BENCH_BENCH_SUPPORT_H_
