// `axq dequantize IN OUT` and `axq stats FILE --type T [--tensor NAME]`.
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "src/core/convert.h"
#include "src/core/parallel.h"
#include "src/core/type_traits.h"
#include "src/model/source.h"
#include "src/simd/kernels.h"
#include "src/tools/commands.h"
#include "src/tools/demo_data.h"

namespace axq_tool {

int RunDequantize(const std::string& in, const std::string& out, axq_type type, unsigned threads) {
  const double start = NowSeconds();
  axq_dequantize_options_t options;
  axq_dequantize_options_init(&options);
  options.n_threads = threads;
  if (axq_model_dequantize_file(out.c_str(), in.c_str(), type, &options) != AXQ_OK) {
    std::fprintf(stderr, "axq: dequantize: %s\n", axq_last_error());
    return 1;
  }
  std::fprintf(stderr, "wrote %s in %.2f s\n", out.c_str(), NowSeconds() - start);
  return 0;
}

int RunStats(const std::string& path, axq_type type, const std::string& only, unsigned threads) {
  axq::OpenedModel model;
  if (!axq::OpenModel(path, &model).ok()) {
    std::fprintf(stderr, "axq: stats: %s\n", axq_last_error());
    return 1;
  }
  const axq::TypeTraits* traits = axq::FindTypeTraits(type);
  const axq::FormatKernels* kernels = axq::KernelsFor(type);
  if (traits == nullptr || kernels == nullptr) {
    std::fprintf(stderr, "axq: stats: %s cannot be quantized to by this version\n",
                 traits != nullptr ? traits->name : "the type");
    return 1;
  }
  std::printf("%s: error of quantizing to %s (each tensor as a whole; values as read)\n\n", path.c_str(),
              traits->name);
  std::printf("  %-40s %-6s %12s %12s %10s %11s\n", "tensor", "from", "MSE", "max err", "SQNR dB", "cosine");
  const unsigned n_threads = axq::ResolveThreadCount(threads);
  const std::vector<axq::SourceTensor>& tensors = model.tensors;
  int shown = 0;
  for (const axq::SourceTensor& s : tensors) {
    if (!only.empty() && s.name != only) continue;
    if (s.ne[0] % traits->block_elems != 0) {
      std::printf("  %-40s %-6s %s\n", s.name.c_str(), axq::FindTypeTraits(s.type)->name,
                  "(rows not a multiple of the block: skipped)");
      ++shown;
      continue;
    }
    const int64_t n = s.ne[0] * s.rows();
    std::vector<float> x(static_cast<size_t>(n)), y(static_cast<size_t>(n));
    size_t row_bytes = 0;
    if (!axq::SourceRowsToF32(s, 0, s.rows(), x.data()).ok() ||
        !axq::CheckedRowBytes(&row_bytes, *traits, s.ne[0], s.name.c_str()).ok()) {
      std::fprintf(stderr, "axq: stats: %s\n", axq_last_error());
      return 1;
    }
    std::vector<uint8_t> q(row_bytes * static_cast<size_t>(s.rows()) + static_cast<size_t>(traits->tensor_tail_bytes));
    if (!axq::QuantizeElements(*kernels, *traits, x.data(), q.data(), {s.ne[0], s.rows()}, n_threads,
                               axq::TernaryRule::kAbsmean).ok()) {
      std::fprintf(stderr, "axq: stats: tensor '%s': %s\n", s.name.c_str(), axq_last_error());
      return 1;
    }
    axq::DequantizeElements(*kernels, *traits, q.data(), y.data(), {s.ne[0], s.rows()}, n_threads);
    const axq_error_stats_t e = CompareSignals(x.data(), y.data(), n);
    std::printf("  %-40s %-6s %12.4e %12.4e %10.2f %11.7f\n", s.name.c_str(), axq::FindTypeTraits(s.type)->name,
                e.mse, e.max_abs_error, e.sqnr_db, e.cosine);
    ++shown;
  }
  if (shown == 0) {
    std::fprintf(stderr, "axq: stats: %s has no tensor '%s'\n", path.c_str(), only.c_str());
    return 1;
  }
  return 0;
}

}  // namespace axq_tool
