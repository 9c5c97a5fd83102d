#include "src/model/llama_mix.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <numeric>

#include "src/core/type_traits.h"

namespace axq {
namespace {

// The roles llama.cpp tells apart when it picks a type.
enum class Role {
  kOutput,
  kTokenEmbedding,
  kAttentionQkv,
  kAttentionKvB,
  kAttentionV,
  kAttentionK,
  kAttentionQ,
  kAttentionOutput,
  kFfnUp,
  kFfnGate,
  kFfnDown,
  kOther,
};

bool Contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// First match wins, in the order llama.cpp tests them: "attn_qkv.weight"
// must not be taken for "attn_q", nor "ffn_gate_exps" for anything else.
Role RoleOf(const std::string& name) {
  if (name == "output.weight") return Role::kOutput;
  if (name == "token_embd.weight" || name == "per_layer_token_embd.weight") return Role::kTokenEmbedding;
  if (Contains(name, "attn_qkv.weight")) return Role::kAttentionQkv;
  if (Contains(name, "attn_kv_b.weight")) return Role::kAttentionKvB;
  if (Contains(name, "attn_v.weight")) return Role::kAttentionV;
  if (Contains(name, "attn_k.weight")) return Role::kAttentionK;
  if (Contains(name, "attn_q.weight")) return Role::kAttentionQ;
  if (Contains(name, "attn_output.weight")) return Role::kAttentionOutput;
  if (Contains(name, "ffn_up")) return Role::kFfnUp;
  if (Contains(name, "ffn_gate")) return Role::kFfnGate;
  if (Contains(name, "ffn_down")) return Role::kFfnDown;
  return Role::kOther;
}

// Tensors that carry the attention values: the ones mixes favour most.
bool IsValueRole(Role r) { return r == Role::kAttentionV || r == Role::kAttentionQkv || r == Role::kAttentionKvB; }

// The layer a "blk.N." name belongs to; -1 for tensors outside the blocks.
int64_t LayerOf(const std::string& name) {
  long long layer = -1;
  if (std::sscanf(name.c_str(), "blk.%lld.", &layer) != 1) return -1;
  return layer;
}

// The layers where llama.cpp's "_M" mixes spend more bits: the first and
// last eighth, and every third layer between.
bool UseMoreBits(int64_t layer, int64_t n_layer) {
  return layer < n_layer / 8 || layer >= 7 * n_layer / 8 || (layer - n_layer / 8) % 3 == 2;
}

bool ReadInteger(const std::vector<gguf::KeyValue>& metadata, const std::string& key, int64_t* out) {
  for (const gguf::KeyValue& kv : metadata) {
    if (kv.key != key) continue;
    if (kv.value.type != gguf::ValueType::kArray) return kv.value.AsInteger(out);
    // Per-layer arrays: llama.cpp's quantizer looks at layer 0.
    const size_t size = gguf::ScalarSize(kv.value.element_type);
    if (kv.value.count == 0 || size == 0 || kv.value.scalar.size() < size) return false;
    gguf::Value first;
    first.type = kv.value.element_type;
    first.scalar = kv.value.scalar.substr(0, size);
    return first.AsInteger(out);
  }
  return false;
}

// The running counts llama.cpp keeps while it walks the tensors.
struct MixState {
  int32_t mix;
  const LlamaModelShape& shape;
  bool has_imatrix;
  bool tied_embeddings;
  int64_t value_tensors;  // attention-V-like tensors in the model
  int64_t value_seen = 0;
  int64_t ffn_down_seen = 0;
};

bool IsFalcon(const MixState& s) { return s.shape.arch == "falcon"; }

// llama.cpp takes the layer from the name when experts are not stored in
// layer order, otherwise from its running count.
int64_t FfnLayer(const MixState& s, int64_t seen, const std::string& name) {
  if (s.shape.n_expert > 1) {
    const int64_t layer = LayerOf(name);
    if (layer >= 0 && layer < s.shape.n_layer) return layer;
  }
  return seen;
}

axq_type ChooseForOutput(const MixState& s, axq_type type, int64_t ne0) {
  const TypeTraits* traits = FindTypeTraits(type);
  if (IsFalcon(s) || traits == nullptr || ne0 % traits->block_elems != 0) return AXQ_TYPE_Q8_0;
  return type == AXQ_TYPE_Q8_0 ? type : AXQ_TYPE_Q6_K;
}

axq_type ChooseForValues(MixState& s, axq_type type) {
  const int64_t i = s.value_seen++;
  switch (s.mix) {
    case AXQ_MIX_Q2_K: type = s.shape.n_gqa() >= 4 ? AXQ_TYPE_Q4_K : AXQ_TYPE_Q3_K; break;
    case AXQ_MIX_Q3_K_M: type = i < 2 ? AXQ_TYPE_Q5_K : AXQ_TYPE_Q4_K; break;
    case AXQ_MIX_Q3_K_L: type = AXQ_TYPE_Q5_K; break;
    case AXQ_MIX_Q4_K_M:
    case AXQ_MIX_Q5_K_M:
      if (UseMoreBits(i, s.value_tensors)) type = AXQ_TYPE_Q6_K;
      break;
    case AXQ_MIX_Q4_K_S:
      if (i < 4) type = AXQ_TYPE_Q5_K;
      break;
    default: break;
  }
  // A 70B llama shares each V among 8 heads, so V is small: worth more bits.
  if (s.shape.is_70b && (type == AXQ_TYPE_Q3_K || type == AXQ_TYPE_Q4_K)) type = AXQ_TYPE_Q5_K;
  if (s.shape.n_expert == 8) type = AXQ_TYPE_Q8_0;
  return type;
}

axq_type ChooseForFfnDown(MixState& s, axq_type type, const std::string& name) {
  const int64_t layer = FfnLayer(s, s.ffn_down_seen++, name);
  const int64_t n = s.shape.n_layer;
  switch (s.mix) {
    case AXQ_MIX_Q2_K: return AXQ_TYPE_Q3_K;
    case AXQ_MIX_Q3_K_M:
      if (layer < n / 16) return AXQ_TYPE_Q5_K;
      return !IsFalcon(s) || UseMoreBits(layer, n) ? AXQ_TYPE_Q4_K : AXQ_TYPE_Q3_K;
    case AXQ_MIX_Q3_K_L: return IsFalcon(s) ? AXQ_TYPE_Q4_K : AXQ_TYPE_Q5_K;
    case AXQ_MIX_Q4_K_M:
      if (IsFalcon(s)) {
        if (layer < n / 16) return AXQ_TYPE_Q6_K;
        return UseMoreBits(layer, n) ? AXQ_TYPE_Q5_K : AXQ_TYPE_Q4_K;
      }
      return UseMoreBits(layer, n) ? AXQ_TYPE_Q6_K : type;
    case AXQ_MIX_Q5_K_M: return UseMoreBits(layer, n) ? AXQ_TYPE_Q6_K : type;
    case AXQ_MIX_Q4_K_S: return !IsFalcon(s) && layer < n / 8 ? AXQ_TYPE_Q5_K : type;
    case AXQ_MIX_Q4_0:
    case AXQ_MIX_Q5_0:
      // With an importance matrix the first layers' FFN down keep a min.
      if (s.has_imatrix && layer < n / 8) return s.mix == AXQ_MIX_Q4_0 ? AXQ_TYPE_Q4_1 : AXQ_TYPE_Q5_1;
      return type;
    default: return type;
  }
}

axq_type ChooseForAttentionOutput(const MixState& s, axq_type type) {
  if (IsFalcon(s)) return s.mix == AXQ_MIX_Q3_K_L ? AXQ_TYPE_Q4_K : type;
  if (s.shape.n_expert == 8) {
    switch (s.mix) {
      case AXQ_MIX_Q2_K:
      case AXQ_MIX_Q3_K_S:
      case AXQ_MIX_Q3_K_M:
      case AXQ_MIX_Q4_K_S:
      case AXQ_MIX_Q4_K_M: return AXQ_TYPE_Q5_K;
      default: return type;
    }
  }
  switch (s.mix) {
    case AXQ_MIX_Q2_K: return AXQ_TYPE_Q3_K;
    case AXQ_MIX_Q3_K_M: return AXQ_TYPE_Q4_K;
    case AXQ_MIX_Q3_K_L: return AXQ_TYPE_Q5_K;
    default: return type;
  }
}

axq_type ChooseInMix(MixState& s, const MixTensor& t) {
  const axq_type type = MixDefaultType(s.mix);
  const Role role = RoleOf(t.name);
  if (role == Role::kOutput || (s.tied_embeddings && role == Role::kTokenEmbedding)) {
    return ChooseForOutput(s, type, t.ne0);
  }
  switch (role) {
    case Role::kTokenEmbedding:
      return s.mix == AXQ_MIX_TQ1_0 || s.mix == AXQ_MIX_TQ2_0 ? AXQ_TYPE_Q4_K : type;
    // Fused QKV counts as V: llama.cpp's own QKV rule after it is never
    // reached, so there is none here.
    case Role::kAttentionV:
    case Role::kAttentionQkv:
    case Role::kAttentionKvB: return ChooseForValues(s, type);
    case Role::kAttentionK: return s.shape.n_expert == 8 ? AXQ_TYPE_Q8_0 : type;
    case Role::kFfnDown: return ChooseForFfnDown(s, type, t.name);
    case Role::kAttentionOutput: return ChooseForAttentionOutput(s, type);
    // FFN gate and up change type only in the IQ mixes, which libaxq does
    // not offer; they are told apart so that they never count as FFN down.
    default: return type;
  }
}

}  // namespace

LlamaModelShape ReadLlamaModelShape(const std::vector<gguf::KeyValue>& metadata,
                                    const std::vector<std::string>& tensor_names) {
  LlamaModelShape shape;
  for (const gguf::KeyValue& kv : metadata) {
    if (kv.key == "general.architecture" && kv.value.type == gguf::ValueType::kString) shape.arch = kv.value.scalar;
  }
  const std::string prefix = shape.arch + ".";
  if (!ReadInteger(metadata, prefix + "block_count", &shape.n_layer)) {
    for (const std::string& name : tensor_names) shape.n_layer = std::max(shape.n_layer, LayerOf(name) + 1);
  }
  (void)ReadInteger(metadata, prefix + "attention.head_count", &shape.n_head);
  if (!ReadInteger(metadata, prefix + "attention.head_count_kv", &shape.n_head_kv)) shape.n_head_kv = shape.n_head;
  (void)ReadInteger(metadata, prefix + "expert_count", &shape.n_expert);
  shape.is_70b = shape.arch == "llama" && shape.n_layer == 80 && shape.n_head != shape.n_head_kv;
  return shape;
}

bool IsSupportedMix(int32_t mix) { return MixDefaultType(mix) != AXQ_TYPE_INVALID; }

namespace {

struct NamedMix {
  int32_t mix;
  const char* name;
};

constexpr NamedMix kMixNames[] = {
    {AXQ_MIX_F16, "F16"},       {AXQ_MIX_BF16, "BF16"},     {AXQ_MIX_Q4_0, "Q4_0"},     {AXQ_MIX_Q4_1, "Q4_1"},
    {AXQ_MIX_Q5_0, "Q5_0"},     {AXQ_MIX_Q5_1, "Q5_1"},     {AXQ_MIX_Q8_0, "Q8_0"},     {AXQ_MIX_Q2_K, "Q2_K"},
    {AXQ_MIX_Q3_K_S, "Q3_K_S"}, {AXQ_MIX_Q3_K_M, "Q3_K_M"}, {AXQ_MIX_Q3_K_L, "Q3_K_L"}, {AXQ_MIX_Q4_K_S, "Q4_K_S"},
    {AXQ_MIX_Q4_K_M, "Q4_K_M"}, {AXQ_MIX_Q5_K_S, "Q5_K_S"}, {AXQ_MIX_Q5_K_M, "Q5_K_M"}, {AXQ_MIX_Q6_K, "Q6_K"},
    {AXQ_MIX_TQ1_0, "TQ1_0"},   {AXQ_MIX_TQ2_0, "TQ2_0"},
};

bool SameIgnoringCase(const char* a, const char* b) {
  for (; *a != '\0' && *b != '\0'; ++a, ++b) {
    if (std::tolower(static_cast<unsigned char>(*a)) != std::tolower(static_cast<unsigned char>(*b))) return false;
  }
  return *a == *b;
}

}  // namespace

const char* MixName(int32_t mix) {
  for (const NamedMix& m : kMixNames) {
    if (m.mix == mix) return m.name;
  }
  return nullptr;
}

int32_t MixFromName(const char* name) {
  for (const NamedMix& m : kMixNames) {
    if (SameIgnoringCase(m.name, name)) return m.mix;
  }
  return AXQ_MIX_NONE;
}

axq_type MixDefaultType(int32_t mix) {
  switch (mix) {
    case AXQ_MIX_F16: return AXQ_TYPE_F16;
    case AXQ_MIX_BF16: return AXQ_TYPE_BF16;
    case AXQ_MIX_Q4_0: return AXQ_TYPE_Q4_0;
    case AXQ_MIX_Q4_1: return AXQ_TYPE_Q4_1;
    case AXQ_MIX_Q5_0: return AXQ_TYPE_Q5_0;
    case AXQ_MIX_Q5_1: return AXQ_TYPE_Q5_1;
    case AXQ_MIX_Q8_0: return AXQ_TYPE_Q8_0;
    case AXQ_MIX_Q2_K: return AXQ_TYPE_Q2_K;
    case AXQ_MIX_Q3_K_S:
    case AXQ_MIX_Q3_K_M:
    case AXQ_MIX_Q3_K_L: return AXQ_TYPE_Q3_K;
    case AXQ_MIX_Q4_K_S:
    case AXQ_MIX_Q4_K_M: return AXQ_TYPE_Q4_K;
    case AXQ_MIX_Q5_K_S:
    case AXQ_MIX_Q5_K_M: return AXQ_TYPE_Q5_K;
    case AXQ_MIX_Q6_K: return AXQ_TYPE_Q6_K;
    case AXQ_MIX_TQ1_0: return AXQ_TYPE_TQ1_0;
    case AXQ_MIX_TQ2_0: return AXQ_TYPE_TQ2_0;
    default: return AXQ_TYPE_INVALID;
  }
}

bool LlamaQuantizesTensor(const std::string& name, int n_dims) {
  static const char* const kKept[] = {
      "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel",
      "per_layer_model_proj", "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight",
      "indexer.q_proj.weight", "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight",
      "time_mix_w2.weight", "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight",
      "time_mix_a0.weight", "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight",
      "time_mix_g2.weight", "time_mix_decay_w1.weight", "time_mix_decay_w2.weight",
      "time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd", "sam.pos_embd", "sam.neck.",
      "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd"};
  if (n_dims < 2) return false;
  const std::string suffix = "weight";
  if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return false;
  }
  if (name == "position_embd.weight" || name == "token_types.weight") return false;
  for (const char* part : kKept) {
    if (Contains(name, part)) return false;
  }
  return true;
}

