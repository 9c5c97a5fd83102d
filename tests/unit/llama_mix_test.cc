// White-box: the tensor types llama.cpp's mixes give a model, worked out by
// hand from llama.cpp's rules for a 10-layer model with grouped-query
// attention. The interop suite checks the same choices against
// llama_model_quantize itself; these pin down the cases it cannot reach
// (experts, tied embeddings, rules, file order).
#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/core/type_traits.h"
#include "src/model/llama_mix.h"
#include "src/model/tensor_rules.h"

namespace {

using axq::SourceTensor;
using axq::gguf::KeyValue;
using axq::gguf::Value;

constexpr int kLayers = 10;

SourceTensor Tensor(const std::string& name, int64_t ne0, int64_t ne1 = 0) {
  SourceTensor t;
  t.name = name;
  t.n_dims = ne1 == 0 ? 1 : 2;
  t.ne[0] = ne0;
  t.ne[1] = ne1 == 0 ? 1 : ne1;
  t.type = AXQ_TYPE_F32;
  return t;
}

std::vector<SourceTensor> Model(bool with_output = true) {
  std::vector<SourceTensor> t = {Tensor("token_embd.weight", 256, 1000), Tensor("output_norm.weight", 256)};
  if (with_output) t.push_back(Tensor("output.weight", 256, 1000));
  for (int l = 0; l < kLayers; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    t.push_back(Tensor(p + "attn_norm.weight", 256));
    t.push_back(Tensor(p + "attn_q.weight", 256, 256));
    t.push_back(Tensor(p + "attn_k.weight", 256, 64));
    t.push_back(Tensor(p + "attn_v.weight", 256, 64));
    t.push_back(Tensor(p + "attn_output.weight", 256, 256));
    t.push_back(Tensor(p + "ffn_norm.weight", 256));
    t.push_back(Tensor(p + "ffn_gate.weight", 256, 512));
    t.push_back(Tensor(p + "ffn_up.weight", 256, 512));
    t.push_back(Tensor(p + "ffn_down.weight", 512, 256));
  }
  return t;
}

std::vector<KeyValue> Metadata(int64_t heads, int64_t kv_heads, int64_t experts = 0) {
  std::vector<KeyValue> md = {{"general.architecture", Value::String("llama")},
                              {"llama.block_count", Value::U32(kLayers)},
                              {"llama.attention.head_count", Value::U32(static_cast<uint32_t>(heads))},
                              {"llama.attention.head_count_kv", Value::U32(static_cast<uint32_t>(kv_heads))}};
  if (experts > 0) md.push_back({"llama.expert_count", Value::U32(static_cast<uint32_t>(experts))});
  return md;
}

// name -> type name, for readable failures.
std::map<std::string, std::string> Choose(int32_t mix, const std::vector<KeyValue>& md,
                                          const std::vector<SourceTensor>& tensors, const char* rules = nullptr,
                                          bool pure = false) {
  axq::TypeChoice choice;
  choice.mix = mix;
  choice.type = axq::MixDefaultType(mix);
  choice.pure = pure;
  EXPECT_TRUE(axq::ParseRuleList(rules, &choice.rules).ok());
  const std::vector<axq_type> types = axq::ChooseTypes(choice, md, tensors);
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < tensors.size(); ++i) out[tensors[i].name] = axq::FindTypeTraits(types[i])->name;
  return out;
}

std::string Blk(int layer, const char* what) { return "blk." + std::to_string(layer) + "." + what + ".weight"; }

// Layers 0, 3, 6, 8 and 9 of 10: the first and last eighth, every third between.
bool MoreBits(int layer) { return layer < 1 || layer >= 8 || (layer - 1) % 3 == 2; }

