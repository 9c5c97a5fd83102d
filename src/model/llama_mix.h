// llama.cpp's quantization mixes ("Q4_K_M", "Q6_K", ...): for a llama_ftype,
// the type llama_model_quantize gives each tensor of a model, decided from
// the tensor's role (its GGUF name), its layer, and the model's shape
// (layers, heads, experts) read from the GGUF metadata. Reproduced so that
// `axq quantize --type q4_k_m` writes the same tensor types as
// `llama-quantize ... Q4_K_M`; the interop suite checks it against
// llama.cpp's own library.
#ifndef AXQ_MODEL_LLAMA_MIX_H_
#define AXQ_MODEL_LLAMA_MIX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "src/gguf/gguf.h"

namespace axq {

// The model facts the mixes depend on. Missing keys (a safetensors input)
// leave the defaults: no experts, no grouped-query attention, and a layer
// count taken from the highest "blk.N." in the tensor names.
struct LlamaModelShape {
  std::string arch;
  int64_t n_layer = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t n_expert = 0;
  bool is_70b = false;  // llama.cpp's LLM_TYPE_70B, the one size it singles out
  int64_t n_gqa() const { return n_head_kv > 0 ? n_head / n_head_kv : 0; }
};

LlamaModelShape ReadLlamaModelShape(const std::vector<gguf::KeyValue>& metadata,
                                    const std::vector<std::string>& tensor_names);

// The mixes libaxq writes; AXQ_MIX_NONE and others give false.
bool IsSupportedMix(int32_t mix);
// The mix's default tensor type (AXQ_TYPE_INVALID if unsupported).
axq_type MixDefaultType(int32_t mix);
// llama-quantize's name for a mix ("Q4_K_M"); nullptr if unsupported.
const char* MixName(int32_t mix);
// The mix named `name` (case-insensitive); AXQ_MIX_NONE if none.
int32_t MixFromName(const char* name);

// Whether llama_model_quantize quantizes a tensor at all: 2+ dims, a name
// ending in "weight", and not one of the tensors it always leaves as they
// are (norms, expert routers, position embeddings, ...).
bool LlamaQuantizesTensor(const std::string& name, int n_dims);

// One tensor of the model, as the mix sees it.
struct MixTensor {
  std::string name;
  int n_dims = 1;
  int64_t ne0 = 1;
  // A user rule names its type: llama.cpp then skips its mix logic (and
  // does not count the tensor).
  bool manual = false;
};

// The type of every tensor (in `tensors`' order) under `mix`, before user
// rules and before the fallback for rows a block does not divide:
// AXQ_TYPE_INVALID for manual tensors and those llama.cpp leaves
// untouched. llama.cpp
// counts attention-V and FFN tensors in its own tensor order (by layer,
// then by name), so the result does not depend on the file's order.
std::vector<axq_type> LlamaMixTypes(int32_t mix, const LlamaModelShape& shape, bool has_imatrix,
                                    const std::vector<MixTensor>& tensors);

}  // namespace axq

#endif  // AXQ_MODEL_LLAMA_MIX_H_
