// Whole-model quantization, file to file: which tensors get which type
// (defaults, rules, --pure, the fallback), the bytes of every tensor, the
// metadata, thread-count invariance, safetensors input, and failures that
// leave the old output in place.
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"
#include "src/gguf/gguf.h"
#include "src/io/mapped_file.h"
#include "src/model/dequantize_file.h"
#include "src/model/quantize_file.h"

namespace {

std::string Path(const std::string& name) { return axq_test::ScratchPath(name); }

std::vector<uint8_t> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

struct Source {
  std::string name;
  std::vector<int64_t> ne;
  std::vector<float> values;
};

std::vector<Source> Model() {
  std::vector<Source> model = {{"token_embd.weight", {128, 10}, {}}, {"blk.0.attn_norm.weight", {64}, {}},
                               {"blk.0.ffn.weight", {64, 8}, {}},   {"blk.0.norm2d.weight", {64, 2}, {}},
                               {"odd.weight", {48, 2}, {}},         {"output_norm.weight", {64}, {}}};
  uint32_t seed = 1;
  for (Source& s : model) {
    int64_t n = 1;
    for (int64_t d : s.ne) n *= d;
    for (int64_t i = 0; i < n; ++i) {
      seed = seed * 1664525u + 1013904223u;
      s.values.push_back((static_cast<float>(seed >> 8) / 16777216.0f - 0.5f) * 0.2f);
    }
  }
  return model;
}

void WriteGguf(const std::string& path, const std::vector<Source>& model) {
  axq::gguf::File f;
  f.metadata.push_back({"general.architecture", axq::gguf::Value::String("llama")});
  f.metadata.push_back({"general.file_type", axq::gguf::Value::U32(0)});
  for (const Source& s : model) {
    axq::gguf::TensorInfo t;
    t.name = s.name;
    t.n_dims = static_cast<int>(s.ne.size());
    for (size_t d = 0; d < s.ne.size(); ++d) t.ne[d] = s.ne[d];
    f.tensors.push_back(t);
  }
  ASSERT_TRUE(axq::gguf::Write(path, f, [&](size_t i, const axq::gguf::TensorSink& sink) {
                return sink(model[i].values.data(), model[i].values.size() * 4);
              }).ok())
      << axq_last_error();
}

void WriteSafetensors(const std::string& path, const std::vector<Source>& model) {
  std::string header = "{";
  uint64_t offset = 0;
  for (const Source& s : model) {
    std::string shape;
    for (size_t d = s.ne.size(); d-- > 0;) shape += (shape.empty() ? "" : ",") + std::to_string(s.ne[d]);
    const uint64_t bytes = s.values.size() * 4;
    header += (header.size() > 1 ? "," : "") + std::string("\"") + s.name + "\":{\"dtype\":\"F32\",\"shape\":[" + shape +
              "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  std::ofstream out(path, std::ios::binary);
  const uint64_t n = header.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header;
  for (const Source& s : model) out.write(reinterpret_cast<const char*>(s.values.data()), s.values.size() * 4);
}

struct Output {
  std::map<std::string, int32_t> types;
  std::map<std::string, std::vector<uint8_t>> bytes;
  axq::gguf::File file;
  axq::MappedFile mapped;
};

void ReadOutput(const std::string& path, Output* out) {
  ASSERT_TRUE(out->mapped.Open(path).ok());
  ASSERT_TRUE(axq::gguf::Parse(out->mapped.data(), out->mapped.size(), path.c_str(), &out->file).ok())
      << axq_last_error();
  for (const axq::gguf::TensorInfo& t : out->file.tensors) {
    out->types[t.name] = t.type;
    const uint8_t* p = out->file.TensorData(t);
    out->bytes[t.name].assign(p, p + t.nbytes);
  }
}

std::vector<uint8_t> Expected(axq_type type, const Source& s) {
  if (type == AXQ_TYPE_F32) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(s.values.data());
    return std::vector<uint8_t>(p, p + s.values.size() * 4);
  }
  size_t size = 0;
  EXPECT_EQ(axq_row_size(&size, type, static_cast<int64_t>(s.values.size())), AXQ_OK);
  std::vector<uint8_t> out(size);
  size_t written = 0;
  EXPECT_EQ(axq_quantize_row(out.data(), out.size(), &written, type, s.values.data(),
                             static_cast<int64_t>(s.values.size())),
            AXQ_OK);
  return out;
}

TEST(QuantizeFile, DefaultsKeepNormsAndOneDimTensorsAndFallBackForOddRows) {
  const std::vector<Source> model = Model();
  WriteGguf(Path("in.gguf"), model);
  axq::QuantizeFileOptions options;
  options.choice.type = AXQ_TYPE_Q4_0;
  std::vector<axq_progress_t> progress;
  options.progress = [](const axq_progress_t* p, void* user) {
    static_cast<std::vector<axq_progress_t>*>(user)->push_back(*p);
    return 0;
  };
  options.progress_user = &progress;
  ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("out.gguf"), options).ok()) << axq_last_error();
  Output out;
  ReadOutput(Path("out.gguf"), &out);
  const std::map<std::string, int32_t> want = {{"token_embd.weight", AXQ_TYPE_Q4_0}, {"blk.0.attn_norm.weight", AXQ_TYPE_F32},
                                               {"blk.0.ffn.weight", AXQ_TYPE_Q4_0},  {"blk.0.norm2d.weight", AXQ_TYPE_F32},
                                               {"odd.weight", AXQ_TYPE_F16},         {"output_norm.weight", AXQ_TYPE_F32}};
  EXPECT_EQ(out.types, want);
  for (const Source& s : model) {
    EXPECT_EQ(out.bytes[s.name], Expected(static_cast<axq_type>(want.at(s.name)), s)) << s.name;
  }
  int64_t file_type = -1, version = -1;
  ASSERT_TRUE(out.file.Find("general.file_type")->value.AsInteger(&file_type));
  ASSERT_TRUE(out.file.Find("general.quantization_version")->value.AsInteger(&version));
  EXPECT_EQ(file_type, 2);  // llama_ftype MOSTLY_Q4_0
  EXPECT_EQ(version, 2);
  EXPECT_EQ(out.file.Find("general.architecture")->value.scalar, "llama");
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().tensor_index, model.size() - 1);
  EXPECT_EQ(progress.back().bytes_done, progress.back().bytes_total);
  for (size_t i = 1; i < progress.size(); ++i) EXPECT_GE(progress[i].bytes_done, progress[i - 1].bytes_done);
}

