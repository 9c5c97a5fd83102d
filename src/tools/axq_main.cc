// The `axq` command-line tool. Exit codes: 0 success, 1 runtime error,
// 2 usage error (one line on stderr).
#include <strings.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "src/tools/commands.h"

namespace {

constexpr int kUsageError = 2;

const char kHelp[] =
    "usage: axq <command> [options]\n"
    "\n"
    "commands:\n"
    "  demo    quantize a built-in 4096x4096 synthetic weight matrix to every\n"
    "          implemented type; print bits/weight, MSE, max error, SQNR,\n"
    "          cosine similarity and throughput\n"
    "          options: --rows N --cols N --threads N --repeats N\n"
    "  bench   quantize/dequantize GB/s against a memory-read loop, the scalar\n"
    "          references and optionally ggml, same run\n"
    "          options: --size BYTES (repeatable) --threads N (repeatable)\n"
    "                   --type NAME (repeatable) --samples N --ggml PATH\n"
    "                   (PATH: a libggml-base.so; also env AXQ_GGML_LIB)\n"
    "  bench matmul\n"
    "          Y = W X for a 4096x4096 W of each type, weights streamed from\n"
    "          DRAM; ms, GB/s and the fraction of a same-run memory-read loop\n"
    "          options: --n N (repeatable, default 1 and 32) --threads N\n"
    "                   (repeatable) --type NAME[+r] (repeatable; +r: repacked)\n"
    "                   --rows M --cols K --samples N --rotate-mib MIB\n"
    "                   --ggml PATH\n"
    "  quantize IN OUT --type TYPE|MIX\n"
    "          a GGUF, safetensors or AXQT model to a GGUF model of TYPE;\n"
    "          1-D tensors and norms stay as they are; rows TYPE's block does\n"
    "          not divide fall back as llama.cpp's do (q4_0 for tq1_0/tq2_0,\n"
    "          else f16). A llama-quantize file type (q4_k_m, q4_k_s, q5_k_m,\n"
    "          q5_k_s, q3_k_s, q3_k_m, q3_k_l, q2_k, q6_k, q4_0, q8_0, ...) is\n"
    "          its mix: each tensor gets the type llama-quantize gives it\n"
    "          options: --rule 'GLOB=TYPE' or 're:REGEX=TYPE' (repeatable,\n"
    "                   first match wins)\n"
    "                   --threads N --pure (every tensor of 2+ dims to TYPE;\n"
    "                   a mix's plain type, as llama-quantize --pure)\n"
    "                   --fallback TYPE --ternary absmean|reference\n"
    "                   (default: absmean for i2_s, reference for tq1_0/tq2_0)\n"
    "                   --imatrix FILE (llama.cpp's GGUF or .dat importance\n"
    "                   matrix, as llama-quantize --imatrix)\n"
    "                   --format gguf|axqt (default: axqt for OUT named *.axqt;\n"
    "                   AXQT holds one type, q8_0/q4_0/q4_1/f16/f32, for all)\n"
    "  dequantize IN OUT [--type f32|f16|bf16] [--threads N]\n"
    "          every tensor of a GGUF, safetensors or AXQT model expanded\n"
    "          (default f32) into a GGUF file\n"
    "  stats FILE --type TYPE [--tensor NAME] [--threads N] [--outlier X]\n"
    "  stats --demo [--type TYPE]\n"
    "          what quantizing each tensor of a model (or NAME), or the demo\n"
    "          matrix, to TYPE costs and loses: bits/weight and compression\n"
    "          with every scale counted, MSE, MAE, max error, SQNR, cosine,\n"
    "          outlier rate (|error| > X, default 0.01)\n"
    "  inspect FILE\n"
    "          a GGUF, safetensors or AXQT file's header, metadata and tensor\n"
    "          table (name, type, shape, offset, bytes)\n"
    "  targets list the SIMD targets (env AXQ_SIMD_TARGETS restricts them)\n"
    "\n"
    "  --version  print the version\n"
    "  --help     print this help\n";

int Usage(const std::string& message) {
  std::fprintf(stderr, "axq: %s (try 'axq --help')\n", message.c_str());
  return kUsageError;
}

bool ParseInt(const char* text, long long min, long long max, long long* out) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) return false;
  *out = v;
  return true;
}