TEST(LlamaMix, Q4KMediumSpendsBitsOnValuesAndFfnDownOfChosenLayers) {
  const auto types = Choose(AXQ_MIX_Q4_K_M, Metadata(8, 2), Model());
  EXPECT_EQ(types.at("output.weight"), "q6_K");
  EXPECT_EQ(types.at("token_embd.weight"), "q4_K");
  EXPECT_EQ(types.at("output_norm.weight"), "f32");
  for (int l = 0; l < kLayers; ++l) {
    SCOPED_TRACE(l);
    const std::string more = MoreBits(l) ? "q6_K" : "q4_K";
    EXPECT_EQ(types.at(Blk(l, "attn_v")), more);
    EXPECT_EQ(types.at(Blk(l, "ffn_down")), more);
    EXPECT_EQ(types.at(Blk(l, "attn_q")), "q4_K");
    EXPECT_EQ(types.at(Blk(l, "attn_k")), "q4_K");
    EXPECT_EQ(types.at(Blk(l, "attn_output")), "q4_K");
    EXPECT_EQ(types.at(Blk(l, "ffn_gate")), "q4_K");
    EXPECT_EQ(types.at(Blk(l, "ffn_up")), "q4_K");
    EXPECT_EQ(types.at(Blk(l, "attn_norm")), "f32");
  }
}

TEST(LlamaMix, OtherMixes) {
  const auto md = Metadata(8, 2);
  const auto q3m = Choose(AXQ_MIX_Q3_K_M, md, Model());
  const auto q4s = Choose(AXQ_MIX_Q4_K_S, md, Model());
  const auto q2 = Choose(AXQ_MIX_Q2_K, md, Model());
  const auto q2_mha = Choose(AXQ_MIX_Q2_K, Metadata(8, 8), Model());
  const auto q6 = Choose(AXQ_MIX_Q6_K, md, Model());
  for (int l = 0; l < kLayers; ++l) {
    SCOPED_TRACE(l);
    EXPECT_EQ(q3m.at(Blk(l, "attn_v")), l < 2 ? "q5_K" : "q4_K");
    EXPECT_EQ(q3m.at(Blk(l, "ffn_down")), "q4_K");  // layer < 10/16 is none
    EXPECT_EQ(q3m.at(Blk(l, "attn_output")), "q4_K");
    EXPECT_EQ(q3m.at(Blk(l, "ffn_up")), "q3_K");
    EXPECT_EQ(q4s.at(Blk(l, "attn_v")), l < 4 ? "q5_K" : "q4_K");
    EXPECT_EQ(q4s.at(Blk(l, "ffn_down")), l < 1 ? "q5_K" : "q4_K");
    EXPECT_EQ(q2.at(Blk(l, "attn_v")), "q4_K");  // 4 query heads per KV head
    EXPECT_EQ(q2_mha.at(Blk(l, "attn_v")), "q3_K");
    EXPECT_EQ(q2.at(Blk(l, "ffn_down")), "q3_K");
    EXPECT_EQ(q2.at(Blk(l, "attn_output")), "q3_K");
    EXPECT_EQ(q2.at(Blk(l, "attn_q")), "q2_K");
    EXPECT_EQ(q6.at(Blk(l, "attn_v")), "q6_K");
    EXPECT_EQ(q6.at(Blk(l, "ffn_down")), "q6_K");
  }
  EXPECT_EQ(q2.at("output.weight"), "q6_K");
  EXPECT_EQ(q6.at("output.weight"), "q6_K");
  EXPECT_EQ(Choose(AXQ_MIX_Q8_0, md, Model()).at("output.weight"), "q8_0");
  // Legacy mixes: the output still gets Q6_K, as llama-quantize does.
  const auto q4_0 = Choose(AXQ_MIX_Q4_0, md, Model());
  EXPECT_EQ(q4_0.at("output.weight"), "q6_K");
  EXPECT_EQ(q4_0.at(Blk(0, "ffn_down")), "q4_0");
  // ... and with an importance matrix the first eighth's FFN down keeps a min.
  axq::TypeChoice choice;
  choice.mix = AXQ_MIX_Q4_0;
  choice.type = AXQ_TYPE_Q4_0;
  choice.has_imatrix = true;
  const auto model = Model();
  const std::vector<axq_type> with_imatrix = axq::ChooseTypes(choice, md, model);
  for (size_t i = 0; i < model.size(); ++i) {
    if (model[i].name == Blk(0, "ffn_down")) EXPECT_EQ(with_imatrix[i], AXQ_TYPE_Q4_1);
    if (model[i].name == Blk(1, "ffn_down")) EXPECT_EQ(with_imatrix[i], AXQ_TYPE_Q4_0);
  }
}

