// Whole-model quantization, file to file (`axq quantize`): a GGUF or
// safetensors model in, a GGUF model out, tensors chosen by rules and
// streamed so memory stays near one tensor. Output bytes do not depend on
// the thread count.
#ifndef AXQ_MODEL_QUANTIZE_FILE_H_
#define AXQ_MODEL_QUANTIZE_FILE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "axq/axq.h"
#include "src/core/convert.h"
#include "src/core/status.h"

namespace axq {

struct QuantizeProgress {
  size_t tensor = 0;          // index of the tensor being written
  size_t tensors = 0;         // how many there are
  const char* name = "";
  uint64_t bytes_done = 0;    // input bytes processed so far
  uint64_t bytes_total = 0;
};

struct QuantizeFileOptions {
  axq_type type = AXQ_TYPE_Q4_0;
  // "glob=type" rules, first match wins (fnmatch on the tensor name; a
  // rule type of F32 keeps a tensor in f32).
  std::vector<std::pair<std::string, axq_type>> rules;
  // Like llama-quantize --pure: every tensor of 2 or more dims to `type`;
  // otherwise names containing "norm" also stay as they are.
  bool pure = false;
  // For tensors whose row length the type's block does not divide.
  axq_type fallback = AXQ_TYPE_F16;
  unsigned threads = 0;
  TernaryRule ternary = TernaryRule::kAbsmean;
  std::function<void(const QuantizeProgress&)> progress;
};

// Parses "glob=type" (the type by name, case-insensitive).
Status ParseRule(const std::string& text, std::pair<std::string, axq_type>* out);

// The type a tensor gets (source_type: its type in the input).
axq_type ChooseType(const QuantizeFileOptions& options, const std::string& name, int n_dims, int64_t ne0,
                    axq_type source_type);

Status QuantizeFile(const std::string& in_path, const std::string& out_path, const QuantizeFileOptions& options);

}  // namespace axq

#endif  // AXQ_MODEL_QUANTIZE_FILE_H_