// Reads the value of option argv[*i] into *out; false on a usage error
// (already reported through *status).
bool IntOption(int argc, char** argv, int* i, long long min, long long max, long long* out,
               int* status) {
  const std::string name = argv[*i];
  if (*i + 1 >= argc) {
    *status = Usage(name + " needs a value");
    return false;
  }
  ++*i;
  if (!ParseInt(argv[*i], min, max, out)) {
    *status = Usage(name + ": '" + argv[*i] + "' is not a number in " + std::to_string(min) +
                    ".." + std::to_string(max));
    return false;
  }
  return true;
}

// A repeatable integer option: the first use replaces the defaults in
// *values, later ones append.
template <class T>
bool RepeatedIntOption(int argc, char** argv, int* i, long long min, long long max, bool* given,
                       std::vector<T>* values, int* status) {
  long long v = 0;
  if (!IntOption(argc, argv, i, min, max, &v, status)) return false;
  if (!*given) values->clear();
  *given = true;
  values->push_back(static_cast<T>(v));
  return true;
}

int Demo(int argc, char** argv) {
  axq_tool::DemoOptions options;
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    long long v = 0;
    if (arg == "--rows" || arg == "--cols") {
      if (!IntOption(argc, argv, &i, 1, 1 << 16, &v, &status)) return status;
      (arg == "--rows" ? options.rows : options.cols) = v;
    } else if (arg == "--threads") {
      if (!IntOption(argc, argv, &i, 0, 1024, &v, &status)) return status;
      options.threads = static_cast<unsigned>(v);
    } else if (arg == "--repeats") {
      if (!IntOption(argc, argv, &i, 1, 100, &v, &status)) return status;
      options.repeats = static_cast<int>(v);
    } else {
      return Usage("demo: unknown option '" + arg + "'");
    }
  }
  if (options.cols % 256 != 0) return Usage("demo: --cols must be a multiple of 256");
  return axq_tool::RunDemo(options);
}

int BenchMatmul(int argc, char** argv) {
  axq_tool::MatmulBenchOptions options;
  bool batch_given = false, threads_given = false;
  int status = 0;
  if (const char* env = std::getenv("AXQ_GGML_LIB")) options.ggml_library = env;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    long long v = 0;
    if (arg == "--n") {
      if (!RepeatedIntOption(argc, argv, &i, 1, 4096, &batch_given, &options.batch, &status)) return status;
    } else if (arg == "--threads") {
      if (!RepeatedIntOption(argc, argv, &i, 1, 1024, &threads_given, &options.threads, &status)) return status;
    } else if (arg == "--rows" || arg == "--cols") {
      if (!IntOption(argc, argv, &i, 1, 1 << 16, &v, &status)) return status;
      (arg == "--rows" ? options.rows : options.cols) = v;
    } else if (arg == "--samples") {
      if (!IntOption(argc, argv, &i, 1, 1000, &v, &status)) return status;
      options.samples = static_cast<int>(v);
    } else if (arg == "--rotate-mib") {
      if (!IntOption(argc, argv, &i, 0, 1 << 16, &v, &status)) return status;
      options.rotate_bytes = v << 20;
    } else if (arg == "--type" || arg == "--ggml") {
      if (i + 1 >= argc) return Usage(arg + " needs a value");
      const std::string value = argv[++i];
      if (arg == "--ggml") {
        options.ggml_library = value;
      } else {
        const bool repack = value.size() > 2 && value.compare(value.size() - 2, 2, "+r") == 0;
        axq_type type;
        if (axq_type_from_name(&type, value.substr(0, value.size() - (repack ? 2 : 0)).c_str()) != AXQ_OK) {
          return Usage("bench matmul: unknown type '" + value + "'");
        }
        options.types.push_back(value);
      }
    } else {
      return Usage("bench matmul: unknown option '" + arg + "'");
    }
  }
  if (options.cols % 256 != 0) return Usage("bench matmul: --cols must be a multiple of 256");
  return axq_tool::RunMatmulBench(options);
}

