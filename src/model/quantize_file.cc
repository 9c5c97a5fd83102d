#include "src/model/quantize_file.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "src/core/convert.h"
#include "src/core/parallel.h"
#include "src/core/type_traits.h"
#include "src/gguf/gguf.h"
#include "src/io/mapped_file.h"
#include "src/model/source.h"
#include "src/simd/kernels.h"

namespace axq {
namespace {

// Input converted and quantized this many f32 bytes at a time.
constexpr uint64_t kChunkBytes = uint64_t{16} << 20;

bool IsFloat(axq_type t) { return t == AXQ_TYPE_F32 || t == AXQ_TYPE_F16 || t == AXQ_TYPE_BF16; }

bool IsWeightType(axq_type t) {
  return !IsActivationOnlyType(t) && KernelsFor(t) != nullptr;
}

// The tensor's message, with its name in front; `st`'s own message copied
// first, as it lives in the buffer Fail writes.
Status InTensor(const Status& st, const std::string& name) {
  const std::string message = axq_last_error();
  return Fail(st.code(), "tensor '%s': %s", name.c_str(), message.c_str());
}

}  // namespace

Status ParseRule(const std::string& text, std::pair<std::string, axq_type>* out) {
  const size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "rule '%s': expected GLOB=TYPE, e.g. '*norm*=f32'", text.c_str());
  }
  axq_type type = AXQ_TYPE_INVALID;
  if (axq_type_from_name(&type, text.substr(eq + 1).c_str()) != AXQ_OK) {
    const std::string message = axq_last_error();
    return Fail(AXQ_ERR_UNKNOWN_TYPE, "rule '%s': %s", text.c_str(), message.c_str());
  }
  *out = {text.substr(0, eq), type};
  return OkStatus();
}

axq_type ChooseType(const QuantizeFileOptions& options, const std::string& name, int n_dims, int64_t ne0,
                    axq_type source_type) {
  axq_type type = options.type;
  bool ruled = false;
  for (const auto& rule : options.rules) {
    if (fnmatch(rule.first.c_str(), name.c_str(), 0) == 0) {
      type = rule.second;
      ruled = true;
      break;
    }
  }
  if (!ruled) {
    // 1-D tensors (biases, norms) stay as they are, as in llama.cpp; so do
    // norms of any shape unless --pure.
    if (n_dims < 2) return source_type;
    if (!options.pure && name.find("norm") != std::string::npos) return source_type;
  }
  const TypeTraits* traits = FindTypeTraits(type);
  if (traits != nullptr && ne0 % traits->block_elems != 0) return options.fallback;
  return type;
}

Status QuantizeFile(const std::string& in_path, const std::string& out_path, const QuantizeFileOptions& options) {
  if (!IsWeightType(options.type)) {
    const TypeTraits* t = FindTypeTraits(options.type);
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "type: %s is not a weight type this libaxq writes",
                t != nullptr ? t->name : "unknown");
  }
  MappedFile in;
  std::vector<SourceTensor> sources;
  std::vector<gguf::KeyValue> metadata;
  AXQ_RETURN_IF_ERROR(OpenModel(in_path, &in, &sources, &metadata));
  gguf::File out;
  out.metadata = metadata;
  SetU32(&out.metadata, "general.file_type", LlamaFileType(options.type));
  SetU32(&out.metadata, "general.quantization_version", 2);
  std::vector<axq_type> targets;
  uint64_t bytes_total = 0;
  for (const SourceTensor& s : sources) {
    const axq_type target = ChooseType(options, s.name, s.n_dims, s.ne[0], s.type);
    if (target != s.type && !IsFloat(s.type)) {
      return Fail(AXQ_ERR_UNSUPPORTED, "tensor '%s' is already %s: requantizing is not supported", s.name.c_str(),
                  FindTypeTraits(s.type)->name);
    }
    if (!IsWeightType(target)) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "tensor '%s': %s is not a weight type this libaxq writes", s.name.c_str(),
                  FindTypeTraits(target) != nullptr ? FindTypeTraits(target)->name : "unknown");
    }
    targets.push_back(target);
    out.tensors.push_back(InfoFor(s, target));
    bytes_total += s.nbytes;
  }

  const unsigned threads = ResolveThreadCount(options.threads);
  uint64_t bytes_done = 0;
  auto report = [&](size_t i) {
    if (options.progress) {
      options.progress({i, sources.size(), sources[i].name.c_str(), bytes_done, bytes_total});
    }
  };
  return gguf::Write(out_path, std::move(out), [&](size_t i, const gguf::TensorSink& sink) -> Status {
    const SourceTensor& s = sources[i];
    const axq_type target = targets[i];
    report(i);
    if (target == s.type) {  // kept as it is
      bytes_done += s.nbytes;
      return sink(s.data, static_cast<size_t>(s.nbytes));
    }
    const TypeTraits* traits = FindTypeTraits(target);
    const FormatKernels* kernels = KernelsFor(target);
    // A tensor-wide scale (I2_S; absmean ternaries) needs the whole tensor
    // at once; everything else goes in chunks of rows.
    const bool whole = traits->tensor_tail_bytes != 0 ||
                       (options.ternary == TernaryRule::kAbsmean &&
                        (target == AXQ_TYPE_TQ1_0 || target == AXQ_TYPE_TQ2_0));
    const int64_t rows = s.rows();
    const int64_t per_chunk =
        whole ? rows : std::max<int64_t>(1, static_cast<int64_t>(kChunkBytes / (4 * static_cast<uint64_t>(std::max<int64_t>(1, s.ne[0])))));
    std::vector<float> f32;
    std::vector<uint8_t> packed;
    const uint64_t source_row_bytes = s.rows() == 0 ? 0 : s.nbytes / static_cast<uint64_t>(rows);
    for (int64_t row = 0; row < rows; row += per_chunk) {
      const int64_t n = std::min(per_chunk, rows - row);
      f32.resize(static_cast<size_t>(n * s.ne[0]));
      AXQ_RETURN_IF_ERROR(SourceRowsToF32(s, row, n, f32.data()));
      size_t row_bytes = 0;
      AXQ_RETURN_IF_ERROR(CheckedRowBytes(&row_bytes, *traits, s.ne[0], s.name.c_str()));
      packed.resize(row_bytes * static_cast<size_t>(n) + (whole ? static_cast<size_t>(traits->tensor_tail_bytes) : 0));
      const Status st = QuantizeElements(*kernels, *traits, f32.data(), packed.data(), {s.ne[0], n}, threads,
                                         options.ternary);
      if (!st.ok()) return InTensor(st, s.name);
      AXQ_RETURN_IF_ERROR(sink(packed.data(), packed.size()));
      bytes_done += source_row_bytes * static_cast<uint64_t>(n);
      report(i);
    }
    return OkStatus();
  });
}

}  // namespace axq