TEST(QuantizeFile, RulesAndPureMode) {
  const std::vector<Source> model = Model();
  WriteGguf(Path("in.gguf"), model);
  axq::QuantizeFileOptions options;
  options.choice.type = AXQ_TYPE_Q4_0;
  axq::TensorRule rule;
  ASSERT_TRUE(axq::ParseRule("*ffn*=Q8_0", &rule).ok());
  options.choice.rules.push_back(rule);
  ASSERT_TRUE(axq::ParseRule("token_embd.weight=f32", &rule).ok());
  options.choice.rules.push_back(rule);
  ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("rules.gguf"), options).ok()) << axq_last_error();
  Output out;
  ReadOutput(Path("rules.gguf"), &out);
  EXPECT_EQ(out.types["blk.0.ffn.weight"], AXQ_TYPE_Q8_0);
  EXPECT_EQ(out.types["token_embd.weight"], AXQ_TYPE_F32);
  options.choice.rules.clear();
  options.choice.pure = true;
  ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("pure.gguf"), options).ok()) << axq_last_error();
  Output pure;
  ReadOutput(Path("pure.gguf"), &pure);
  EXPECT_EQ(pure.types["blk.0.norm2d.weight"], AXQ_TYPE_Q4_0);  // --pure quantizes 2-D norms
  EXPECT_EQ(pure.types["output_norm.weight"], AXQ_TYPE_F32);     // 1-D still kept
  EXPECT_EQ(axq::ParseRule("no-equals", &rule).code(), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq::ParseRule("*=q9_9", &rule).code(), AXQ_ERR_UNKNOWN_TYPE);

  // Regular expressions, searched anywhere in the name like llama-quantize's.
  options.choice.pure = false;
  ASSERT_TRUE(axq::ParseRule("re:^blk\\.[0-9]+\\.ffn=q5_1", &rule).ok()) << axq_last_error();
  EXPECT_TRUE(rule.Matches("blk.12.ffn_up.weight"));
  EXPECT_FALSE(rule.Matches("xblk.1.ffn"));
  options.choice.rules = {rule};
  ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("re.gguf"), options).ok()) << axq_last_error();
  Output re;
  ReadOutput(Path("re.gguf"), &re);
  EXPECT_EQ(re.types["blk.0.ffn.weight"], AXQ_TYPE_Q5_1);
  EXPECT_EQ(re.types["token_embd.weight"], AXQ_TYPE_Q4_0);
  EXPECT_EQ(axq::ParseRule("re:([a=q4_0", &rule).code(), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("not a regular expression"), std::string::npos) << axq_last_error();
}

