// The interop suite: libaxq's GGUF files against the real llama.cpp (the
// prebuilt libraries from npm node-llama-cpp, see tests/interop/meson.build).
// For every GGUF-exact type libaxq writes, a tiny random llama model is
// quantized by `axq quantize --pure` and by llama_model_quantize; the two
// files must hold the same tensors byte for byte, load in llama.cpp and give
// the very same logits; llama.cpp's files must read back through libaxq
// (`axq dequantize`, `axq inspect`) to exactly ggml's own dequantization.
//
// Environment (set by Meson): AXQ_CLI, the `axq` binary; LLAMA_PEER_BINS,
// the directory holding libllama and the CPU backends loaded at run time.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "ggml-backend.h"
#include "ggml.h"
#include "gtest/gtest.h"
#include "llama.h"
#include "src/gguf/gguf.h"
#include "src/io/mapped_file.h"
#include "tests/common/test_support.h"
#include "tests/interop/run.h"
#include "tests/interop/tiny_llama.h"

extern char** environ;

// libaxq's type ids are ggml's (STYLE.md, enums): the tables below rely on it.
static_assert(static_cast<int>(AXQ_TYPE_F16) == GGML_TYPE_F16, "type ids");
static_assert(static_cast<int>(AXQ_TYPE_BF16) == GGML_TYPE_BF16, "type ids");
static_assert(static_cast<int>(AXQ_TYPE_Q4_0) == GGML_TYPE_Q4_0, "type ids");
static_assert(static_cast<int>(AXQ_TYPE_Q4_1) == GGML_TYPE_Q4_1, "type ids");
static_assert(static_cast<int>(AXQ_TYPE_Q5_0) == GGML_TYPE_Q5_0, "type ids");
static_assert(static_cast<int>(AXQ_TYPE_Q5_1) == GGML_TYPE_Q5_1, "type ids");
static_assert(static_cast<int>(AXQ_TYPE_Q8_0) == GGML_TYPE_Q8_0, "type ids");
static_assert(static_cast<int>(AXQ_TYPE_TQ1_0) == GGML_TYPE_TQ1_0, "type ids");
static_assert(static_cast<int>(AXQ_TYPE_TQ2_0) == GGML_TYPE_TQ2_0, "type ids");

namespace {

using axq_interop::kVocab;
using axq_interop::Shape;
using axq_interop::WriteModel;

// Rows of 64 and 128: every 32-block type fits and the 256-block ternary
// types fall back. The wide shape's rows (256, 512) fit TQ1_0/TQ2_0 too, so
// their own encoders are compared as well.
constexpr Shape kNarrow = {"narrow", 64, 128, 4, 2};
constexpr Shape kWide = {"wide", 256, 512, 4, 2};
// Enough layers for the mixes' per-layer choices (first and last eighth,
// every third layer between), with grouped-query attention (8 heads, 2 KV).
constexpr Shape kDeep = {"deep", 256, 512, 8, 10, 2};

// ---------------------------------------------------------------------------
// llama.cpp's log: kept quiet, and shown only when a test fails.

std::mutex log_mutex;
std::string captured_log;

void CaptureLog(ggml_log_level, const char* text, void*) {
  std::lock_guard<std::mutex> lock(log_mutex);
  captured_log += text;
}

std::string TakeLog() {
  std::lock_guard<std::mutex> lock(log_mutex);
  std::string log;
  log.swap(captured_log);
  return log;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// The CPU backends are separate libraries that ggml picks from at run time
// (the best one for this CPU), so they must be loaded before any model.
class PeerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    llama_log_set(CaptureLog, nullptr);
    ggml_backend_load_all_from_path(Env("LLAMA_PEER_BINS").c_str());
    llama_backend_init();
  }
  void TearDown() override { llama_backend_free(); }
};
::testing::Environment* const peer_environment = ::testing::AddGlobalTestEnvironment(new PeerEnvironment);

// ---------------------------------------------------------------------------
// Running the `axq` CLI, output captured for the failure message.

using axq_interop::CommandLine;
using axq_interop::RunResult;

