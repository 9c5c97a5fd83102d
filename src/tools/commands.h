// Subcommands of the `axq` tool.
#ifndef AXQ_TOOLS_COMMANDS_H_
#define AXQ_TOOLS_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "axq/axq.h"

namespace axq_tool {

struct DemoOptions {
  int64_t rows = 4096;
  int64_t cols = 4096;
  unsigned threads = 0;  // 0 = all cores
  int repeats = 3;
};
int RunDemo(const DemoOptions& options);
// The demo's post-training quantization part (demo_ptq.cc).
int DemoPtq();

struct BenchOptions {
  std::vector<int64_t> sizes = {64 << 20, 128 << 10};  // bytes of f32 input
  std::vector<unsigned> threads = {1, 2};
  std::vector<std::string> types;  // empty = every implemented type
  int samples = 5;
  std::string ggml_library;  // path to libggml-base.so; empty = no peer
};
int RunBench(const BenchOptions& options);

struct MatmulBenchOptions {
  int64_t rows = 4096;  // M
  int64_t cols = 4096;  // K
  std::vector<int64_t> batch = {1, 32};  // N
  std::vector<unsigned> threads = {1, 2};
  std::vector<std::string> types;  // empty = q4_0, q8_0, i2_s and the rest
  int samples = 5;
  int64_t rotate_bytes = int64_t{160} << 20;  // weight copies cycled through
  std::string ggml_library;  // libggml-base.so; libggml-cpu*.so beside it
};
int RunMatmulBench(const MatmulBenchOptions& options);

struct QuantizeCommand {
  std::string in, out;
  axq_type type = AXQ_TYPE_INVALID;
  int32_t mix = AXQ_MIX_NONE;      // an axq_mix: llama.cpp's per-tensor choices
  std::string imatrix;             // --imatrix FILE (GGUF or legacy .dat)
  std::vector<std::string> rules;  // "GLOB=TYPE"
  unsigned threads = 0;
  bool pure = false;
  // --ternary; by default absmean for I2_S (its reference rule only suits
  // weights that are ternary already), ggml's own rule for TQ1_0/TQ2_0.
  enum class Ternary { kAuto, kAbsmean, kReference } ternary = Ternary::kAuto;
  axq_type fallback = AXQ_TYPE_INVALID;  // default: llama.cpp's choice
  axq_file_format format = AXQ_FORMAT_GGUF;
  bool format_given = false;
};
int RunQuantize(const QuantizeCommand& command);

// Every tensor of a model to type (f32, f16 or bf16) in a GGUF file.
int RunDequantize(const std::string& in, const std::string& out, axq_type type, unsigned threads);
// The cost and error of quantizing each tensor of a file (or one) to a
// type, or the demo matrix to every weight type (or one).
struct StatsCommand {
  std::string path;    // empty with demo
  bool demo = false;
  axq_type type = AXQ_TYPE_INVALID;
  std::string tensor;  // empty: every tensor
  unsigned threads = 0;
  double outlier = 0.01;  // |error| above this counts as an outlier
};
int RunStats(const StatsCommand& command);

// Prints a GGUF file's header, metadata and tensor table; 1 on a bad file.
int RunInspect(const std::string& path);

}  // namespace axq_tool

#endif  // AXQ_TOOLS_COMMANDS_H_