std::vector<axq_type> LlamaMixTypes(int32_t mix, const LlamaModelShape& shape, bool has_imatrix,
                                    const std::vector<MixTensor>& tensors) {
  std::vector<axq_type> out(tensors.size(), AXQ_TYPE_INVALID);
  MixState state{mix, shape, has_imatrix, true, 0};
  for (const MixTensor& t : tensors) {
    if (IsValueRole(RoleOf(t.name))) ++state.value_tensors;
    if (t.name == "output.weight") state.tied_embeddings = false;
  }
  // llama.cpp's order: tensors outside the blocks first, then by layer,
  // each group by name.
  std::vector<size_t> order(tensors.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const int64_t la = LayerOf(tensors[a].name), lb = LayerOf(tensors[b].name);
    if (la != lb) return la < lb;
    return tensors[a].name < tensors[b].name;
  });
  const axq_type default_type = MixDefaultType(mix);
  const TypeTraits* traits = FindTypeTraits(default_type);
  const bool quantized_default = traits != nullptr && traits->is_quantized;
  for (size_t i : order) {
    const MixTensor& t = tensors[i];
    if (t.manual || !LlamaQuantizesTensor(t.name, t.n_dims)) continue;
    // Float mixes (F16, BF16) have no per-tensor choices.
    out[i] = quantized_default ? ChooseInMix(state, t) : default_type;
  }
  return out;
}

}  // namespace axq
