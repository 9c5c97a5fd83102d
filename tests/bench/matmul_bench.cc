// Google Benchmark: Y = W X for a 4096 x 4096 W with the weights streamed
// from DRAM (copies rotated through at least 160 MiB), batch 1 and 32, 1 and
// 2 threads; a memory-read loop over as many bytes is the baseline
// (bytes_per_second: weight bytes). Compare rows of one run only.
#include <memory>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "benchmark/benchmark.h"
#include "src/tools/demo_data.h"

namespace {

constexpr int64_t kRows = 4096, kCols = 4096;
constexpr int64_t kRotateBytes = int64_t{160} << 20;

struct TensorDeleter {
  void operator()(axq_tensor_t* t) const { axq_tensor_destroy(t); }
};
using Tensor = std::unique_ptr<axq_tensor_t, TensorDeleter>;

// Weight copies per (type, repacked), built once.
struct Weights {
  std::vector<Tensor> copies;
  size_t bytes = 0;
};

const Weights& WeightsFor(axq_type type, bool repack) {
  static std::vector<std::pair<int, std::unique_ptr<Weights>>> cache;
  const int key = static_cast<int>(type) * 2 + (repack ? 1 : 0);
  for (auto& entry : cache) {
    if (entry.first == key) return *entry.second;
  }
  auto w = std::make_unique<Weights>();
  const std::vector<float> wf = axq_tool::SyntheticWeights(kRows * kCols, 1);
  const int64_t dims[2] = {kCols, kRows};
  axq_tensor_t* f32 = nullptr;
  axq_tensor_from_f32(&f32, wf.data(), 2, dims);
  Tensor source(f32);
  axq_quantize_options_t opts;
  axq_quantize_options_init(&opts);
  opts.ternary_rule = AXQ_TERNARY_ABSMEAN;
  axq_tensor_t* q = nullptr;
  axq_quantize(&q, source.get(), type, &opts);
  Tensor quantized(q);
  const size_t bytes = axq_tensor_nbytes(q);
  const int64_t copies = (kRotateBytes + static_cast<int64_t>(bytes) - 1) / static_cast<int64_t>(bytes);
  for (int64_t c = 0; c < copies; ++c) {
    axq_tensor_t* copy = nullptr;
    if (repack) {
      axq_tensor_repack(&copy, q);
    } else {
      axq_tensor_from_bytes(&copy, type, 2, dims, axq_tensor_data(q), bytes);
    }
    w->copies.emplace_back(copy);
  }
  w->bytes = axq_tensor_nbytes(w->copies[0].get());
  cache.emplace_back(key, std::move(w));
  return *cache.back().second;
}

void BM_MemoryRead(benchmark::State& state) {
  static const std::vector<uint64_t> memory(static_cast<size_t>(kRotateBytes / 8), 1);
  const auto threads = static_cast<unsigned>(state.range(1));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        axq_tool::ReadAllWords(memory.data(), static_cast<int64_t>(memory.size()), threads));
  }
  state.SetBytesProcessed(state.iterations() * kRotateBytes);
}

void BM_Matmul(benchmark::State& state, axq_type type, bool repack) {
  const int64_t n = state.range(0);
  const Weights& w = WeightsFor(type, repack);
  const std::vector<float> xf = axq_tool::SyntheticWeights(n * kCols, 2);
  const int64_t xdims[2] = {kCols, n}, ydims[2] = {kRows, n};
  axq_tensor_t *x = nullptr, *y = nullptr;
  axq_tensor_from_f32(&x, xf.data(), 2, xdims);
  axq_tensor_create(&y, AXQ_TYPE_F32, 2, ydims);
  Tensor xt(x), yt(y);
  axq_matmul_options_t opts;
  axq_matmul_options_init(&opts);
  opts.n_threads = static_cast<uint32_t>(state.range(1));
  size_t next = 0;
  for (auto _ : state) {
    const axq_status st = type == AXQ_TYPE_I2_S ? axq_matmul_i2s(y, w.copies[next].get(), x, &opts)
                                                : axq_matmul(y, w.copies[next].get(), x, &opts);
    if (st != AXQ_OK) {
      state.SkipWithError(axq_last_error());
      break;
    }
    next = (next + 1) % w.copies.size();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(w.bytes));
  state.counters["int_ops"] = benchmark::Counter(static_cast<double>(state.iterations()) * 2.0 *
                                                     kRows * kCols * n,
                                                 benchmark::Counter::kIsRate);
}

void Shapes(benchmark::internal::Benchmark* b) {
  for (int64_t n : {1, 32}) {
    for (int64_t threads : {1, 2}) b->Args({n, threads});
  }
  b->ArgNames({"n", "threads"})->UseRealTime()->Unit(benchmark::kMillisecond);
}

int Register() {
  benchmark::RegisterBenchmark("MemoryRead", BM_MemoryRead)->Apply(Shapes);
  struct Case {
    axq_type type;
    bool repack;
  };
  for (const Case& c : {Case{AXQ_TYPE_I2_S, false}, Case{AXQ_TYPE_Q4_0, true}, Case{AXQ_TYPE_Q8_0, true},
                        Case{AXQ_TYPE_Q4_0, false}, Case{AXQ_TYPE_Q8_0, false}, Case{AXQ_TYPE_TQ2_0, false},
                        Case{AXQ_TYPE_Q2_K, false}, Case{AXQ_TYPE_Q3_K, false}, Case{AXQ_TYPE_Q4_K, false},
                        Case{AXQ_TYPE_Q5_K, false}, Case{AXQ_TYPE_Q6_K, false}}) {
    axq_type_info_t info;
    info.struct_size = sizeof(info);
    axq_type_info(&info, c.type);
    const std::string name = std::string("Matmul/") + info.name + (c.repack ? "+repacked" : "");
    benchmark::RegisterBenchmark(name.c_str(), [c](benchmark::State& s) { BM_Matmul(s, c.type, c.repack); })
        ->Apply(Shapes);
  }
  return 0;
}

const int registered = Register();

}  // namespace

BENCHMARK_MAIN();