TEST(LlamaMix, TiedEmbeddingsTakeTheOutputsType) {
  const auto types = Choose(AXQ_MIX_Q4_K_M, Metadata(8, 2), Model(/*with_output=*/false));
  EXPECT_EQ(types.at("token_embd.weight"), "q6_K");
  const auto ternary = Choose(AXQ_MIX_TQ2_0, Metadata(8, 2), Model());
  EXPECT_EQ(ternary.at("token_embd.weight"), "q4_K");
  EXPECT_EQ(ternary.at("output.weight"), "q6_K");
}

TEST(LlamaMix, EightExpertsGetQ8AttentionKAndV) {
  const auto types = Choose(AXQ_MIX_Q4_K_M, Metadata(8, 2, 8), Model());
  EXPECT_EQ(types.at(Blk(3, "attn_v")), "q8_0");
  EXPECT_EQ(types.at(Blk(3, "attn_k")), "q8_0");
  EXPECT_EQ(types.at(Blk(3, "attn_q")), "q4_K");
}

TEST(LlamaMix, FileOrderDoesNotMatter) {
  std::vector<SourceTensor> shuffled = Model();
  std::mt19937 rng(7);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  EXPECT_EQ(Choose(AXQ_MIX_Q4_K_M, Metadata(8, 2), shuffled), Choose(AXQ_MIX_Q4_K_M, Metadata(8, 2), Model()));
}

TEST(LlamaMix, RulesComeFirstAndAreNotCounted) {
  // blk.0's V is ruled, so llama.cpp counts blk.1's V as the first one.
  const auto types = Choose(AXQ_MIX_Q4_K_M, Metadata(8, 2), Model(), "blk.0.attn_v.weight=q8_0");
  EXPECT_EQ(types.at(Blk(0, "attn_v")), "q8_0");
  EXPECT_EQ(types.at(Blk(1, "attn_v")), "q6_K");
  EXPECT_EQ(types.at(Blk(2, "attn_v")), "q4_K");
}

TEST(LlamaMix, PureGivesTheDefaultTypeToWhatLlamaQuantizes) {
  const auto types = Choose(AXQ_MIX_Q4_K_M, Metadata(8, 2), Model(), nullptr, /*pure=*/true);
  EXPECT_EQ(types.at("output.weight"), "q4_K");
  EXPECT_EQ(types.at(Blk(0, "attn_v")), "q4_K");
  EXPECT_EQ(types.at(Blk(0, "attn_norm")), "f32");
}

TEST(LlamaMix, RowsTheBlockDoesNotDivideFallBack) {
  std::vector<SourceTensor> model = Model();
  model.push_back(Tensor("blk.0.odd.weight", 96, 8));  // rows of 96: Q4_K falls back to Q5_0
  const auto types = Choose(AXQ_MIX_Q4_K_M, Metadata(8, 2), model);
  EXPECT_EQ(types.at("blk.0.odd.weight"), "q5_0");
}

TEST(LlamaMix, TensorsLlamaLeavesAlone) {
  EXPECT_FALSE(axq::LlamaQuantizesTensor("blk.0.attn_norm.weight", 2));
  EXPECT_FALSE(axq::LlamaQuantizesTensor("blk.0.ffn_gate_inp.weight", 2));
  EXPECT_FALSE(axq::LlamaQuantizesTensor("position_embd.weight", 2));
  EXPECT_FALSE(axq::LlamaQuantizesTensor("blk.0.attn_q.bias", 2));
  EXPECT_FALSE(axq::LlamaQuantizesTensor("blk.0.attn_q.weight", 1));
  EXPECT_TRUE(axq::LlamaQuantizesTensor("blk.0.ffn_down_exps.weight", 3));
}

TEST(LlamaMix, Names) {
  EXPECT_EQ(axq::MixFromName("q4_k_m"), AXQ_MIX_Q4_K_M);
  EXPECT_EQ(axq::MixFromName("Q6_K"), AXQ_MIX_Q6_K);
  EXPECT_EQ(axq::MixFromName("q4_k"), AXQ_MIX_NONE);
  EXPECT_STREQ(axq::MixName(AXQ_MIX_Q3_K_L), "Q3_K_L");
  EXPECT_EQ(axq::MixName(AXQ_MIX_NONE), nullptr);
  EXPECT_EQ(axq::MixName(21), nullptr);  // Q2_K_S needs an importance matrix: not offered
}

}  // namespace
