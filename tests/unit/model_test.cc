// axq_model_t: named tensors in, per-tensor types by rules, summary,
// save/load, dequantize by name with shape checks, progress and
// cancellation; and the file-to-file entry points.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

struct Spec {
  const char* name;
  int ndim;
  int64_t dims[2];
};

// A llama-like layer: a 1-D norm, 2-D weights, one with rows of 48 that
// 32-element blocks do not divide.
const Spec kSpecs[] = {{"token_embd.weight", 2, {64, 10}}, {"blk.0.attn_norm.weight", 1, {64, 1}},
                       {"blk.0.attn_q.weight", 2, {64, 64}}, {"blk.0.ffn_up.weight", 2, {64, 96}},
                       {"odd.weight", 2, {48, 4}}};

axq_model_t* MakeModel(std::vector<std::vector<float>>* values) {
  axq_model_t* model = nullptr;
  EXPECT_EQ(axq_model_create(&model), AXQ_OK);
  axq_test::Rng rng(11);
  for (const Spec& s : kSpecs) {
    std::vector<float> v(static_cast<size_t>(s.dims[0] * (s.ndim == 2 ? s.dims[1] : 1)));
    for (float& x : v) x = rng.Gaussian() * 0.05f;
    axq_tensor_t* t = nullptr;
    EXPECT_EQ(axq_tensor_from_f32(&t, v.data(), s.ndim, s.dims), AXQ_OK);
    EXPECT_EQ(axq_model_add(model, s.name, t), AXQ_OK) << axq_last_error();
    axq_tensor_destroy(t);
    if (values != nullptr) values->push_back(v);
  }
  return model;
}

std::vector<uint8_t> Bytes(const axq_tensor_t* t) {
  const uint8_t* p = static_cast<const uint8_t*>(axq_tensor_data(t));
  return std::vector<uint8_t>(p, p + axq_tensor_nbytes(t));
}

TEST(Model, QuantizesByRulesAndSummarizes) {
  std::vector<std::vector<float>> values;
  axq_model_t* model = MakeModel(&values);
  ASSERT_EQ(axq_model_tensor_count(model), 5u);
  EXPECT_STREQ(axq_model_tensor_name(model, 1), "blk.0.attn_norm.weight");
  axq_model_summary_t before;
  before.struct_size = sizeof(before);
  ASSERT_EQ(axq_model_summary(&before, model), AXQ_OK);
  EXPECT_EQ(before.tensor_count, 5u);
  EXPECT_EQ(before.quantized_tensor_count, 0u);
  EXPECT_EQ(before.params, 640u + 64 + 4096 + 6144 + 192);
  EXPECT_EQ(before.bytes, before.f32_bytes);
  EXPECT_DOUBLE_EQ(before.compression_ratio, 1.0);

  axq_model_quantize_options_t opts;
  ASSERT_EQ(axq_model_quantize_options_init(&opts), AXQ_OK);
  opts.type = AXQ_TYPE_Q4_0;
  opts.rules = "*ffn*=q8_0; token_embd.weight = f16";
  axq_model_t* q = nullptr;
  ASSERT_EQ(axq_model_quantize(&q, model, &opts), AXQ_OK) << axq_last_error();
  const axq_type want[] = {AXQ_TYPE_F16, AXQ_TYPE_F32, AXQ_TYPE_Q4_0, AXQ_TYPE_Q8_0, AXQ_TYPE_F16};
  for (size_t i = 0; i < 5; ++i) {
    const axq_tensor_t* t = axq_model_tensor(q, kSpecs[i].name);
    ASSERT_NE(t, nullptr) << kSpecs[i].name;
    EXPECT_EQ(axq_tensor_type(t), want[i]) << kSpecs[i].name;
    // The bytes are axq_quantize's of the same tensor.
    axq_tensor_t *src = nullptr, *expect = nullptr;
    ASSERT_EQ(axq_tensor_from_f32(&src, values[i].data(), kSpecs[i].ndim, kSpecs[i].dims), AXQ_OK);
    ASSERT_EQ(axq_quantize(&expect, src, want[i], nullptr), AXQ_OK);
    EXPECT_EQ(Bytes(t), Bytes(expect)) << kSpecs[i].name;
    axq_tensor_destroy(src);
    axq_tensor_destroy(expect);
  }
  axq_model_summary_t after;
  after.struct_size = sizeof(after);
  ASSERT_EQ(axq_model_summary(&after, q), AXQ_OK);
  EXPECT_EQ(after.params, before.params);
  EXPECT_EQ(after.quantized_tensor_count, 2u);
  EXPECT_EQ(after.bytes, 640u * 2 + 64 * 4 + 4096 / 32 * 18 + 6144 / 32 * 34 + 192 * 2);
  EXPECT_DOUBLE_EQ(after.compression_ratio, static_cast<double>(after.f32_bytes) / after.bytes);
  EXPECT_DOUBLE_EQ(after.bits_per_weight, 8.0 * after.bytes / after.params);
  axq_model_destroy(q);
  axq_model_destroy(model);
}