RunResult RunCli(const std::vector<std::string>& args) {
  static int runs = 0;
  return axq_interop::Run(args, axq_test::ScratchPath("run-" + std::to_string(runs++) + ".log"));
}

// ---------------------------------------------------------------------------
// Reading GGUF files with libaxq's reader.

struct Gguf {
  axq::MappedFile mapped;
  axq::gguf::File file;
  std::map<std::string, const axq::gguf::TensorInfo*> by_name;
};

std::unique_ptr<Gguf> Open(const std::string& path) {
  auto g = std::make_unique<Gguf>();
  if (!g->mapped.Open(path).ok() ||
      !axq::gguf::Parse(g->mapped.data(), g->mapped.size(), path.c_str(), &g->file).ok()) {
    ADD_FAILURE() << "libaxq cannot read " << path << ": " << axq_last_error();
    return nullptr;
  }
  for (const axq::gguf::TensorInfo& t : g->file.tensors) g->by_name[t.name] = &t;
  return g;
}

std::string TypeName(int32_t type) {
  return type >= 0 && type < GGML_TYPE_COUNT ? ggml_type_name(static_cast<ggml_type>(type)) : "?";
}

int64_t Elements(const axq::gguf::TensorInfo& t) {
  int64_t n = 1;
  for (int d = 0; d < t.n_dims; ++d) n *= t.ne[d];
  return n;
}

std::string Dims(const axq::gguf::TensorInfo& t) {
  std::string s;
  for (int d = 0; d < t.n_dims; ++d) s += (d ? " x " : "") + std::to_string(t.ne[d]);
  return s;
}

// ---------------------------------------------------------------------------
// Running a model in llama.cpp.

constexpr int kThreads = 2;