TEST(QuantizeFile, OutputDoesNotDependOnTheThreadCount) {
  const std::vector<Source> model = Model();
  WriteGguf(Path("in.gguf"), model);
  for (axq_type type : {AXQ_TYPE_Q4_0, AXQ_TYPE_Q5_1, AXQ_TYPE_I2_S}) {
    axq::QuantizeFileOptions options;
    options.choice.type = type;
    options.threads = 1;
    ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("t1.gguf"), options).ok()) << axq_last_error();
    options.threads = 3;
    ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("t3.gguf"), options).ok()) << axq_last_error();
    EXPECT_EQ(ReadAll(Path("t1.gguf")), ReadAll(Path("t3.gguf"))) << type;
  }
}

TEST(QuantizeFile, SafetensorsInputGivesTheSameTensors) {
  const std::vector<Source> model = Model();
  WriteGguf(Path("in.gguf"), model);
  WriteSafetensors(Path("in.safetensors"), model);
  axq::QuantizeFileOptions options;
  options.choice.type = AXQ_TYPE_Q8_0;
  ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("a.gguf"), options).ok()) << axq_last_error();
  ASSERT_TRUE(axq::QuantizeFile(Path("in.safetensors"), Path("b.gguf"), options).ok()) << axq_last_error();
  Output a, b;
  ReadOutput(Path("a.gguf"), &a);
  ReadOutput(Path("b.gguf"), &b);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.bytes, b.bytes);
}

TEST(QuantizeFile, AbsmeanTernaryTensorsUseTheWholeTensor) {
  const std::vector<Source> model = Model();
  WriteGguf(Path("in.gguf"), model);
  axq::QuantizeFileOptions options;
  options.choice.type = AXQ_TYPE_I2_S;
  options.ternary = axq::TernaryRule::kAbsmean;
  ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("i2s.gguf"), options).ok()) << axq_last_error();
  Output out;
  ReadOutput(Path("i2s.gguf"), &out);
  EXPECT_EQ(out.types["blk.0.ffn.weight"], AXQ_TYPE_F16);  // rows of 64: the fallback
  const Source& s = model[0];  // token_embd.weight, 128 x 10 (I2_S needs rows of 128)
  const int64_t dims[2] = {128, 10};
  axq_tensor_t *src = nullptr, *q = nullptr;
  ASSERT_EQ(axq_tensor_from_f32(&src, s.values.data(), 2, dims), AXQ_OK);
  axq_quantize_options_t qopts;
  axq_quantize_options_init(&qopts);
  qopts.ternary_rule = AXQ_TERNARY_ABSMEAN;
  ASSERT_EQ(axq_quantize(&q, src, AXQ_TYPE_I2_S, &qopts), AXQ_OK);
  const uint8_t* p = static_cast<const uint8_t*>(axq_tensor_data(q));
  EXPECT_EQ(out.bytes[s.name], std::vector<uint8_t>(p, p + axq_tensor_nbytes(q)));
  axq_tensor_destroy(q);
  axq_tensor_destroy(src);
}

