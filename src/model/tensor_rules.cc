#include "src/model/tensor_rules.h"

#include <fnmatch.h>

#include <cstring>

#include "src/core/type_traits.h"
#include "src/model/llama_mix.h"
#include "src/model/quantize_tensor.h"

namespace axq {
namespace {

bool Divides(axq_type type, int64_t ne0) {
  const TypeTraits* traits = FindTypeTraits(type);
  return traits != nullptr && ne0 % traits->block_elems == 0;
}

std::string Trim(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return std::string();
  const size_t last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

bool TensorRule::Matches(const std::string& name) const {
  if (regex != nullptr) return std::regex_search(name, *regex);
  return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

Status ParseRule(const std::string& text, TensorRule* out) {
  const size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "rule '%s': expected GLOB=TYPE, e.g. '*norm*=f32'", text.c_str());
  }
  const std::string glob = Trim(text.substr(0, eq));
  axq_type type = AXQ_TYPE_INVALID;
  if (glob.empty() || axq_type_from_name(&type, Trim(text.substr(eq + 1)).c_str()) != AXQ_OK) {
    const std::string message = glob.empty() ? "the glob is empty" : axq_last_error();
    return Fail(glob.empty() ? AXQ_ERR_INVALID_ARGUMENT : AXQ_ERR_UNKNOWN_TYPE, "rule '%s': %s", text.c_str(),
                message.c_str());
  }
  if (!IsWeightType(type)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "rule '%s': %s is not a weight type this libaxq writes", text.c_str(),
                FindTypeTraits(type)->name);
  }
  out->type = type;
  out->regex.reset();
  out->pattern = glob;
  if (glob.rfind("re:", 0) == 0) {
    out->pattern = glob.substr(3);
    try {
      out->regex = std::make_shared<const std::regex>(out->pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "rule '%s': not a regular expression (%s)", text.c_str(), e.what());
    }
  }
  return OkStatus();
}

Status ParseRuleList(const char* text, std::vector<TensorRule>* out) {
  out->clear();
  if (text == nullptr) return OkStatus();
  const std::string all = text;
  size_t begin = 0;
  while (begin <= all.size()) {
    size_t end = all.find_first_of(";\n", begin);
    if (end == std::string::npos) end = all.size();
    const std::string entry = Trim(all.substr(begin, end - begin));
    if (!entry.empty()) {
      TensorRule rule;
      AXQ_RETURN_IF_ERROR(ParseRule(entry, &rule));
      out->push_back(rule);
    }
    begin = end + 1;
  }
  return OkStatus();
}

axq_type LlamaFallback(axq_type type, int64_t ne0) {
  axq_type replacement = type;
  switch (type) {
    case AXQ_TYPE_Q2_K:
    case AXQ_TYPE_Q3_K:
    case AXQ_TYPE_TQ1_0:
    case AXQ_TYPE_TQ2_0: replacement = AXQ_TYPE_Q4_0; break;
    case AXQ_TYPE_Q4_K: replacement = AXQ_TYPE_Q5_0; break;
    case AXQ_TYPE_Q5_K: replacement = AXQ_TYPE_Q5_1; break;
    case AXQ_TYPE_Q6_K: replacement = AXQ_TYPE_Q8_0; break;
    default: break;
  }
  return Divides(replacement, ne0) ? replacement : AXQ_TYPE_F16;
}

namespace {

const TensorRule* FirstMatch(const TypeChoice& choice, const std::string& name) {
  for (const TensorRule& rule : choice.rules) {
    if (rule.Matches(name)) return &rule;
  }
  return nullptr;
}

// `type` itself if its block divides the rows, else the fallback.
axq_type Fit(const TypeChoice& choice, axq_type type, int64_t ne0) {
  if (Divides(type, ne0) || FindTypeTraits(type) == nullptr) return type;
  if (choice.fallback == AXQ_TYPE_INVALID) return LlamaFallback(type, ne0);
  return Divides(choice.fallback, ne0) ? choice.fallback : AXQ_TYPE_F16;
}

}  // namespace

axq_type ChooseType(const TypeChoice& choice, const std::string& name, int n_dims, int64_t ne0,
                    axq_type source_type) {
  const TensorRule* rule = FirstMatch(choice, name);
  if (rule == nullptr) {
    if (n_dims < 2) return source_type;
    if (!choice.pure && name.find("norm") != std::string::npos) return source_type;
  }
  return Fit(choice, rule != nullptr ? rule->type : choice.type, ne0);
}

std::vector<axq_type> ChooseTypes(const TypeChoice& choice, const std::vector<gguf::KeyValue>& metadata,
                                  const std::vector<SourceTensor>& tensors) {
  std::vector<axq_type> out;
  if (choice.mix == AXQ_MIX_NONE) {
    for (const SourceTensor& s : tensors) out.push_back(ChooseType(choice, s.name, s.n_dims, s.ne[0], s.type));
    return out;
  }
  std::vector<MixTensor> view;
  std::vector<std::string> names;
  std::vector<const TensorRule*> rules;
  for (const SourceTensor& s : tensors) {
    rules.push_back(FirstMatch(choice, s.name));
    view.push_back({s.name, s.n_dims, s.ne[0], rules.back() != nullptr || choice.pure});
    names.push_back(s.name);
  }
  const std::vector<axq_type> mixed =
      LlamaMixTypes(choice.mix, ReadLlamaModelShape(metadata, names), choice.has_imatrix, view);
  for (size_t i = 0; i < tensors.size(); ++i) {
    const SourceTensor& s = tensors[i];
    axq_type type = mixed[i];
    if (const TensorRule* rule = rules[i]) {
      type = rule->type;
    } else if (choice.pure && LlamaQuantizesTensor(s.name, s.n_dims)) {
      type = choice.type;
    }
    out.push_back(type == AXQ_TYPE_INVALID ? s.type : Fit(choice, type, s.ne[0]));
  }
  return out;
}

uint32_t FileTypeFor(const TypeChoice& choice) {
  return choice.mix != AXQ_MIX_NONE ? static_cast<uint32_t>(choice.mix) : LlamaFileType(choice.type);
}

}  // namespace axq