bool TypeOption(int argc, char** argv, int* i, axq_type* out, int* status) {
  const std::string name = argv[*i];
  if (*i + 1 >= argc) {
    *status = Usage(name + " needs a value");
    return false;
  }
  ++*i;
  if (axq_type_from_name(out, argv[*i]) != AXQ_OK) {
    *status = Usage(name + ": '" + argv[*i] + "' is not a type name");
    return false;
  }
  return true;
}

int Quantize(int argc, char** argv) {
  axq_tool::QuantizeCommand command;
  std::vector<std::string> paths;
  std::string type_name;
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    long long v = 0;
    if (arg == "--type") {
      if (i + 1 >= argc) return Usage("--type needs a value");
      type_name = argv[++i];
    } else if (arg == "--fallback") {
      if (!TypeOption(argc, argv, &i, &command.fallback, &status)) return status;
    } else if (arg == "--rule") {
      if (i + 1 >= argc) return Usage("--rule needs a value");
      command.rules.push_back(argv[++i]);
    } else if (arg == "--imatrix") {
      if (i + 1 >= argc) return Usage("--imatrix needs a file");
      command.imatrix = argv[++i];
    } else if (arg == "--threads") {
      if (!IntOption(argc, argv, &i, 0, 1024, &v, &status)) return status;
      command.threads = static_cast<unsigned>(v);
    } else if (arg == "--pure") {
      command.pure = true;
    } else if (arg == "--ternary") {
      if (i + 1 >= argc) return Usage("--ternary needs a value");
      const std::string rule = argv[++i];
      if (rule != "absmean" && rule != "reference") return Usage("--ternary: absmean or reference");
      command.ternary = rule == "absmean" ? axq_tool::QuantizeCommand::Ternary::kAbsmean
                                          : axq_tool::QuantizeCommand::Ternary::kReference;
    } else if (arg == "--format") {
      if (i + 1 >= argc) return Usage("--format needs a value");
      const std::string format = argv[++i];
      if (format != "gguf" && format != "axqt") return Usage("--format: gguf or axqt");
      command.format = format == "axqt" ? AXQ_FORMAT_AXQT : AXQ_FORMAT_GGUF;
      command.format_given = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage("quantize: unknown option '" + arg + "'");
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2) return Usage("quantize needs IN and OUT");
  if (type_name.empty()) return Usage("quantize needs --type");
  command.in = paths[0];
  command.out = paths[1];
  // Without --format, the output's extension decides.
  const std::string& out = command.out;
  if (!command.format_given && out.size() > 5 && strcasecmp(out.c_str() + out.size() - 5, ".axqt") == 0) {
    command.format = AXQ_FORMAT_AXQT;
  }
  // A llama-quantize file type ("q4_k_m", "q6_k", "q4_0") is its mix, as
  // in llama-quantize; --pure and AXQT files take the plain type.
  int32_t mix = AXQ_MIX_NONE;
  const bool is_mix = axq_mix_from_name(&mix, type_name.c_str()) == AXQ_OK;
  const bool is_type = axq_type_from_name(&command.type, type_name.c_str()) == AXQ_OK;
  if (!is_mix && !is_type) return Usage("quantize: '" + type_name + "' is neither a type nor a llama.cpp mix");
  if (is_mix && (!is_type || (!command.pure && command.format == AXQ_FORMAT_GGUF))) command.mix = mix;
  return axq_tool::RunQuantize(command);
}

// `dequantize IN OUT`: positional paths, --type, --threads.
int Dequantize(int argc, char** argv) {
  std::vector<std::string> paths;
  axq_type type = AXQ_TYPE_F32;
  unsigned threads = 0;
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    long long v = 0;
    if (arg == "--type") {
      if (!TypeOption(argc, argv, &i, &type, &status)) return status;
    } else if (arg == "--threads") {
      if (!IntOption(argc, argv, &i, 0, 1024, &v, &status)) return status;
      threads = static_cast<unsigned>(v);
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage("dequantize: unknown option '" + arg + "'");
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.size() != 2u) return Usage("dequantize needs IN and OUT");
  return axq_tool::RunDequantize(paths[0], paths[1], type, threads);
}

