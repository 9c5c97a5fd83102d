// `axq quantize IN OUT --type T ...`: a GGUF or safetensors model to a
// quantized GGUF through axq_model_quantize_file, with progress on stderr
// (a bar on a terminal, plain lines otherwise).
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <string>

#include "axq/axq.h"
#include "src/tools/commands.h"
#include "src/tools/demo_data.h"

namespace axq_tool {
namespace {

struct ProgressState {
  bool tty = false;
  uint64_t last_tensor = UINT64_MAX;
};

int DrawProgress(const axq_progress_t* p, void* user) {
  ProgressState* state = static_cast<ProgressState*>(user);
  const double rate = p->bytes_per_second / 1e6;
  if (state->tty) {
    const int width = 30;
    const int filled = p->bytes_total ? static_cast<int>(width * p->bytes_done / p->bytes_total) : width;
    std::fprintf(stderr, "\r[%.*s%*s] %" PRIu64 "/%" PRIu64 " %-32.32s %7.1f MB/s ETA %4.0f s", filled,
                 "##############################", width - filled, "", p->tensor_index + 1, p->tensor_count,
                 p->tensor_name, rate, p->eta_seconds < 0 ? 0 : p->eta_seconds);
  } else if (p->tensor_index != state->last_tensor) {
    std::fprintf(stderr, "tensor %" PRIu64 "/%" PRIu64 " %s (%" PRIu64 " of %" PRIu64 " bytes, %.1f MB/s)\n",
                 p->tensor_index + 1, p->tensor_count, p->tensor_name, p->bytes_done, p->bytes_total, rate);
  }
  state->last_tensor = p->tensor_index;
  return 0;
}

}  // namespace

int RunQuantize(const QuantizeCommand& command) {
  std::string rules;
  for (const std::string& rule : command.rules) rules += rule + "\n";
  ProgressState state;
  state.tty = isatty(STDERR_FILENO) == 1;
  axq_model_quantize_options_t options;
  axq_model_quantize_options_init(&options);
  options.type = command.type;
  options.mix = command.mix;
  options.rules = rules.c_str();
  options.pure = command.pure ? 1 : 0;
  options.n_threads = command.threads;
  const bool absmean = command.ternary == QuantizeCommand::Ternary::kAbsmean ||
                       (command.ternary == QuantizeCommand::Ternary::kAuto && command.type == AXQ_TYPE_I2_S);
  options.ternary_rule = absmean ? AXQ_TERNARY_ABSMEAN : AXQ_TERNARY_REFERENCE;
  options.fallback_type = command.fallback;
  options.output_format = command.format;
  options.progress = DrawProgress;
  options.progress_user = &state;
  axq_imatrix_t* imatrix = nullptr;
  if (!command.imatrix.empty()) {
    if (axq_imatrix_load(&imatrix, command.imatrix.c_str()) != AXQ_OK) {
      std::fprintf(stderr, "axq: quantize: %s\n", axq_last_error());
      return 1;
    }
    options.imatrix = imatrix;
  }
  const double start = NowSeconds();
  const axq_status st = axq_model_quantize_file(command.out.c_str(), command.in.c_str(), &options);
  axq_imatrix_destroy(imatrix);
  if (state.tty) std::fprintf(stderr, "\n");
  if (st != AXQ_OK) {
    std::fprintf(stderr, "axq: quantize: %s\n", axq_last_error());
    return st == AXQ_ERR_INVALID_ARGUMENT || st == AXQ_ERR_UNKNOWN_TYPE ? 2 : 1;
  }
  std::fprintf(stderr, "wrote %s in %.2f s\n", command.out.c_str(), NowSeconds() - start);
  return 0;
}

}  // namespace axq_tool
