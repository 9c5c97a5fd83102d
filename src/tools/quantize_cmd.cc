// `axq quantize IN OUT --type T ...`: a GGUF or safetensors model to a
// quantized GGUF, with progress on stderr (a bar on a terminal, plain
// lines otherwise).
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <string>

#include "axq/axq.h"
#include "src/model/quantize_file.h"
#include "src/tools/commands.h"
#include "src/tools/demo_data.h"

namespace axq_tool {

int RunQuantize(const QuantizeCommand& command) {
  axq::QuantizeFileOptions options;
  options.type = command.type;
  options.pure = command.pure;
  options.threads = command.threads;
  options.ternary = command.absmean ? axq::TernaryRule::kAbsmean : axq::TernaryRule::kReference;
  if (command.fallback != AXQ_TYPE_INVALID) options.fallback = command.fallback;
  for (const std::string& text : command.rules) {
    std::pair<std::string, axq_type> rule;
    if (!axq::ParseRule(text, &rule).ok()) {
      std::fprintf(stderr, "axq: quantize: %s\n", axq_last_error());
      return 2;
    }
    options.rules.push_back(rule);
  }
  const bool tty = isatty(STDERR_FILENO) == 1;
  const double start = NowSeconds();
  size_t last_tensor = SIZE_MAX;
  options.progress = [&](const axq::QuantizeProgress& p) {
    const double elapsed = NowSeconds() - start;
    const double rate = elapsed > 0 ? static_cast<double>(p.bytes_done) / elapsed / 1e6 : 0;
    const double eta = rate > 0 ? static_cast<double>(p.bytes_total - p.bytes_done) / 1e6 / rate : 0;
    if (tty) {
      const int width = 30;
      const int filled = p.bytes_total ? static_cast<int>(width * p.bytes_done / p.bytes_total) : width;
      std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu %-32.32s %7.1f MB/s ETA %4.0f s", filled,
                   "##############################", width - filled, "", p.tensor + 1, p.tensors, p.name, rate, eta);
    } else if (p.tensor != last_tensor) {
      std::fprintf(stderr, "tensor %zu/%zu %s (%" PRIu64 " of %" PRIu64 " bytes, %.1f MB/s)\n", p.tensor + 1,
                   p.tensors, p.name, p.bytes_done, p.bytes_total, rate);
    }
    last_tensor = p.tensor;
  };
  const axq::Status st = axq::QuantizeFile(command.in, command.out, options);
  if (tty) std::fprintf(stderr, "\n");
  if (!st.ok()) {
    std::fprintf(stderr, "axq: quantize: %s\n", axq_last_error());
    return 1;
  }
  std::fprintf(stderr, "wrote %s in %.2f s\n", command.out.c_str(), NowSeconds() - start);
  return 0;
}

}  // namespace axq_tool