// Logits of the last of BOS + five byte tokens.
std::vector<float> LastLogits(const std::string& path) {
  llama_model_params mp = llama_model_default_params();
  mp.n_gpu_layers = 0;
  llama_model* model = llama_model_load_from_file(path.c_str(), mp);
  if (model == nullptr) {
    ADD_FAILURE() << "llama.cpp cannot load " << path;
    return {};
  }
  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = 64;
  cp.n_batch = 64;
  cp.n_ubatch = 64;
  cp.n_threads = kThreads;
  cp.n_threads_batch = kThreads;
  cp.no_perf = true;
  llama_context* ctx = llama_init_from_model(model, cp);
  std::vector<float> logits;
  if (ctx == nullptr) {
    ADD_FAILURE() << "llama.cpp cannot make a context for " << path;
  } else {
    std::vector<llama_token> tokens = {1};
    for (char c : std::string("axq!\n")) tokens.push_back(3 + static_cast<unsigned char>(c));
    const int rc = llama_decode(ctx, llama_batch_get_one(tokens.data(), static_cast<int32_t>(tokens.size())));
    const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    const float* last = rc == 0 ? llama_get_logits_ith(ctx, -1) : nullptr;
    if (last == nullptr || n_vocab != kVocab) {
      ADD_FAILURE() << "llama_decode on " << path << ": " << rc << ", n_vocab " << n_vocab;
    } else {
      logits.assign(last, last + n_vocab);
    }
    llama_free(ctx);
  }
  llama_model_free(model);
  return logits;
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

// ---------------------------------------------------------------------------
// The cases.

struct Case {
  const char* axq_name;  // for `axq quantize --type`
  ggml_type type;        // the default type (a mix varies it per tensor)
  llama_ftype ftype;
  const Shape* shape;
  // Sanity bound on the cosine of the logits against the F32 model's.
  double min_cosine;
  // true: llama.cpp's mix for the file type (no --pure on either side).
  bool mix = false;
  // true: both tools quantize with the same importance matrix.
  bool imatrix = false;
};

// Names the pair of files, and the test.
std::string CaseKey(const Case& c) {
  return std::string(c.mix ? c.axq_name : ggml_type_name(c.type)) + (c.mix ? "_mix_" : "_") +
         (c.imatrix ? "imatrix_" : "") + c.shape->name;
}

// An importance matrix for every matrix of the model that llama-imatrix
// would see (all but the token embedding, which is a lookup), from random
// activations whose columns differ in scale by up to 100x; saved as
// llama.cpp's GGUF imatrix. The importance of each entry is kept for
// llama_model_quantize.
struct Importance {
  std::string failure;
  std::string path;
  std::vector<std::string> names;
  std::vector<std::vector<float>> values;
};

const Importance& ImportanceFor(const Shape& s) {
  static std::map<std::string, Importance> made;
  auto it = made.find(s.name);
  if (it != made.end()) return it->second;
  Importance& imp = made[s.name];
  imp.path = axq_test::ScratchPath(std::string("imatrix-") + s.name + ".gguf");
  axq_imatrix_t* im = nullptr;
  if (axq_imatrix_create(&im) != AXQ_OK) {
    imp.failure = axq_last_error();
    return imp;
  }
  axq_test::Rng rng(0x1a7121c5);
  for (const axq_interop::TensorSpec& t : axq_interop::Tensors(s)) {
    if (t.ne.size() < 2 || t.name == "token_embd.weight") continue;
    const int64_t cols = t.ne[0], rows = 32;
    std::vector<float> column_scale(static_cast<size_t>(cols)), x(static_cast<size_t>(rows * cols));
    for (float& c : column_scale) c = std::pow(10.0f, 2.0f * static_cast<float>(rng.Uniform()));
    for (int64_t i = 0; i < rows * cols; ++i) x[i] = column_scale[i % cols] * rng.Gaussian();
    if (axq_imatrix_accumulate(im, t.name.c_str(), x.data(), rows, cols) != AXQ_OK) {
      imp.failure = t.name + ": " + axq_last_error();
      break;
    }
    imp.names.push_back(t.name);
    imp.values.emplace_back(static_cast<size_t>(cols));
    if (axq_imatrix_values(im, t.name.c_str(), imp.values.back().data(), cols) != AXQ_OK) {
      imp.failure = t.name + ": " + axq_last_error();
      break;
    }
  }
  if (imp.failure.empty() && axq_imatrix_save(im, imp.path.c_str()) != AXQ_OK) imp.failure = axq_last_error();
  axq_imatrix_destroy(im);
  return imp;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return CaseKey(info.param); }

void PrintTo(const Case& c, std::ostream* os) {
  *os << (c.mix ? std::string("the ") + c.axq_name + " mix" : std::string(ggml_type_name(c.type))) << " on the "
      << c.shape->name << " model";
}

// Rounding error allowed when dequantizing, relative to the block's largest
// magnitude: half a step of each format's grid (a full step where ggml
// clamps the top code), plus what rounding the scale (and min) to f16 adds
// at the largest code.
double BlockTolerance(int32_t type) {
  switch (type) {
    case GGML_TYPE_F32: return 0.0;
    case GGML_TYPE_F16: return 1.0 / 2048;
    case GGML_TYPE_BF16: return 1.0 / 256;
    case GGML_TYPE_Q4_0: return 1.0 / 8 * 1.01;   // d = amax/8, the +8 code clamps to 7
    case GGML_TYPE_Q4_1: return 2.0 / 30 * 1.1;   // (max - min)/15 / 2
    case GGML_TYPE_Q5_0: return 1.0 / 16 * 1.01;  // d = amax/16, +16 clamps to 15
    case GGML_TYPE_Q5_1: return 2.0 / 62 * 1.1;   // (max - min)/31 / 2
    case GGML_TYPE_Q8_0: return 1.0 / 254 * 1.15;  // d = amax/127
    case GGML_TYPE_TQ1_0:
    case GGML_TYPE_TQ2_0: return 0.5 * 1.01;  // ternary: {-d, 0, d} with d = amax
    // K-quants: the searches trade the largest values' error for the rest
    // (they may clip), and sub-block scales are themselves rounded to 4, 6
    // or 8 bits, so there is no tight closed form: these are loose sanity
    // bounds relative to the super-block's largest magnitude (a step of the
    // coarsest sub-block grid), the exact checks being the byte and to_float
    // comparisons.
    case GGML_TYPE_Q2_K: return 0.5;
    case GGML_TYPE_Q3_K: return 0.3;
    case GGML_TYPE_Q4_K: return 0.15;
    case GGML_TYPE_Q5_K: return 0.08;
    case GGML_TYPE_Q6_K: return 0.04;
    default: return 0.0;
  }
}

class Interop : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override { TakeLog(); }
  void TearDown() override {
    const std::string log = TakeLog();
    if (HasFailure() && !log.empty()) {
      // The end is what explains a failure; the start is the model dump.
      const size_t keep = 12000;
      const bool cut = log.size() > keep;
      std::printf("---- llama.cpp log%s ----\n%s---- end of llama.cpp log ----\n", cut ? " (last part)" : "",
                  log.substr(cut ? log.size() - keep : 0).c_str());
    }
  }

  // Each model, each pair of quantized files and each read-back is made
  // once and shared by the tests that look at it; `failure` says why one
  // could not be made, to every test that needs it.
  struct Model {
    std::string failure;
    std::string path;
    std::vector<float> logits;  // of the F32 model
  };
  struct Pair {
    std::string failure;
    std::string axq, llama;  // the two quantized files
    // llama.cpp's file expanded to f32 by `axq dequantize`, on first use.
    std::string dequantized, dequantize_failure;
  };

  static const Model& ModelFor(const Shape& s) {
    static std::map<std::string, Model> models;
    auto it = models.find(s.name);
    if (it != models.end()) return it->second;
    Model& m = models[s.name];
    m.path = axq_test::ScratchPath(std::string("model-") + s.name + "-f32.gguf");
    m.failure = WriteModel(m.path, s, 0x11a3a + static_cast<uint64_t>(s.embd));
    if (m.failure.empty()) {
      m.logits = LastLogits(m.path);
      if (m.logits.empty()) m.failure = "llama.cpp could not run the F32 model " + m.path;
    }
    return m;
  }

  static Pair& PairFor(const Case& c) {
    static std::map<std::string, Pair> pairs;
    const std::string key = CaseKey(c);
    auto it = pairs.find(key);
    if (it != pairs.end()) return it->second;
    Pair& p = pairs[key];
    const Model& m = ModelFor(*c.shape);
    if (!m.failure.empty()) {
      p.failure = m.failure;
      return p;
    }
    p.axq = axq_test::ScratchPath("axq-" + key + ".gguf");
    p.llama = axq_test::ScratchPath("llama-" + key + ".gguf");
    std::vector<std::string> args = {Env("AXQ_CLI"), "quantize", m.path, p.axq, "--type", c.axq_name,
                                     "--threads", std::to_string(kThreads)};
    if (!c.mix) args.push_back("--pure");
    std::vector<llama_model_imatrix_data> imatrix;
    if (c.imatrix) {
      const Importance& imp = ImportanceFor(*c.shape);
      if (!imp.failure.empty()) {
        p.failure = "making the importance matrix: " + imp.failure;
        return p;
      }
      args.insert(args.end(), {"--imatrix", imp.path});
      for (size_t i = 0; i < imp.names.size(); ++i) {
        imatrix.push_back({imp.names[i].c_str(), imp.values[i].data(), imp.values[i].size()});
      }
      imatrix.push_back({nullptr, nullptr, 0});
    }
    // ggml's ternary encoders take each block's own absmax; `axq quantize`
    // defaults to BitNet's tensor-wide absmean, so ask for ggml's rule.
    if (c.type == GGML_TYPE_TQ1_0 || c.type == GGML_TYPE_TQ2_0) {
      args.insert(args.end(), {"--ternary", "reference"});
    }
    const RunResult r = RunCli(args);
    if (r.status != 0) {
      p.failure = CommandLine(args) + ": exit status " + std::to_string(r.status) + "\n" + r.output;
      return p;
    }
    llama_model_quantize_params params = llama_model_quantize_default_params();
    params.ftype = c.ftype;
    params.pure = !c.mix;
    params.nthread = kThreads;
    if (c.imatrix) params.imatrix = imatrix.data();
    const uint32_t rc = llama_model_quantize(m.path.c_str(), p.llama.c_str(), &params);
    if (rc != 0) {
      p.failure = "llama_model_quantize to " + std::string(ggml_type_name(c.type)) + " failed (" +
                  std::to_string(rc) + "); llama.cpp's log follows the first test that tried";
    }
    return p;
  }

  // `axq dequantize` of llama.cpp's file; "" after reporting a failure.
  static const std::string& Dequantized(Pair& p) {
    if (p.dequantized.empty() && p.dequantize_failure.empty()) {
      const std::string out = p.llama + ".dequantized.gguf";
      const std::vector<std::string> args = {Env("AXQ_CLI"), "dequantize", p.llama, out, "--threads",
                                             std::to_string(kThreads)};
      const RunResult r = RunCli(args);
      if (r.status == 0) {
        p.dequantized = out;
      } else {
        p.dequantize_failure = CommandLine(args) + ": exit status " + std::to_string(r.status) + "\n" + r.output;
      }
    }
    if (p.dequantized.empty()) ADD_FAILURE() << p.dequantize_failure;
    return p.dequantized;
  }
};

