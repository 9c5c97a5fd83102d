// Which type each tensor of a model gets: the default type, "GLOB=TYPE"
// rules, the tensors that stay as they are, and the fallback for rows a
// block does not divide. Shared by file quantization and axq_model_t.
#ifndef AXQ_MODEL_TENSOR_RULES_H_
#define AXQ_MODEL_TENSOR_RULES_H_

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "axq/axq.h"
#include "src/core/status.h"
#include "src/gguf/gguf.h"
#include "src/model/source.h"

namespace axq {

// "GLOB=TYPE" (fnmatch) or "re:REGEX=TYPE" (ECMAScript, searched anywhere
// in the name, as llama-quantize's --tensor-type does).
struct TensorRule {
  std::string pattern;  // without the "re:" prefix
  axq_type type = AXQ_TYPE_INVALID;
  std::shared_ptr<const std::regex> regex;  // set for "re:" rules
  bool Matches(const std::string& name) const;
};

struct TypeChoice {
  axq_type type = AXQ_TYPE_Q4_0;
  std::vector<TensorRule> rules;  // first match wins
  // Like llama-quantize --pure: norms of 2+ dims are quantized too.
  bool pure = false;
  // For rows the chosen type's block does not divide; AXQ_TYPE_INVALID
  // picks llama.cpp's fallback (LlamaFallback).
  axq_type fallback = AXQ_TYPE_INVALID;
  // An axq_mix: llama.cpp's per-tensor choices (llama_mix.h), `type` being
  // the mix's default type. AXQ_MIX_NONE: `type` everywhere.
  int32_t mix = AXQ_MIX_NONE;
  // The mixes of Q4_0 and Q5_0 differ when an importance matrix is used.
  bool has_imatrix = false;
};

// Parses "glob=type" or "re:regex=type" (the type by name,
// case-insensitive; the last '=' separates it).
Status ParseRule(const std::string& text, TensorRule* out);

// Parses rules separated by ';' or newlines; blanks around each are
// ignored, empty entries skipped.
Status ParseRuleList(const char* text, std::vector<TensorRule>* out);

// llama.cpp's replacement when ne0 is not a multiple of `type`'s block:
// Q2_K, Q3_K, TQ1_0, TQ2_0 -> Q4_0; Q4_K -> Q5_0; Q5_K -> Q5_1;
// Q6_K -> Q8_0; anything still not dividing ne0 -> F16.
axq_type LlamaFallback(axq_type type, int64_t ne0);

// The type a tensor gets (source_type: its type in the input). 1-D tensors
// keep their type, and so do tensors named "*norm*" unless `pure`; a rule
// overrides both.
axq_type ChooseType(const TypeChoice& choice, const std::string& name, int n_dims, int64_t ne0,
                    axq_type source_type);

// The type of every tensor of a model (`tensors` as in the input, with its
// GGUF metadata): ChooseType's answer, or with choice.mix set, the mix's
// (rules first, then llama.cpp's choice, then the fallback).
std::vector<axq_type> ChooseTypes(const TypeChoice& choice, const std::vector<gguf::KeyValue>& metadata,
                                  const std::vector<SourceTensor>& tensors);

// general.file_type for a file written with `choice`.
uint32_t FileTypeFor(const TypeChoice& choice);

}  // namespace axq

#endif  // AXQ_MODEL_TENSOR_RULES_H_
