// Google Benchmark: integer quantization throughput (bytes of f32 input per
// second) of the dispatched kernels and the scalar references, next to a
// memory-read baseline in the same binary: per-group int8/int4 quantize
// (the fused kernel over a whole buffer, one thread), dequantize, fake
// quantization, and the full axq_int_quantize path with its allocation and
// threads. 64 MiB (DRAM) and 128 KiB (cache) of input. Compare rows of one
// run, never absolute numbers across machines.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "tests/bench/bench_support.h"
#include "src/core/parallel.h"
#include "src/core/tensor.h"
#include "src/intquant/int_codec.h"
#include "src/intquant/int_tensor.h"
#include "src/intquant/intquant_kernels.h"
#include "src/tools/demo_data.h"

namespace {

using axq_bench::Input;
using axq_bench::SetBytes;
using axq_bench::BM_MemoryReadThreads;

using axq::IntCodec;
using axq::IntScheme;
using axq::KernelSet;

// One buffer of codes and parameters for n inputs in groups of g.
struct Buffers {
  Buffers(int64_t n, int64_t g, const IntCodec& c)
      : codes(static_cast<size_t>(axq::RowCodeBytes(c, n))),
        scales(static_cast<size_t>(n / g)),
        zero_points(static_cast<size_t>(n / g)) {}
  std::vector<uint8_t> codes;
  std::vector<float> scales, zero_points;
};

void QuantizeGroups(benchmark::State& state, int32_t bits, IntScheme scheme, int64_t g, KernelSet set) {
  const int64_t n = state.range(0) / 4;
  const IntCodec c = axq::MakeIntCodec(bits, scheme);
  const axq::IntQuantKernels& k = axq::IntQuantKernelsFor(set);
  const std::vector<float>& x = Input(n);
  Buffers b(n, g, c);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        k.quantize_groups(x.data(), n / g, g, c, b.codes.data(), b.scales.data(), b.zero_points.data()));
    benchmark::ClobberMemory();
  }
  SetBytes(state, n);
}

void DecodeGroups(benchmark::State& state, int32_t bits, IntScheme scheme, int64_t g, KernelSet set) {
  const int64_t n = state.range(0) / 4;
  const IntCodec c = axq::MakeIntCodec(bits, scheme);
  const axq::IntQuantKernels& k = axq::IntQuantKernelsFor(set);
  const std::vector<float>& x = Input(n);
  Buffers b(n, g, c);
  (void)k.quantize_groups(x.data(), n / g, g, c, b.codes.data(), b.scales.data(), b.zero_points.data());
  std::vector<float> y(static_cast<size_t>(n));
  for (auto _ : state) {
    k.decode(b.codes.data(), n, g, b.scales.data(), b.zero_points.data(), c, y.data());
    benchmark::ClobberMemory();
  }
  SetBytes(state, n);
}

void FakeQuantize(benchmark::State& state, int32_t bits, IntScheme scheme, KernelSet set) {
  const int64_t n = state.range(0) / 4;
  const IntCodec c = axq::MakeIntCodec(bits, scheme);
  const axq::IntQuantKernels& k = axq::IntQuantKernelsFor(set);
  const std::vector<float>& x = Input(n);
  const float scale = 0.002f;
  const float zero_point = c.affine() ? 7.0f : 0.0f;
  std::vector<float> y(static_cast<size_t>(n));
  std::vector<uint8_t> mask(static_cast<size_t>(n));
  for (auto _ : state) {
    benchmark::DoNotOptimize(k.fake_quantize(x.data(), n, n, &scale, &zero_point, c, true, y.data(), mask.data()));
    benchmark::ClobberMemory();
  }
  SetBytes(state, n);
}