// Step 1: the same tensors, types, dims and bytes as llama.cpp's quantizer.
TEST_P(Interop, SameBytesAsLlamaQuantize) {
  const Case& c = GetParam();
  Pair& p = PairFor(c);
  ASSERT_TRUE(p.failure.empty()) << p.failure;
  const auto ours = Open(p.axq);
  const auto theirs = Open(p.llama);
  ASSERT_TRUE(ours && theirs);
  EXPECT_EQ(ours->file.alignment, theirs->file.alignment);
  for (const auto& [name, t] : theirs->by_name) {
    EXPECT_TRUE(ours->by_name.count(name)) << "libaxq's file lacks " << name;
  }
  for (const auto& [name, a] : ours->by_name) {
    auto it = theirs->by_name.find(name);
    if (it == theirs->by_name.end()) {
      ADD_FAILURE() << "llama.cpp's file lacks " << name;
      continue;
    }
    const axq::gguf::TensorInfo* b = it->second;
    if (a->type != b->type) {
      const int64_t block = ggml_blck_size(c.type);
      ADD_FAILURE() << name << " (" << Dims(*a) << "): libaxq wrote " << TypeName(a->type) << ", llama.cpp "
                    << TypeName(b->type)
                    << (a->ne[0] % block != 0 ? " (rows of " + std::to_string(a->ne[0]) + " do not fit " +
                                                    ggml_type_name(c.type) + "'s block of " + std::to_string(block) +
                                                    ": the two fallback rules differ)"
                                              : "");
      continue;
    }
    EXPECT_EQ(Dims(*a), Dims(*b)) << name;
    if (a->nbytes != b->nbytes) {
      ADD_FAILURE() << name << ": " << a->nbytes << " bytes from libaxq, " << b->nbytes << " from llama.cpp";
      continue;
    }
    const uint8_t* x = ours->file.TensorData(*a);
    const uint8_t* y = theirs->file.TensorData(*b);
    if (std::memcmp(x, y, a->nbytes) != 0) {
      uint64_t i = 0;
      while (x[i] == y[i]) ++i;
      uint64_t differing = 0;
      for (uint64_t j = i; j < a->nbytes; ++j) differing += x[j] != y[j];
      const size_t block_bytes = ggml_type_size(static_cast<ggml_type>(a->type));
      ADD_FAILURE() << name << " (" << TypeName(a->type) << ", " << Dims(*a) << "): first differing byte " << i
                    << " of " << a->nbytes << " (block " << i / block_bytes << ", byte " << i % block_bytes
                    << " in it): libaxq 0x" << std::hex << int{x[i]} << ", llama.cpp 0x" << int{y[i]} << std::dec
                    << "; " << differing << " bytes differ";
    }
  }
}

