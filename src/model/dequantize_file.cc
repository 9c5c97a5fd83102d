// `axq dequantize`: every tensor of a model file expanded to f32 (or f16 /
// bf16), into a GGUF file, streamed like QuantizeFile.
#include "src/model/dequantize_file.h"

#include <vector>

#include "src/core/parallel.h"
#include "src/core/type_traits.h"
#include "src/model/quantize_tensor.h"
#include "src/model/source.h"

namespace axq {

Status DequantizeFile(const std::string& in_path, const std::string& out_path, axq_type type, unsigned threads) {
  if (!IsFloatType(type)) {
    const TypeTraits* t = FindTypeTraits(type);
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "type: dequantize writes f32, f16 or bf16, not %s",
                t != nullptr ? t->name : "an unknown type");
  }
  OpenedModel in;
  AXQ_RETURN_IF_ERROR(OpenModel(in_path, &in));
  const std::vector<SourceTensor>& sources = in.tensors;
  gguf::File out;
  out.metadata = in.metadata;
  SetU32(&out.metadata, "general.file_type", LlamaFileType(type));
  for (const SourceTensor& s : sources) out.tensors.push_back(InfoFor(s, type));
  const unsigned n_threads = ResolveThreadCount(threads);
  return gguf::Write(out_path, std::move(out), [&](size_t i, const gguf::TensorSink& sink) -> Status {
    AXQ_RETURN_IF_ERROR(QuantizeTensor(sources[i], type, TernaryRule::kReference, n_threads,
                                       [&](const void* data, size_t size, int64_t) { return sink(data, size); }));
    in.file.Release(sources[i].data, sources[i].nbytes);
    return OkStatus();
  });
}

}  // namespace axq