// The whole public path: a new handle (allocation included), parameters,
// codes, on `threads` threads.
void TensorQuantize(benchmark::State& state, uint32_t bits, int32_t scheme, int32_t granularity) {
  const int64_t n = state.range(0) / 4;
  const auto threads = static_cast<unsigned>(state.range(1));
  const int64_t dims[2] = {4096, n / 4096};
  std::unique_ptr<axq_tensor> src;
  (void)axq::NewTensor(&src, AXQ_TYPE_F32, 2, dims, axq::Fill::kUninitialized);
  std::copy(Input(n).begin(), Input(n).end(), reinterpret_cast<float*>(src->data.get()));
  axq_int_options_t o{};
  o.struct_size = sizeof(o);
  o.bits = bits;
  o.scheme = scheme;
  o.granularity = granularity;
  o.axis = 1;
  o.group_size = 32;
  for (auto _ : state) {
    std::unique_ptr<axq_int_tensor> q;
    benchmark::DoNotOptimize(axq::IntQuantize(&q, *src, o, threads).ok());
  }
  SetBytes(state, n);
}

void OneThread(benchmark::internal::Benchmark* b) {
  for (int64_t bytes : {int64_t{64} << 20, int64_t{128} << 10}) b->Args({bytes, 1});
  b->ArgNames({"bytes", "threads"})->UseRealTime();
}

void Threads(benchmark::internal::Benchmark* b) {
  for (int64_t threads : {1, 2}) b->Args({int64_t{64} << 20, threads});
  b->ArgNames({"bytes", "threads"})->UseRealTime();
}

int Register() {
  benchmark::RegisterBenchmark("MemoryRead", BM_MemoryReadThreads)->Apply(OneThread);
  benchmark::RegisterBenchmark("MemoryRead", BM_MemoryReadThreads)->Args({int64_t{64} << 20, 2})->UseRealTime();
  struct Case {
    const char* name;
    int32_t bits;
    IntScheme scheme;
    int64_t g;
  };
  const Case cases[] = {{"int8_sym_g32", 8, IntScheme::kSymmetric, 32},
                        {"int8_sym_g128", 8, IntScheme::kSymmetric, 128},
                        {"uint8_affine_g32", 8, IntScheme::kAffine, 32},
                        {"int4_sym_g32", 4, IntScheme::kSymmetric, 32},
                        {"uint4_affine_g128", 4, IntScheme::kAffine, 128}};
  for (const Case& c : cases) {
    for (KernelSet set : {KernelSet::kDispatched, KernelSet::kReference}) {
      const std::string suffix = std::string("/") + c.name + (set == KernelSet::kReference ? "/ref" : "/simd");
      benchmark::RegisterBenchmark(("QuantizeGroups" + suffix).c_str(), [=](benchmark::State& s) {
        QuantizeGroups(s, c.bits, c.scheme, c.g, set);
      })->Apply(OneThread);
      benchmark::RegisterBenchmark(("Dequantize" + suffix).c_str(), [=](benchmark::State& s) {
        DecodeGroups(s, c.bits, c.scheme, c.g, set);
      })->Apply(OneThread);
    }
  }
  for (KernelSet set : {KernelSet::kDispatched, KernelSet::kReference}) {
    const std::string suffix = set == KernelSet::kReference ? "/ref" : "/simd";
    benchmark::RegisterBenchmark(("FakeQuantize/int8_sym" + suffix).c_str(), [=](benchmark::State& s) {
      FakeQuantize(s, 8, IntScheme::kSymmetric, set);
    })->Apply(OneThread);
    benchmark::RegisterBenchmark(("FakeQuantize/uint4_affine" + suffix).c_str(), [=](benchmark::State& s) {
      FakeQuantize(s, 4, IntScheme::kAffine, set);
    })->Apply(OneThread);
  }
  benchmark::RegisterBenchmark("axq_int_quantize/int8_sym_group32", [](benchmark::State& s) {
    TensorQuantize(s, 8, AXQ_INT_SYMMETRIC, AXQ_PER_GROUP);
  })->Apply(Threads);
  benchmark::RegisterBenchmark("axq_int_quantize/int8_sym_tensor", [](benchmark::State& s) {
    TensorQuantize(s, 8, AXQ_INT_SYMMETRIC, AXQ_PER_TENSOR);
  })->Apply(Threads);
  return 0;
}

const int registered = Register();

}  // namespace

BENCHMARK_MAIN();