// Step 2: both files load in llama.cpp and give exactly the same logits,
// finite and close to the F32 model's. Closer still to those of an F32
// model holding the very values the quantized weights stand for (the file
// read back by `axq dequantize`): what remains there is only llama.cpp's
// own rounding of activations, so this bound holds for ternary weights too,
// whose logits keep little of a random model's.
TEST_P(Interop, SameLogitsInLlama) {
  const Case& c = GetParam();
  Pair& p = PairFor(c);
  ASSERT_TRUE(p.failure.empty()) << p.failure;
  const std::vector<float> ours = LastLogits(p.axq);
  const std::vector<float> theirs = LastLogits(p.llama);
  ASSERT_FALSE(ours.empty() || theirs.empty());
  for (size_t i = 0; i < ours.size(); ++i) {
    ASSERT_TRUE(std::isfinite(ours[i])) << "logit " << i << " of libaxq's file: " << ours[i];
  }
  if (std::memcmp(ours.data(), theirs.data(), ours.size() * sizeof(float)) != 0) {
    size_t i = 0;
    while (std::memcmp(&ours[i], &theirs[i], sizeof(float)) == 0) ++i;
    ADD_FAILURE() << "logits differ first at token " << i << ": libaxq's file " << ours[i] << ", llama.cpp's "
                  << theirs[i] << " (cosine " << Cosine(ours, theirs) << ")";
  }
  const double cosine = Cosine(ours, ModelFor(*c.shape).logits);
  EXPECT_GT(cosine, c.min_cosine) << "logits against the F32 model's";
  RecordProperty("cosine_vs_f32", std::to_string(cosine));
  const std::string& same_values = Dequantized(p);
  ASSERT_FALSE(same_values.empty());
  const std::vector<float> expanded = LastLogits(same_values);
  ASSERT_FALSE(expanded.empty());
  const double cosine_same = Cosine(ours, expanded);
  EXPECT_GT(cosine_same, 0.999) << "logits against an F32 model of the dequantized weights";
  RecordProperty("cosine_vs_dequantized", std::to_string(cosine_same));
}