TEST(Model, SavesLoadsAndDequantizesByName) {
  std::vector<std::vector<float>> values;
  axq_model_t* model = MakeModel(&values);
  axq_model_t* q = nullptr;
  axq_model_quantize_options_t opts;
  axq_model_quantize_options_init(&opts);
  opts.type = AXQ_TYPE_Q5_1;
  ASSERT_EQ(axq_model_quantize(&q, model, &opts), AXQ_OK) << axq_last_error();
  const std::string path = axq_test::ScratchPath("model.gguf");
  ASSERT_EQ(axq_model_save(q, path.c_str()), AXQ_OK) << axq_last_error();
  axq_model_t* loaded = nullptr;
  ASSERT_EQ(axq_model_load(&loaded, path.c_str()), AXQ_OK) << axq_last_error();
  ASSERT_EQ(axq_model_tensor_count(loaded), 5u);
  for (size_t i = 0; i < 5; ++i) {
    SCOPED_TRACE(kSpecs[i].name);
    EXPECT_STREQ(axq_model_tensor_name(loaded, i), kSpecs[i].name);
    const axq_tensor_t* a = axq_model_tensor(q, kSpecs[i].name);
    const axq_tensor_t* b = axq_model_tensor(loaded, kSpecs[i].name);
    EXPECT_EQ(axq_tensor_type(a), axq_tensor_type(b));
    EXPECT_EQ(axq_tensor_ndim(a), axq_tensor_ndim(b));
    EXPECT_EQ(Bytes(a), Bytes(b));
    axq_tensor_t* f = nullptr;
    ASSERT_EQ(axq_model_dequantize(&f, loaded, kSpecs[i].name, kSpecs[i].ndim, kSpecs[i].dims), AXQ_OK)
        << axq_last_error();
    axq_tensor_t* g = nullptr;
    ASSERT_EQ(axq_dequantize(&g, a, nullptr), AXQ_OK);
    EXPECT_EQ(Bytes(f), Bytes(g));
    axq_tensor_destroy(f);
    axq_tensor_destroy(g);
  }
  axq_tensor_t* f = nullptr;
  const int64_t wrong[2] = {10, 64};
  EXPECT_EQ(axq_model_dequantize(&f, loaded, "token_embd.weight", 2, wrong), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("token_embd.weight"), std::string::npos) << axq_last_error();
  EXPECT_EQ(axq_model_dequantize(&f, loaded, "token_embd.weight", 1, wrong), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_model_dequantize(&f, loaded, "missing.weight", 0, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("'missing.weight'"), std::string::npos) << axq_last_error();
  EXPECT_EQ(f, nullptr);
  ASSERT_EQ(axq_model_dequantize(&f, loaded, "odd.weight", 0, nullptr), AXQ_OK);
  EXPECT_EQ(axq_tensor_dim(f, 0), 48);
  axq_tensor_destroy(f);
  axq_model_destroy(loaded);
  axq_model_destroy(q);
  axq_model_destroy(model);
}

struct Recorder {
  std::vector<uint64_t> tensors;
  uint64_t last_done = 0, total = 0;
  bool monotonic = true, sane = true;
  int cancel_at = -1;  // tensor index at which to return non-zero
};

int Record(const axq_progress_t* p, void* user) {
  Recorder* r = static_cast<Recorder*>(user);
  if (p->bytes_done < r->last_done) r->monotonic = false;
  if (p->tensor_count != 5 || p->tensor_name == nullptr || p->bytes_done > p->bytes_total ||
      p->elapsed_seconds < 0) {
    r->sane = false;
  }
  r->last_done = p->bytes_done;
  r->total = p->bytes_total;
  if (r->tensors.empty() || r->tensors.back() != p->tensor_index) r->tensors.push_back(p->tensor_index);
  return static_cast<int>(p->tensor_index) == r->cancel_at ? 1 : 0;
}

TEST(Model, ReportsProgressAndCancels) {
  axq_model_t* model = MakeModel(nullptr);
  Recorder rec;
  axq_model_quantize_options_t opts;
  axq_model_quantize_options_init(&opts);
  opts.progress = Record;
  opts.progress_user = &rec;
  axq_model_t* q = nullptr;
  ASSERT_EQ(axq_model_quantize(&q, model, &opts), AXQ_OK);
  EXPECT_EQ(rec.tensors, (std::vector<uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(rec.monotonic);
  EXPECT_TRUE(rec.sane);
  EXPECT_EQ(rec.last_done, rec.total);
  axq_model_destroy(q);

  // Cancelling the file quantizer leaves no output behind.
  const std::string in = axq_test::ScratchPath("cancel-in.gguf"), out = axq_test::ScratchPath("cancel-out.gguf");
  ASSERT_EQ(axq_model_save(model, in.c_str()), AXQ_OK);
  Recorder cancel;
  cancel.cancel_at = 2;
  opts.progress_user = &cancel;
  EXPECT_EQ(axq_model_quantize_file(out.c_str(), in.c_str(), &opts), AXQ_ERR_CANCELLED);
  EXPECT_NE(std::string(axq_last_error()).find("cancelled"), std::string::npos) << axq_last_error();
  EXPECT_EQ(std::fopen(out.c_str(), "rb"), nullptr);
  EXPECT_EQ(axq_model_quantize(&q, model, &opts), AXQ_ERR_CANCELLED);
  EXPECT_EQ(q, nullptr);
  axq_model_destroy(model);
}

TEST(Model, FileToFileMatchesInMemory) {
  axq_model_t* model = MakeModel(nullptr);
  const std::string in = axq_test::ScratchPath("f2f-in.gguf"), out = axq_test::ScratchPath("f2f-out.gguf"),
                    back = axq_test::ScratchPath("f2f-back.gguf");
  ASSERT_EQ(axq_model_save(model, in.c_str()), AXQ_OK);
  axq_model_quantize_options_t opts;
  axq_model_quantize_options_init(&opts);
  opts.type = AXQ_TYPE_Q8_0;
  opts.n_threads = 2;
  ASSERT_EQ(axq_model_quantize_file(out.c_str(), in.c_str(), &opts), AXQ_OK) << axq_last_error();
  axq_model_t *file = nullptr, *memory = nullptr;
  ASSERT_EQ(axq_model_load(&file, out.c_str()), AXQ_OK);
  ASSERT_EQ(axq_model_quantize(&memory, model, &opts), AXQ_OK);
  for (const Spec& s : kSpecs) {
    EXPECT_EQ(Bytes(axq_model_tensor(file, s.name)), Bytes(axq_model_tensor(memory, s.name))) << s.name;
  }
  axq_dequantize_options_t dopts;
  axq_dequantize_options_init(&dopts);
  ASSERT_EQ(axq_model_dequantize_file(back.c_str(), out.c_str(), AXQ_TYPE_F32, &dopts), AXQ_OK) << axq_last_error();
  axq_model_t* expanded = nullptr;
  ASSERT_EQ(axq_model_load(&expanded, back.c_str()), AXQ_OK);
  for (const Spec& s : kSpecs) {
    axq_tensor_t* f = nullptr;
    ASSERT_EQ(axq_model_dequantize(&f, memory, s.name, 0, nullptr), AXQ_OK);
    EXPECT_EQ(Bytes(axq_model_tensor(expanded, s.name)), Bytes(f)) << s.name;
    axq_tensor_destroy(f);
  }
  EXPECT_EQ(axq_model_dequantize_file(back.c_str(), out.c_str(), AXQ_TYPE_Q4_0, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  axq_model_destroy(expanded);
  axq_model_destroy(file);
  axq_model_destroy(memory);
  axq_model_destroy(model);
}

std::vector<uint8_t> FileBytes(const std::string& path) {
  std::vector<uint8_t> out;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  int c;
  while ((c = std::fgetc(f)) != EOF) out.push_back(static_cast<uint8_t>(c));
  std::fclose(f);
  return out;
}

TEST(Model, WritesAndReadsAxqt) {
  // AXQT has one type for all tensors and no names: every row length must
  // fit the block, so the odd tensor stays out.
  std::vector<std::vector<float>> values;
  axq_model_t* full = MakeModel(&values);
  axq_model_t* model = nullptr;
  ASSERT_EQ(axq_model_create(&model), AXQ_OK);
  for (size_t i = 0; i < 4; ++i) ASSERT_EQ(axq_model_add(model, kSpecs[i].name, axq_model_tensor(full, kSpecs[i].name)), AXQ_OK);
  const std::string in = axq_test::ScratchPath("axqt-in.gguf"), axqt = axq_test::ScratchPath("m.axqt"),
                    back = axq_test::ScratchPath("axqt-back.gguf");
  ASSERT_EQ(axq_model_save(model, in.c_str()), AXQ_OK);
  for (axq_type type : {AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1, AXQ_TYPE_Q8_0, AXQ_TYPE_F16}) {
    SCOPED_TRACE(type);
    axq_model_quantize_options_t opts;
    axq_model_quantize_options_init(&opts);
    opts.type = type;
    opts.output_format = AXQ_FORMAT_AXQT;
    ASSERT_EQ(axq_model_quantize_file(axqt.c_str(), in.c_str(), &opts), AXQ_OK) << axq_last_error();
    const std::vector<uint8_t> file = FileBytes(axqt);
    ASSERT_GE(file.size(), 6u);
    EXPECT_EQ(std::string(file.begin(), file.begin() + 4), "AXQT");
    // Read back: every tensor (norm included) in `type`, as axq_quantize
    // makes it, under AXQT's positional names.
    axq_model_t* loaded = nullptr;
    ASSERT_EQ(axq_model_load(&loaded, axqt.c_str()), AXQ_OK) << axq_last_error();
    ASSERT_EQ(axq_model_tensor_count(loaded), 4u);
    for (size_t i = 0; i < 4; ++i) {
      const std::string name = "tensor." + std::to_string(i);
      const axq_tensor_t* t = axq_model_tensor(loaded, name.c_str());
      ASSERT_NE(t, nullptr) << name;
      EXPECT_EQ(axq_tensor_type(t), type);
      axq_tensor_t* expect = nullptr;
      ASSERT_EQ(axq_quantize(&expect, axq_model_tensor(model, kSpecs[i].name), type, nullptr), AXQ_OK);
      EXPECT_EQ(Bytes(t), Bytes(expect)) << name;
      EXPECT_EQ(axq_tensor_ndim(t), kSpecs[i].ndim);
      axq_tensor_destroy(expect);
    }
    // AXQT in, GGUF out: the tensors already of `type` pass through.
    opts.output_format = AXQ_FORMAT_GGUF;
    opts.pure = 1;
    ASSERT_EQ(axq_model_quantize_file(back.c_str(), axqt.c_str(), &opts), AXQ_OK) << axq_last_error();
    axq_model_t* gguf = nullptr;
    ASSERT_EQ(axq_model_load(&gguf, back.c_str()), AXQ_OK);
    for (size_t i = 0; i < 4; ++i) {
      const std::string name = "tensor." + std::to_string(i);
      EXPECT_EQ(Bytes(axq_model_tensor(gguf, name.c_str())), Bytes(axq_model_tensor(loaded, name.c_str()))) << name;
    }
    axq_model_destroy(gguf);
    axq_model_destroy(loaded);
  }

  axq_model_quantize_options_t opts;
  axq_model_quantize_options_init(&opts);
  opts.output_format = AXQ_FORMAT_AXQT;
  opts.type = AXQ_TYPE_Q5_0;
  EXPECT_EQ(axq_model_quantize_file(axqt.c_str(), in.c_str(), &opts), AXQ_ERR_UNSUPPORTED);
  opts.type = AXQ_TYPE_Q4_0;
  opts.rules = "*=f32";
  EXPECT_EQ(axq_model_quantize_file(axqt.c_str(), in.c_str(), &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.rules = nullptr;
  const std::string odd = axq_test::ScratchPath("axqt-odd.gguf");
  ASSERT_EQ(axq_model_save(full, odd.c_str()), AXQ_OK);
  EXPECT_EQ(axq_model_quantize_file(axqt.c_str(), odd.c_str(), &opts), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("'odd.weight'"), std::string::npos) << axq_last_error();
  opts.output_format = 2;
  EXPECT_EQ(axq_model_quantize_file(axqt.c_str(), in.c_str(), &opts), AXQ_ERR_INVALID_ARGUMENT);
  axq_model_destroy(model);
  axq_model_destroy(full);
}

TEST(Model, RejectsBadArgumentsNamingTheCulprit) {
  axq_model_t* model = MakeModel(nullptr);
  axq_tensor_t* t = nullptr;
  const int64_t dims[1] = {32};
  ASSERT_EQ(axq_tensor_create(&t, AXQ_TYPE_F32, 1, dims), AXQ_OK);
  EXPECT_EQ(axq_model_add(model, "odd.weight", t), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("'odd.weight'"), std::string::npos);
  EXPECT_EQ(axq_model_add(model, "", t), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_model_add(model, std::string(64, 'x').c_str(), t), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_model_add(nullptr, "a", t), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_model_add(model, nullptr, t), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_model_add(model, "a", nullptr), AXQ_ERR_INVALID_ARGUMENT);
  axq_tensor_destroy(t);

  axq_model_quantize_options_t opts;
  axq_model_quantize_options_init(&opts);
  axq_model_t* q = nullptr;
  opts.rules = "*ffn*=q9_9";
  EXPECT_EQ(axq_model_quantize(&q, model, &opts), AXQ_ERR_UNKNOWN_TYPE);
  EXPECT_NE(std::string(axq_last_error()).find("*ffn*=q9_9"), std::string::npos) << axq_last_error();
  opts.rules = "no-equals-sign";
  EXPECT_EQ(axq_model_quantize(&q, model, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.rules = "*ffn*=q8_k";  // an activation-only type
  EXPECT_EQ(axq_model_quantize(&q, model, &opts), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("'*ffn*=q8_k': q8_K is not a weight type"), std::string::npos)
      << axq_last_error();
  opts.rules = nullptr;
  opts.type = AXQ_TYPE_Q8_1;
  EXPECT_EQ(axq_model_quantize(&q, model, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.type = 5;
  EXPECT_EQ(axq_model_quantize(&q, model, &opts), AXQ_ERR_UNKNOWN_TYPE);
  opts.type = AXQ_TYPE_Q4_0;
  opts.fallback_type = AXQ_TYPE_Q8_K;
  EXPECT_EQ(axq_model_quantize(&q, model, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.fallback_type = AXQ_TYPE_INVALID;
  opts.ternary_rule = 7;
  EXPECT_EQ(axq_model_quantize(&q, model, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.ternary_rule = 0;
  opts.struct_size = 2;
  EXPECT_EQ(axq_model_quantize(&q, model, &opts), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(q, nullptr);

  // Quantized tensors are not requantized.
  axq_model_quantize_options_init(&opts);
  ASSERT_EQ(axq_model_quantize(&q, model, &opts), AXQ_OK);
  axq_model_t* twice = nullptr;
  opts.type = AXQ_TYPE_Q8_0;
  EXPECT_EQ(axq_model_quantize(&twice, q, &opts), AXQ_ERR_UNSUPPORTED);
  EXPECT_NE(std::string(axq_last_error()).find("already q4_0"), std::string::npos) << axq_last_error();
  axq_model_destroy(q);

  EXPECT_EQ(axq_model_tensor(model, "nope"), nullptr);
  EXPECT_EQ(axq_model_tensor(nullptr, "nope"), nullptr);
  EXPECT_EQ(axq_model_tensor(model, nullptr), nullptr);
  EXPECT_EQ(axq_model_tensor_name(model, 5), nullptr);
  EXPECT_EQ(axq_model_tensor_count(nullptr), 0u);
  EXPECT_EQ(axq_model_save(model, ""), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_model_save(nullptr, "x.gguf"), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_model_save(model, "/nonexistent-dir/x.gguf"), AXQ_ERR_IO);
  axq_model_t* loaded = reinterpret_cast<axq_model_t*>(&loaded);
  EXPECT_EQ(axq_model_load(&loaded, "/nonexistent-dir/x.gguf"), AXQ_ERR_IO);
  EXPECT_EQ(loaded, nullptr);
  EXPECT_EQ(axq_model_load(nullptr, "x"), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_model_quantize_file(nullptr, "a", nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_model_quantize_file("a", "", nullptr), AXQ_ERR_INVALID_ARGUMENT);
  axq_model_summary_t summary;
  summary.struct_size = 1000;
  EXPECT_EQ(axq_model_summary(&summary, model), AXQ_ERR_INVALID_ARGUMENT);
  axq_model_destroy(model);
  axq_model_destroy(nullptr);
}

}  // namespace

namespace {

// An importance matrix in model quantization: each tensor takes the entry
// of its name, giving the bytes axq_quantize gives with that importance;
// tensors without one are quantized as usual; a wrong-sized entry fails
// naming the tensor; mixes and the imatrix go together.
TEST(Model, QuantizesWithAnImportanceMatrix) {
  std::vector<std::vector<float>> values;
  axq_model_t* model = MakeModel(&values);
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  axq_test::Rng rng(5);
  std::vector<float> x(8 * 64);
  for (size_t i = 0; i < x.size(); ++i) x[i] = rng.Gaussian() * (i % 64 < 8 ? 10.0f : 0.1f);
  ASSERT_EQ(axq_imatrix_accumulate(im, "blk.0.attn_q.weight", x.data(), 8, 64), AXQ_OK);
  std::vector<float> importance(64);
  ASSERT_EQ(axq_imatrix_values(im, "blk.0.attn_q.weight", importance.data(), 64), AXQ_OK);

  axq_model_quantize_options_t opts;
  axq_model_quantize_options_init(&opts);
  opts.type = AXQ_TYPE_Q4_0;
  opts.imatrix = im;
  axq_model_t* weighted = nullptr;
  ASSERT_EQ(axq_model_quantize(&weighted, model, &opts), AXQ_OK) << axq_last_error();
  opts.imatrix = nullptr;
  axq_model_t* plain = nullptr;
  ASSERT_EQ(axq_model_quantize(&plain, model, &opts), AXQ_OK);

  // The weighted tensor equals axq_quantize's with the same importance.
  const axq_tensor_t* source = axq_model_tensor(model, "blk.0.attn_q.weight");
  axq_quantize_options_t qopts;
  axq_quantize_options_init(&qopts);
  qopts.importance = importance.data();
  qopts.importance_len = 64;
  axq_tensor_t* direct = nullptr;
  ASSERT_EQ(axq_quantize(&direct, source, AXQ_TYPE_Q4_0, &qopts), AXQ_OK);
  EXPECT_EQ(Bytes(axq_model_tensor(weighted, "blk.0.attn_q.weight")), Bytes(direct));
  EXPECT_NE(Bytes(axq_model_tensor(weighted, "blk.0.attn_q.weight")),
            Bytes(axq_model_tensor(plain, "blk.0.attn_q.weight")));
  EXPECT_EQ(Bytes(axq_model_tensor(weighted, "blk.0.ffn_up.weight")),
            Bytes(axq_model_tensor(plain, "blk.0.ffn_up.weight")));
  axq_tensor_destroy(direct);
  axq_model_destroy(weighted);
  axq_model_destroy(plain);

  // An entry of the wrong width.
  ASSERT_EQ(axq_imatrix_accumulate(im, "blk.0.ffn_up.weight", x.data(), 16, 32), AXQ_OK);
  opts.imatrix = im;
  axq_model_t* out = nullptr;
  EXPECT_EQ(axq_model_quantize(&out, model, &opts), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(axq_last_error()).find("blk.0.ffn_up.weight"), std::string::npos) << axq_last_error();
  EXPECT_EQ(out, nullptr);

  // Mix options: unknown mixes and AXQT files are refused.
  opts.imatrix = nullptr;
  opts.mix = 21;
  EXPECT_EQ(axq_model_quantize(&out, model, &opts), AXQ_ERR_UNKNOWN_TYPE);
  EXPECT_NE(std::string(axq_last_error()).find("mix"), std::string::npos);
  opts.mix = AXQ_MIX_Q4_K_M;
  opts.output_format = AXQ_FORMAT_AXQT;
  EXPECT_EQ(axq_model_quantize_file("/tmp/never.axqt", "/tmp/never.gguf", &opts), AXQ_ERR_INVALID_ARGUMENT);
  int32_t mix = 0;
  EXPECT_EQ(axq_mix_from_name(&mix, "Q4_K_M"), AXQ_OK);
  EXPECT_EQ(mix, AXQ_MIX_Q4_K_M);
  EXPECT_EQ(axq_mix_from_name(&mix, "q4_k_x"), AXQ_ERR_UNKNOWN_TYPE);
  EXPECT_EQ(mix, AXQ_MIX_NONE);
  EXPECT_EQ(axq_mix_from_name(nullptr, "q6_k"), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(axq_mix_name(AXQ_MIX_Q6_K), "Q6_K");
  EXPECT_EQ(axq_mix_name(AXQ_MIX_NONE), nullptr);
  axq_imatrix_destroy(im);
  axq_model_destroy(model);
}

}  // namespace
