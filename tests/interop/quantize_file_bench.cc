// `axq quantize` against llama.cpp's llama_model_quantize on the same F32
// GGUF file (about 1 GiB by default), in the same run: wall time,
// throughput and peak resident memory of each, as separate processes
// (medians of alternating samples), and a check that both wrote the same
// tensor bytes.
//
//   quantize_file_bench [--mib N] [--samples N] [--threads N] [--type T] [--dir D]
//
// Environment: AXQ_CLI, the `axq` binary; LLAMA_PEER_BINS, the peer's
// libraries. Everything but the timing runs in child processes of this
// same program (--write, --compare, --peer): a child inherits its parent's
// peak resident memory as its own starting figure, so the parent must stay
// small for the children's peaks to mean anything.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "ggml-backend.h"
#include "llama.h"
#include "src/gguf/gguf.h"
#include "src/io/mapped_file.h"
#include "tests/interop/run.h"
#include "tests/interop/tiny_llama.h"

namespace {

struct Options {
  int64_t mib = 1024;
  int samples = 3;
  int threads = 2;
  std::string type = "q4_0";
  std::string dir = "/tmp";
};

struct FileType {
  const char* name;
  llama_ftype ftype;
  bool mix;  // llama.cpp's per-tensor mix; otherwise --pure on both sides
};
const FileType kFileTypes[] = {
    {"f16", LLAMA_FTYPE_MOSTLY_F16, false},      {"bf16", LLAMA_FTYPE_MOSTLY_BF16, false},
    {"q4_0", LLAMA_FTYPE_MOSTLY_Q4_0, false},    {"q4_1", LLAMA_FTYPE_MOSTLY_Q4_1, false},
    {"q5_0", LLAMA_FTYPE_MOSTLY_Q5_0, false},    {"q5_1", LLAMA_FTYPE_MOSTLY_Q5_1, false},
    {"q8_0", LLAMA_FTYPE_MOSTLY_Q8_0, false},    {"q4_k_m", LLAMA_FTYPE_MOSTLY_Q4_K_M, true},
    {"q4_k_s", LLAMA_FTYPE_MOSTLY_Q4_K_S, true}, {"q5_k_m", LLAMA_FTYPE_MOSTLY_Q5_K_M, true},
    {"q3_k_m", LLAMA_FTYPE_MOSTLY_Q3_K_M, true}, {"q2_k", LLAMA_FTYPE_MOSTLY_Q2_K, true},
    {"q6_k", LLAMA_FTYPE_MOSTLY_Q6_K, true}};

void Quiet(ggml_log_level, const char*, void*) {}

// The llama.cpp side: its own file quantizer in this (child) process.
int RunPeer(const char* in, const char* out, int ftype, int threads, bool pure) {
  llama_log_set(Quiet, nullptr);
  const char* bins = std::getenv("LLAMA_PEER_BINS");
  ggml_backend_load_all_from_path(bins != nullptr ? bins : ".");
  llama_backend_init();
  llama_model_quantize_params params = llama_model_quantize_default_params();
  params.ftype = static_cast<llama_ftype>(ftype);
  params.nthread = threads;
  params.pure = pure;
  const uint32_t rc = llama_model_quantize(in, out, &params);
  llama_backend_free();
  if (rc != 0) std::fprintf(stderr, "llama_model_quantize failed (%u)\n", rc);
  return rc == 0 ? 0 : 1;
}

// A llama-7B-like width; as many layers as the size asks for.
axq_interop::Shape BenchShape(int64_t mib) {
  axq_interop::Shape shape = {"bench", 2048, 5632, 16, 1};
  const int64_t layer_bytes = 4 * (4 * shape.embd * shape.embd + 3 * shape.embd * shape.ff);
  shape.layers = std::max<int64_t>(1, (mib << 20) / layer_bytes);
  return shape;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// "" when every tensor of b equals a's, else the first difference.
std::string CompareTensors(const std::string& a_path, const std::string& b_path) {
  axq::MappedFile a_file, b_file;
  axq::gguf::File a, b;
  if (!a_file.Open(a_path).ok() || !b_file.Open(b_path).ok() ||
      !axq::gguf::Parse(a_file.data(), a_file.size(), a_path.c_str(), &a).ok() ||
      !axq::gguf::Parse(b_file.data(), b_file.size(), b_path.c_str(), &b).ok()) {
    return std::string("cannot read: ") + axq_last_error();
  }
  std::map<std::string, const axq::gguf::TensorInfo*> by_name;
  for (const auto& t : b.tensors) by_name[t.name] = &t;
  if (a.tensors.size() != b.tensors.size()) return "different tensor counts";
  for (const auto& t : a.tensors) {
    const auto it = by_name.find(t.name);
    if (it == by_name.end()) return "llama.cpp's file lacks " + t.name;
    const axq::gguf::TensorInfo& u = *it->second;
    if (t.type != u.type || t.nbytes != u.nbytes ||
        std::memcmp(a.TensorData(t), b.TensorData(u), static_cast<size_t>(t.nbytes)) != 0) {
      return "tensor " + t.name + " differs";
    }
  }
  return "";
}

// --write PATH MIB: the F32 model, layers as the size asks for.
int RunWrite(const char* path, int64_t mib) {
  const std::string error = axq_interop::WriteModel(path, BenchShape(mib), 7);
  if (!error.empty()) std::fprintf(stderr, "%s\n", error.c_str());
  return error.empty() ? 0 : 1;
}

int RunCompare(const char* a, const char* b) {
  const std::string diff = CompareTensors(a, b);
  if (!diff.empty()) std::fprintf(stderr, "%s\n", diff.c_str());
  return diff.empty() ? 0 : 1;
}

int Usage() {
  std::fprintf(stderr, "usage: quantize_file_bench [--mib N] [--samples N] [--threads N] [--type T] [--dir D]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 7 && std::strcmp(argv[1], "--peer") == 0) {
    return RunPeer(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]), std::strcmp(argv[6], "pure") == 0);
  }
  if (argc == 4 && std::strcmp(argv[1], "--write") == 0) return RunWrite(argv[2], std::atoll(argv[3]));
  if (argc == 4 && std::strcmp(argv[1], "--compare") == 0) return RunCompare(argv[2], argv[3]);
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return Usage();
    const char* value = argv[++i];
    if (arg == "--mib") o.mib = std::atoll(value);
    else if (arg == "--samples") o.samples = std::atoi(value);
    else if (arg == "--threads") o.threads = std::atoi(value);
    else if (arg == "--type") o.type = value;
    else if (arg == "--dir") o.dir = value;
    else return Usage();
  }
  const FileType* ft = nullptr;
  for (const FileType& f : kFileTypes) {
    if (o.type == f.name) ft = &f;
  }
  const char* cli = std::getenv("AXQ_CLI");
  if (ft == nullptr || cli == nullptr || o.mib < 1 || o.samples < 1 || o.threads < 1) return Usage();

  const axq_interop::Shape shape = BenchShape(o.mib);
  const std::string dir = o.dir + "/axq-bench-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0700);
  const std::string in = dir + "/model-f32.gguf", ours = dir + "/axq.gguf", theirs = dir + "/llama.gguf";
  const std::string log = dir + "/run.log";
  const axq_interop::RunResult written =
      axq_interop::Run({"/proc/self/exe", "--write", in, std::to_string(o.mib)}, log);
  if (written.status != 0) {
    std::fprintf(stderr, "writing the model failed:\n%s\n", written.output.c_str());
    return 1;
  }
  struct stat st;
  stat(in.c_str(), &st);
  const double in_bytes = static_cast<double>(st.st_size);
  int64_t largest = 0;
  for (const auto& t : axq_interop::Tensors(shape)) largest = std::max(largest, 4 * t.elements());
  std::printf("input: %s, %.0f MiB F32 (%lld layers of %lld x %lld), largest tensor %.0f MiB; %s, %d threads, %s\n",
              in.c_str(), in_bytes / 1048576, static_cast<long long>(shape.layers),
              static_cast<long long>(shape.embd), static_cast<long long>(shape.ff),
              static_cast<double>(largest) / 1048576, o.type.c_str(), o.threads,
              ft->mix ? "llama.cpp's mix" : "pure");

  std::vector<std::string> axq_args = {cli, "quantize", in, ours, "--type", o.type, "--threads",
                                       std::to_string(o.threads)};
  if (!ft->mix) axq_args.push_back("--pure");
  const std::vector<std::string> peer_args = {"/proc/self/exe", "--peer", in, theirs,
                                              std::to_string(static_cast<int>(ft->ftype)),
                                              std::to_string(o.threads), ft->mix ? "mix" : "pure"};
  std::vector<double> axq_s, axq_rss, peer_s, peer_rss;
  std::string identical = "not compared";
  for (int s = 0; s < o.samples; ++s) {
    // Alternate which goes first, so that neither always finds a warmer cache.
    for (int k = 0; k < 2; ++k) {
      const bool ours_now = (k == 0) == (s % 2 == 0);
      const auto& args = ours_now ? axq_args : peer_args;
      const axq_interop::RunResult r = axq_interop::Run(args, log);
      if (r.status != 0) {
        std::fprintf(stderr, "%s failed (%d):\n%s\n", axq_interop::CommandLine(args).c_str(), r.status,
                     r.output.c_str());
        return 1;
      }
      (ours_now ? axq_s : peer_s).push_back(r.seconds);
      (ours_now ? axq_rss : peer_rss).push_back(static_cast<double>(r.peak_rss_bytes));
    }
    if (s == 0) {
      const axq_interop::RunResult r = axq_interop::Run({"/proc/self/exe", "--compare", ours, theirs}, log);
      identical = r.status == 0 ? "yes, every tensor" : "NO: " + r.output;
    }
    unlink(ours.c_str());
    unlink(theirs.c_str());
  }
  unlink(in.c_str());
  unlink(log.c_str());
  rmdir(dir.c_str());

  std::printf("%-28s %10s %10s %10s %14s\n", "tool", "median s", "min s", "GB/s", "peak RSS MiB");
  const double a = Median(axq_s), p = Median(peer_s);
  std::printf("%-28s %10.2f %10.2f %10.2f %14.0f\n", "axq quantize", a, *std::min_element(axq_s.begin(), axq_s.end()),
              in_bytes / a / 1e9, Median(axq_rss) / 1048576);
  std::printf("%-28s %10.2f %10.2f %10.2f %14.0f\n", "llama_model_quantize", p,
              *std::min_element(peer_s.begin(), peer_s.end()), in_bytes / p / 1e9, Median(peer_rss) / 1048576);
  std::printf("speedup (llama.cpp time / axq time, medians of %d): %.2fx\n", o.samples, p / a);
  std::printf("axq peak RSS %.0f MiB vs largest tensor + 64 MiB = %.0f MiB: %s\n", Median(axq_rss) / 1048576,
              static_cast<double>(largest) / 1048576 + 64,
              Median(axq_rss) <= static_cast<double>(largest) + 64.0 * 1048576 ? "within" : "OVER");
  std::printf("identical tensor bytes: %s\n", identical.c_str());
  return identical.rfind("yes", 0) == 0 ? 0 : 1;
}