// Step 3: llama.cpp's file read back through libaxq. `axq dequantize` must
// give, bit for bit, what ggml's own to_float gives for the same bytes, and
// stay within the format's rounding of the F32 source; `axq inspect` must
// accept the file.
TEST_P(Interop, LlamaFileReadsBack) {
  const Case& c = GetParam();
  Pair& p = PairFor(c);
  ASSERT_TRUE(p.failure.empty()) << p.failure;
  const std::vector<std::string> inspect = {Env("AXQ_CLI"), "inspect", p.llama};
  const RunResult shown = RunCli(inspect);
  EXPECT_EQ(shown.status, 0) << CommandLine(inspect) << "\n" << shown.output;

  const std::string& f32 = Dequantized(p);
  ASSERT_FALSE(f32.empty());

  const auto theirs = Open(p.llama);
  const auto expanded = Open(f32);
  const auto source = Open(ModelFor(*c.shape).path);
  ASSERT_TRUE(theirs && expanded && source);
  for (const auto& [name, q] : theirs->by_name) {
    SCOPED_TRACE(name + " (" + TypeName(q->type) + ")");
    auto e = expanded->by_name.find(name);
    auto s = source->by_name.find(name);
    ASSERT_TRUE(e != expanded->by_name.end() && s != source->by_name.end());
    ASSERT_EQ(e->second->type, GGML_TYPE_F32);
    ASSERT_EQ(Dims(*e->second), Dims(*q));
    const int64_t n = Elements(*q);
    std::vector<float> ggml_values(static_cast<size_t>(n));
    const ggml_type type = static_cast<ggml_type>(q->type);
    if (type == GGML_TYPE_F32) {
      std::memcpy(ggml_values.data(), theirs->file.TensorData(*q), static_cast<size_t>(n) * sizeof(float));
    } else {
      const ggml_type_traits* traits = ggml_get_type_traits(type);
      ASSERT_NE(traits->to_float, nullptr);
      traits->to_float(theirs->file.TensorData(*q), ggml_values.data(), n);
    }
    const float* ours = reinterpret_cast<const float*>(expanded->file.TensorData(*e->second));
    const int64_t mismatch = axq_test::FirstFloatMismatch(ours, ggml_values.data(), n);
    EXPECT_EQ(mismatch, -1) << "element " << mismatch << ": libaxq " << (mismatch >= 0 ? ours[mismatch] : 0.0f)
                            << ", ggml " << (mismatch >= 0 ? ggml_values[mismatch] : 0.0f);

    // An importance matrix buys accuracy on the important columns with
    // error on the others: no per-element bound holds then.
    if (c.imatrix) continue;
    const float* x = reinterpret_cast<const float*>(source->file.TensorData(*s->second));
    const int64_t block = type == GGML_TYPE_F32 ? 1 : ggml_blck_size(type);
    const double tolerance = BlockTolerance(type);
    // f16 holds the smallest weights as subnormals, on a fixed grid of 2^-24.
    const double floor = type == GGML_TYPE_F16 ? std::ldexp(1.0, -25) : 0.0;
    int64_t worst = -1;
    double worst_excess = 0;
    for (int64_t b = 0; b < n; b += block) {
      double amax = 0;
      for (int64_t i = b; i < b + block; ++i) amax = std::max(amax, std::fabs(static_cast<double>(x[i])));
      for (int64_t i = b; i < b + block; ++i) {
        const double excess = std::fabs(static_cast<double>(ours[i]) - x[i]) - tolerance * amax - floor;
        if (excess > worst_excess) {
          worst_excess = excess;
          worst = i;
        }
      }
    }
    EXPECT_EQ(worst, -1) << "element " << worst << ": source " << (worst >= 0 ? x[worst] : 0.0f) << ", read back "
                         << (worst >= 0 ? ours[worst] : 0.0f) << ", beyond the format's rounding by " << worst_excess;
  }
}