// `stats FILE --type T [--tensor NAME]` or `stats --demo [--type T]`.
int Stats(int argc, char** argv) {
  axq_tool::StatsCommand command;
  std::vector<std::string> paths;
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    long long v = 0;
    if (arg == "--type") {
      if (!TypeOption(argc, argv, &i, &command.type, &status)) return status;
    } else if (arg == "--threads") {
      if (!IntOption(argc, argv, &i, 0, 1024, &v, &status)) return status;
      command.threads = static_cast<unsigned>(v);
    } else if (arg == "--tensor") {
      if (i + 1 >= argc) return Usage("--tensor needs a value");
      command.tensor = argv[++i];
    } else if (arg == "--outlier") {
      if (i + 1 >= argc) return Usage("--outlier needs a value");
      char* end = nullptr;
      command.outlier = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != '\0' || !(command.outlier >= 0)) return Usage("--outlier: a number >= 0");
    } else if (arg == "--demo") {
      command.demo = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage("stats: unknown option '" + arg + "'");
    } else {
      paths.push_back(arg);
    }
  }
  if (command.demo) {
    if (!paths.empty() || !command.tensor.empty()) return Usage("stats --demo takes no FILE or --tensor");
    return axq_tool::RunStats(command);
  }
  if (paths.size() != 1u) return Usage("stats needs FILE (or --demo)");
  if (command.type == AXQ_TYPE_INVALID) return Usage("stats needs --type");
  command.path = paths[0];
  return axq_tool::RunStats(command);
}

int Bench(int argc, char** argv) {
  if (argc > 2 && std::strcmp(argv[2], "matmul") == 0) return BenchMatmul(argc, argv);
  axq_tool::BenchOptions options;
  bool sizes_given = false, threads_given = false;
  int status = 0;
  if (const char* env = std::getenv("AXQ_GGML_LIB")) options.ggml_library = env;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    long long v = 0;
    if (arg == "--size") {
      if (!RepeatedIntOption(argc, argv, &i, 1024, 1LL << 34, &sizes_given, &options.sizes, &status)) return status;
    } else if (arg == "--threads") {
      if (!RepeatedIntOption(argc, argv, &i, 1, 1024, &threads_given, &options.threads, &status)) return status;
    } else if (arg == "--samples") {
      if (!IntOption(argc, argv, &i, 1, 1000, &v, &status)) return status;
      options.samples = static_cast<int>(v);
    } else if (arg == "--type" || arg == "--ggml") {
      if (i + 1 >= argc) return Usage(arg + " needs a value");
      const std::string value = argv[++i];
      if (arg == "--ggml") {
        options.ggml_library = value;
      } else {
        axq_type type;
        if (axq_type_from_name(&type, value.c_str()) != AXQ_OK) return Usage("bench: unknown type '" + value + "'");
        axq_type_info_t info;
        info.struct_size = sizeof(info);
        axq_type_info(&info, type);
        options.types.push_back(info.name);
      }
    } else {
      return Usage("bench: unknown option '" + arg + "'");
    }
  }
  return axq_tool::RunBench(options);
}

int Targets() {
  std::printf("active: %s\ncompiled and supported (best first):", axq_simd_target_name());
  for (size_t i = 0; i < axq_simd_target_count(); ++i) std::printf(" %s", axq_simd_target_at(i));
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "axq: no command given; try 'axq demo' or 'axq --help'\n");
    return kUsageError;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kHelp, stdout);
    return 0;
  }
  if (command == "--version") {
    std::printf("axq %s (libaxq %s)\n", AXQ_VERSION_STRING, axq_version_string());
    return 0;
  }
  if (command == "demo") return Demo(argc, argv);
  if (command == "bench") return Bench(argc, argv);
  if (command == "quantize") return Quantize(argc, argv);
  if (command == "dequantize") return Dequantize(argc, argv);
  if (command == "stats") return Stats(argc, argv);
  if (command == "inspect") {
    if (argc != 3) return Usage("inspect takes one FILE");
    return axq_tool::RunInspect(argv[2]);
  }
  if (command == "targets") {
    if (argc > 2) return Usage("targets takes no options");
    return Targets();
  }
  return Usage("unknown command '" + command + "'");
}
