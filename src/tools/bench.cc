// `axq bench`: quantize/dequantize throughput of the dispatched kernels next
// to baselines measured in the same run: a memory-read loop, the scalar
// references, and (optionally) ggml's own quantizers.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "src/core/convert.h"
#include "src/core/type_traits.h"
#include "src/tools/commands.h"
#include "src/tools/demo_data.h"
#include "src/tools/ggml_peer.h"

namespace axq_tool {
namespace {

// One table cell: a throughput and the ratio that explains it; a
// throughput of 0 means "not measured".
void PrintCell(double gbps, double ratio) {
  if (gbps > 0) {
    std::printf(" %7.2f (%6.2fx)", gbps, ratio);
  } else {
    std::printf(" %17s", "-");
  }
}

}  // namespace

int RunBench(const BenchOptions& options) {
  GgmlPeer ggml;
  if (!options.ggml_library.empty() && !ggml.Load(options.ggml_library)) {
    std::fprintf(stderr, "axq: bench: cannot use ggml: %s\n", ggml.error().c_str());
    return 1;
  }
  std::vector<const axq::TypeTraits*> types;
  size_t count = 0;
  const axq::TypeTraits* all = axq::AllTypeTraits(&count);
  for (size_t i = 0; i < count; ++i) {
    if (axq::KernelsFor(all[i].type) == nullptr) continue;
    if (!options.types.empty() &&
        std::find(options.types.begin(), options.types.end(), all[i].name) == options.types.end()) {
      continue;
    }
    types.push_back(&all[i]);
  }
  std::printf("axq %s bench, SIMD target %s, median of %d samples; GB/s of f32 data\n",
              axq_version_string(), axq_simd_target_name(), options.samples);
  std::printf("(ratios: fast vs memory read; reference and ggml vs fast = how much faster axq is)\n\n");
  std::printf("%-9s %3s %-5s %9s %17s %17s %17s %17s %17s %17s\n", "size", "thr", "type", "read",
              "quantize", "quant ref", "quant ggml", "dequantize", "deq ref", "deq ggml");
  for (int64_t size : options.sizes) {
    const int64_t n = size / 4 / 256 * 256;
    const std::vector<float> x = SyntheticWeights(n, 0xBE7C4);
    std::vector<uint8_t> q(static_cast<size_t>(n) * 4 + 64), q_ggml(q.size());
    std::vector<float> y(static_cast<size_t>(n));
    for (unsigned threads : options.threads) {
      // The sum goes through an atomic, so the loads cannot be elided.
      const double read = MedianRate(n * 4, options.samples, [&] {
        (void)ReadAllWords(reinterpret_cast<const uint64_t*>(x.data()), n / 2, threads);
      });
      for (const axq::TypeTraits* t : types) {
        const axq::FormatKernels* fast = axq::KernelsFor(t->type);
        const axq::FormatKernels* ref = axq::KernelsFor(t->type, axq::KernelSet::kReference);
        auto quantize_with = [&](const axq::FormatKernels* k) {
          return [&, k] { (void)axq::QuantizeElements(*k, *t, x.data(), q.data(), {n, 1}, threads); };
        };
        auto dequantize_with = [&](const axq::FormatKernels* k) {
          return [&, k] { axq::DequantizeElements(*k, *t, q.data(), y.data(), {n, 1}, threads); };
        };
        const double qf = MedianRate(n * 4, options.samples, quantize_with(fast));
        const double qr = MedianRate(n * 4, options.samples, quantize_with(ref));
        const double df = MedianRate(n * 4, options.samples, dequantize_with(fast));
        const double dr = MedianRate(n * 4, options.samples, dequantize_with(ref));
        double qg = 0, dg = 0;
        const char* identical = "";
        // ggml's entry points are single-threaded: compare at 1 thread only.
        if (threads == 1 && ggml.CanQuantize(t->type)) {
          qg = MedianRate(n * 4, options.samples, [&] { ggml.Quantize(t->type, x.data(), q_ggml.data(), n); });
          (void)axq::QuantizeElements(*fast, *t, x.data(), q.data(), {n, 1}, 1);
          const size_t bytes = static_cast<size_t>(n / t->block_elems * t->block_bytes);
          identical = std::memcmp(q.data(), q_ggml.data(), bytes) == 0 ? "  bytes identical" : "  BYTES DIFFER";
          dg = MedianRate(n * 4, options.samples, [&] { ggml.Dequantize(t->type, q.data(), y.data(), n); });
        }
        const std::string label = size >= (1 << 20) ? std::to_string(size >> 20) + " MiB"
                                                    : std::to_string(size >> 10) + " KiB";
        std::printf("%-9s %3u %-5s %9.2f", label.c_str(), threads, t->name, read);
        PrintCell(qf, qf / read);
        PrintCell(qr, qf / qr);
        PrintCell(qg, qg > 0 ? qf / qg : 0);
        PrintCell(df, df / read);
        PrintCell(dr, df / dr);
        PrintCell(dg, dg > 0 ? df / dg : 0);
        std::printf("%s\n", identical);
      }
    }
  }
  return 0;
}

}  // namespace axq_tool