// Cosine bounds against the F32 model, measured with margin: 8-bit and
// float formats keep the logits almost exactly, 4/5-bit ones drift a little
// through two layers, and per-block absmax ternary weights keep little of a
// random Gaussian model (about 0.14): there the bound only asks for the
// same direction, and the comparison with the dequantized model does the
// real checking.
const Case kCases[] = {
    {"f16", GGML_TYPE_F16, LLAMA_FTYPE_MOSTLY_F16, &kNarrow, 0.99},
    {"bf16", GGML_TYPE_BF16, LLAMA_FTYPE_MOSTLY_BF16, &kNarrow, 0.99},
    {"q4_0", GGML_TYPE_Q4_0, LLAMA_FTYPE_MOSTLY_Q4_0, &kNarrow, 0.9},
    {"q4_1", GGML_TYPE_Q4_1, LLAMA_FTYPE_MOSTLY_Q4_1, &kNarrow, 0.9},
    {"q5_0", GGML_TYPE_Q5_0, LLAMA_FTYPE_MOSTLY_Q5_0, &kNarrow, 0.9},
    {"q5_1", GGML_TYPE_Q5_1, LLAMA_FTYPE_MOSTLY_Q5_1, &kNarrow, 0.9},
    {"q8_0", GGML_TYPE_Q8_0, LLAMA_FTYPE_MOSTLY_Q8_0, &kNarrow, 0.99},
    // Rows of 64/128: both tools must fall back (llama.cpp: to q4_0).
    {"tq1_0", GGML_TYPE_TQ1_0, LLAMA_FTYPE_MOSTLY_TQ1_0, &kNarrow, 0.9},
    {"tq2_0", GGML_TYPE_TQ2_0, LLAMA_FTYPE_MOSTLY_TQ2_0, &kNarrow, 0.9},
    // Rows that fit: the ternary encoders themselves.
    {"tq1_0", GGML_TYPE_TQ1_0, LLAMA_FTYPE_MOSTLY_TQ1_0, &kWide, 0.05},
    {"tq2_0", GGML_TYPE_TQ2_0, LLAMA_FTYPE_MOSTLY_TQ2_0, &kWide, 0.05},
    // The K-quants alone, on rows of 256 and 512.
    {"q2_k", GGML_TYPE_Q2_K, LLAMA_FTYPE_MOSTLY_Q2_K, &kWide, 0.5},
    {"q3_k", GGML_TYPE_Q3_K, LLAMA_FTYPE_MOSTLY_Q3_K_M, &kWide, 0.8},
    {"q4_k", GGML_TYPE_Q4_K, LLAMA_FTYPE_MOSTLY_Q4_K_M, &kWide, 0.9},
    {"q5_k", GGML_TYPE_Q5_K, LLAMA_FTYPE_MOSTLY_Q5_K_M, &kWide, 0.9},
    {"q6_k", GGML_TYPE_Q6_K, LLAMA_FTYPE_MOSTLY_Q6_K, &kWide, 0.95},
    // llama.cpp's mixes: per-tensor types as llama_model_quantize picks
    // them, on a model with grouped-query attention and ten layers, and for
    // Q2_K also without grouped-query attention (V then gets Q3_K).
    {"q4_k_m", GGML_TYPE_Q4_K, LLAMA_FTYPE_MOSTLY_Q4_K_M, &kDeep, 0.9, true},
    {"q4_k_s", GGML_TYPE_Q4_K, LLAMA_FTYPE_MOSTLY_Q4_K_S, &kDeep, 0.9, true},
    {"q5_k_m", GGML_TYPE_Q5_K, LLAMA_FTYPE_MOSTLY_Q5_K_M, &kDeep, 0.9, true},
    {"q3_k_m", GGML_TYPE_Q3_K, LLAMA_FTYPE_MOSTLY_Q3_K_M, &kDeep, 0.8, true},
    {"q6_k", GGML_TYPE_Q6_K, LLAMA_FTYPE_MOSTLY_Q6_K, &kDeep, 0.95, true},
    {"q2_k", GGML_TYPE_Q2_K, LLAMA_FTYPE_MOSTLY_Q2_K, &kDeep, 0.5, true},
    {"q2_k", GGML_TYPE_Q2_K, LLAMA_FTYPE_MOSTLY_Q2_K, &kWide, 0.5, true},
    {"q4_0", GGML_TYPE_Q4_0, LLAMA_FTYPE_MOSTLY_Q4_0, &kDeep, 0.9, true},
    // With an importance matrix (`axq quantize --imatrix FILE` against
    // llama_model_quantize given the same importance): every weighted
    // quantizer, and the Q4_0 mix's Q4_1 for the first FFN down.
    {"q4_k_m", GGML_TYPE_Q4_K, LLAMA_FTYPE_MOSTLY_Q4_K_M, &kDeep, 0.9, true, true},
    {"q3_k_m", GGML_TYPE_Q3_K, LLAMA_FTYPE_MOSTLY_Q3_K_M, &kDeep, 0.8, true, true},
    {"q2_k", GGML_TYPE_Q2_K, LLAMA_FTYPE_MOSTLY_Q2_K, &kDeep, 0.5, true, true},
    {"q5_k_m", GGML_TYPE_Q5_K, LLAMA_FTYPE_MOSTLY_Q5_K_M, &kDeep, 0.9, true, true},
    {"q4_0", GGML_TYPE_Q4_0, LLAMA_FTYPE_MOSTLY_Q4_0, &kDeep, 0.9, true, true},
    {"q5_0", GGML_TYPE_Q5_0, LLAMA_FTYPE_MOSTLY_Q5_0, &kDeep, 0.9, true, true},
    {"q4_1", GGML_TYPE_Q4_1, LLAMA_FTYPE_MOSTLY_Q4_1, &kDeep, 0.9, true, true},
    {"q5_1", GGML_TYPE_Q5_1, LLAMA_FTYPE_MOSTLY_Q5_1, &kDeep, 0.9, true, true},
};

INSTANTIATE_TEST_SUITE_P(GgufExactTypes, Interop, ::testing::ValuesIn(kCases), CaseName);

}  // namespace