TEST(QuantizeFile, FailuresLeaveTheOldOutputAndNameTheTensor) {
  std::vector<Source> model = Model();
  WriteGguf(Path("in.gguf"), model);
  axq::QuantizeFileOptions options;
  options.choice.type = AXQ_TYPE_Q4_0;
  ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("keep.gguf"), options).ok());
  const std::vector<uint8_t> before = ReadAll(Path("keep.gguf"));
  model[2].values[17] = NAN;
  WriteGguf(Path("nan.gguf"), model);
  EXPECT_EQ(axq::QuantizeFile(Path("nan.gguf"), Path("keep.gguf"), options).code(), AXQ_ERR_NON_FINITE);
  EXPECT_NE(std::string(axq_last_error()).find("tensor 'blk.0.ffn.weight'"), std::string::npos) << axq_last_error();
  EXPECT_EQ(ReadAll(Path("keep.gguf")), before);
  // Already-quantized tensors are not requantized.
  options.choice.type = AXQ_TYPE_Q8_0;
  EXPECT_EQ(axq::QuantizeFile(Path("keep.gguf"), Path("re.gguf"), options).code(), AXQ_ERR_UNSUPPORTED);
  EXPECT_NE(std::string(axq_last_error()).find("already q4_0"), std::string::npos) << axq_last_error();
  options.choice.type = AXQ_TYPE_Q8_K;
  EXPECT_EQ(axq::QuantizeFile(Path("in.gguf"), Path("k.gguf"), options).code(), AXQ_ERR_INVALID_ARGUMENT);
  options.choice.type = AXQ_TYPE_Q4_0;
  EXPECT_EQ(axq::QuantizeFile(Path("missing.gguf"), Path("x.gguf"), options).code(), AXQ_ERR_IO);
}

TEST(DequantizeFile, ExpandsEveryTensorAsTheRowFunctionsDo) {
  const std::vector<Source> model = Model();
  WriteGguf(Path("in.gguf"), model);
  for (axq_type type : {AXQ_TYPE_Q4_0, AXQ_TYPE_I2_S}) {
    axq::QuantizeFileOptions options;
    options.choice.type = type;
    ASSERT_TRUE(axq::QuantizeFile(Path("in.gguf"), Path("q.gguf"), options).ok()) << axq_last_error();
    ASSERT_TRUE(axq::DequantizeFile(Path("q.gguf"), Path("f.gguf"), AXQ_TYPE_F32, 2).ok()) << axq_last_error();
    Output q, f;
    ReadOutput(Path("q.gguf"), &q);
    ReadOutput(Path("f.gguf"), &f);
    for (const Source& s : model) {
      SCOPED_TRACE(s.name);
      EXPECT_EQ(f.types[s.name], AXQ_TYPE_F32);
      const std::vector<uint8_t>& bytes = q.bytes[s.name];
      std::vector<float> want(s.values.size());
      ASSERT_EQ(axq_dequantize_row(want.data(), static_cast<int64_t>(want.size()),
                                   static_cast<axq_type>(q.types[s.name]), bytes.data(), bytes.size()),
                AXQ_OK)
          << axq_last_error();
      const uint8_t* w = reinterpret_cast<const uint8_t*>(want.data());
      EXPECT_EQ(f.bytes[s.name], std::vector<uint8_t>(w, w + want.size() * 4));
    }
  }
  EXPECT_EQ(axq::DequantizeFile(Path("q.gguf"), Path("x.gguf"), AXQ_TYPE_Q4_0, 1).code(), AXQ_ERR_INVALID_ARGUMENT);
}

}  // namespace
