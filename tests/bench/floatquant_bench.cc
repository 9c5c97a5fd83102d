// Google Benchmark: the float formats' throughput in GB/s of f32 input (or
// output, for decoding) beside a memory-read loop over the same buffer, on
// one thread: NF4/FP4 blocks (the kernel alone, and axq_nf4_quantize with
// double quantization), FP8 encode/decode, each dispatched and reference.
// Sizes: 64 MiB (DRAM) and 1 MiB (cache). Compare rows of one run.
#include <string>
#include <vector>

#include "axq/axq.h"
#include "benchmark/benchmark.h"
#include "tests/bench/bench_support.h"
#include "src/floatquant/floatquant_kernels.h"
#include "src/tools/demo_data.h"

namespace {

using axq_bench::Input;
using axq_bench::SetBytes;
using axq_bench::BM_MemoryRead;

const axq::FloatQuantKernels& Kernels(bool reference) {
  return axq::FloatQuantKernelsFor(reference ? axq::KernelSet::kReference : axq::KernelSet::kDispatched);
}

void FourBitQuantize(benchmark::State& state, int32_t kind, bool reference) {
  const int64_t n = state.range(0) / 4;
  const std::vector<float>& x = Input(n);
  std::vector<uint8_t> packed(static_cast<size_t>(n / 2));
  std::vector<float> absmax(static_cast<size_t>(n / 64 + 1));
  const axq::FloatQuantKernels& k = Kernels(reference);
  for (auto _ : state) {
    benchmark::DoNotOptimize(k.quantize_4bit(x.data(), static_cast<size_t>(n), 64, kind, packed.data(), absmax.data()));
    benchmark::ClobberMemory();
  }
  SetBytes(state, n);
}

void FourBitDequantize(benchmark::State& state, int32_t kind, bool reference) {
  const int64_t n = state.range(0) / 4;
  const std::vector<float>& x = Input(n);
  std::vector<uint8_t> packed(static_cast<size_t>(n / 2));
  std::vector<float> absmax(static_cast<size_t>(n / 64 + 1));
  const axq::FloatQuantKernels& k = Kernels(reference);
  (void)k.quantize_4bit(x.data(), static_cast<size_t>(n), 64, kind, packed.data(), absmax.data());
  std::vector<float> y(static_cast<size_t>(n));
  for (auto _ : state) {
    k.dequantize_4bit(packed.data(), static_cast<size_t>(n), 64, kind, absmax.data(), y.data());
    benchmark::ClobberMemory();
  }
  SetBytes(state, n);
}

// The whole public call: blocks, double quantization, allocation.
void BM_Nf4QuantizeApi(benchmark::State& state) {
  const int64_t n = state.range(0) / 4;
  const std::vector<float>& x = Input(n);
  axq_nf4_options_t opts;
  (void)axq_nf4_options_init(&opts);
  opts.n_threads = 1;
  for (auto _ : state) {
    axq_nf4_tensor_t* t = nullptr;
    benchmark::DoNotOptimize(axq_nf4_quantize(&t, x.data(), static_cast<size_t>(n), &opts));
    axq_nf4_destroy(t);
  }
  SetBytes(state, n);
}

void Fp8Encode(benchmark::State& state, int32_t format, bool reference) {
  const int64_t n = state.range(0) / 4;
  const std::vector<float>& x = Input(n);
  std::vector<uint8_t> codes(static_cast<size_t>(n));
  const axq::FloatQuantKernels& k = Kernels(reference);
  for (auto _ : state) {
    k.fp8_encode(x.data(), static_cast<size_t>(n), format, 0.01f, codes.data());
    benchmark::ClobberMemory();
  }
  SetBytes(state, n);
}

void Fp8Decode(benchmark::State& state, int32_t format, bool reference) {
  const int64_t n = state.range(0) / 4;
  const std::vector<float>& x = Input(n);
  std::vector<uint8_t> codes(static_cast<size_t>(n));
  const axq::FloatQuantKernels& k = Kernels(reference);
  k.fp8_encode(x.data(), static_cast<size_t>(n), format, 0.01f, codes.data());
  std::vector<float> y(static_cast<size_t>(n));
  for (auto _ : state) {
    k.fp8_decode(codes.data(), static_cast<size_t>(n), format, 0.01f, y.data());
    benchmark::ClobberMemory();
  }
  SetBytes(state, n);
}

void Sizes(benchmark::internal::Benchmark* b) {
  for (int64_t bytes : {int64_t{64} << 20, int64_t{1} << 20}) b->Arg(bytes);
  b->ArgName("bytes")->UseRealTime();
}

int Register() {
  benchmark::RegisterBenchmark("MemoryRead", BM_MemoryRead)->Apply(Sizes);
  benchmark::RegisterBenchmark("Nf4QuantizeApi/dq", BM_Nf4QuantizeApi)->Apply(Sizes);
  for (bool reference : {false, true}) {
    const std::string suffix = reference ? "/ref" : "/simd";
    for (int32_t kind : {0, 1}) {
      const std::string name = kind == 0 ? "nf4" : "fp4";
      benchmark::RegisterBenchmark(("Quantize/" + name + suffix).c_str(),
                                   [=](benchmark::State& s) { FourBitQuantize(s, kind, reference); })
          ->Apply(Sizes);
      benchmark::RegisterBenchmark(("Dequantize/" + name + suffix).c_str(),
                                   [=](benchmark::State& s) { FourBitDequantize(s, kind, reference); })
          ->Apply(Sizes);
    }
    for (int32_t format : {0, 1}) {
      const std::string name = format == 0 ? "e4m3" : "e5m2";
      benchmark::RegisterBenchmark(("Encode/" + name + suffix).c_str(),
                                   [=](benchmark::State& s) { Fp8Encode(s, format, reference); })
          ->Apply(Sizes);
      benchmark::RegisterBenchmark(("Decode/" + name + suffix).c_str(),
                                   [=](benchmark::State& s) { Fp8Decode(s, format, reference); })
          ->Apply(Sizes);
    }
  }
  return 0;
}

const int registered = Register();

}  // namespace

BENCHMARK_MAIN();
