#include "tests/interop/tiny_llama.h"

#include <cmath>
#include <cstdio>

#include "axq/axq.h"
#include "src/gguf/gguf.h"
#include "tests/common/test_support.h"

namespace axq_interop {
namespace {

constexpr uint32_t kContext = 256;
constexpr int32_t kGgmlF32 = 0;

// A SentencePiece-style ("llama") vocabulary of only the specials and the
// 256 byte tokens: enough for llama.cpp to build its tokenizer, and every
// test input is a byte token anyway.
void AddVocab(std::vector<axq::gguf::KeyValue>* md) {
  using axq::gguf::Value;
  using axq::gguf::ValueType;
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<float> scores = {0.0f, 0.0f, 0.0f};
  std::vector<int32_t> types = {2, 3, 3};  // llama_token_type: unknown, control, control
  for (int b = 0; b < 256; ++b) {
    char text[8];
    std::snprintf(text, sizeof text, "<0x%02X>", b);
    tokens.push_back(text);
    scores.push_back(0.0f);
    types.push_back(6);  // byte
  }
  md->push_back({"tokenizer.ggml.model", Value::String("llama")});
  md->push_back({"tokenizer.ggml.tokens", Value::StringArray(tokens)});
  md->push_back({"tokenizer.ggml.scores", Value::ScalarArray(ValueType::kF32, scores.data(), scores.size())});
  md->push_back({"tokenizer.ggml.token_type", Value::ScalarArray(ValueType::kI32, types.data(), types.size())});
  md->push_back({"tokenizer.ggml.bos_token_id", Value::U32(1)});
  md->push_back({"tokenizer.ggml.eos_token_id", Value::U32(2)});
  md->push_back({"tokenizer.ggml.unknown_token_id", Value::U32(0)});
}

}  // namespace

int64_t TensorSpec::elements() const {
  int64_t n = 1;
  for (int64_t d : ne) n *= d;
  return n;
}

std::vector<TensorSpec> Tensors(const Shape& s) {
  std::vector<TensorSpec> t = {{"token_embd.weight", {s.embd, kVocab}, false},
                               {"output_norm.weight", {s.embd}, true},
                               {"output.weight", {s.embd, kVocab}, false}};
  for (int64_t l = 0; l < s.layers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    t.push_back({p + "attn_norm.weight", {s.embd}, true});
    t.push_back({p + "attn_q.weight", {s.embd, s.embd}, false});
    const int64_t kv_width = s.embd / s.heads * s.kv();
    t.push_back({p + "attn_k.weight", {s.embd, kv_width}, false});
    t.push_back({p + "attn_v.weight", {s.embd, kv_width}, false});
    t.push_back({p + "attn_output.weight", {s.embd, s.embd}, false});
    t.push_back({p + "ffn_norm.weight", {s.embd}, true});
    t.push_back({p + "ffn_gate.weight", {s.embd, s.ff}, false});
    t.push_back({p + "ffn_up.weight", {s.embd, s.ff}, false});
    t.push_back({p + "ffn_down.weight", {s.ff, s.embd}, false});
  }
  return t;
}

std::string WriteModel(const std::string& path, const Shape& s, uint64_t seed) {
  using axq::gguf::Value;
  axq::gguf::File f;
  auto& md = f.metadata;
  md.push_back({"general.architecture", Value::String("llama")});
  md.push_back({"general.name", Value::String(std::string("axq interop ") + s.name)});
  md.push_back({"general.file_type", Value::U32(0)});  // LLAMA_FTYPE_ALL_F32
  md.push_back({"llama.context_length", Value::U32(kContext)});
  md.push_back({"llama.embedding_length", Value::U32(static_cast<uint32_t>(s.embd))});
  md.push_back({"llama.block_count", Value::U32(static_cast<uint32_t>(s.layers))});
  md.push_back({"llama.feed_forward_length", Value::U32(static_cast<uint32_t>(s.ff))});
  md.push_back({"llama.attention.head_count", Value::U32(static_cast<uint32_t>(s.heads))});
  md.push_back({"llama.attention.head_count_kv", Value::U32(static_cast<uint32_t>(s.kv()))});
  md.push_back({"llama.attention.layer_norm_rms_epsilon", Value::F32(1e-5f)});
  // llama.cpp insists that the llama architecture rotates whole heads.
  md.push_back({"llama.rope.dimension_count", Value::U32(static_cast<uint32_t>(s.embd / s.heads))});
  md.push_back({"llama.vocab_size", Value::U32(static_cast<uint32_t>(kVocab))});
  AddVocab(&md);

  const std::vector<TensorSpec> specs = Tensors(s);
  for (const TensorSpec& spec : specs) {
    axq::gguf::TensorInfo t;
    t.name = spec.name;
    t.n_dims = static_cast<int>(spec.ne.size());
    for (size_t d = 0; d < spec.ne.size(); ++d) t.ne[d] = spec.ne[d];
    t.type = kGgmlF32;
    f.tensors.push_back(t);
  }
  // The writer asks for the tensors in order, so one generator gives the
  // same values as generating them all first.
  axq_test::Rng rng(seed);
  std::vector<float> values;
  const axq::Status st = axq::gguf::Write(path, f, [&](size_t i, const axq::gguf::TensorSink& sink) {
    const TensorSpec& spec = specs[i];
    // Norm gains near 1; weights small enough that activations stay O(1)
    // through the layers, large enough that every quantizer has work.
    values.resize(static_cast<size_t>(spec.elements()));
    const float sigma = spec.norm ? 0.1f : 0.6f / std::sqrt(static_cast<float>(spec.ne[0]));
    for (float& x : values) x = (spec.norm ? 1.0f : 0.0f) + sigma * rng.Gaussian();
    return sink(values.data(), values.size() * sizeof(float));
  });
  return st.ok() ? "" : std::string("writing the F32 model: ") + axq_last_error();
}

}  // namespace axq_interop
