#include "src/model/quantize_file.h"

#include <vector>

#include "src/core/parallel.h"
#include "src/core/type_traits.h"
#include "src/gguf/gguf.h"
#include "src/io/mapped_file.h"
#include "src/model/quantize_tensor.h"
#include "src/model/source.h"

namespace axq {

Status QuantizeFile(const std::string& in_path, const std::string& out_path, const QuantizeFileOptions& options) {
  if (!IsWeightType(options.choice.type)) {
    const TypeTraits* t = FindTypeTraits(options.choice.type);
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "type: %s is not a weight type this libaxq writes",
                t != nullptr ? t->name : "unknown");
  }
  MappedFile in;
  std::vector<SourceTensor> sources;
  std::vector<gguf::KeyValue> metadata;
  AXQ_RETURN_IF_ERROR(OpenModel(in_path, &in, &sources, &metadata));
  gguf::File out;
  out.metadata = metadata;
  SetU32(&out.metadata, "general.file_type", LlamaFileType(options.choice.type));
  SetU32(&out.metadata, "general.quantization_version", 2);
  std::vector<axq_type> targets;
  uint64_t bytes_total = 0;
  for (const SourceTensor& s : sources) {
    const axq_type target = ChooseType(options.choice, s.name, s.n_dims, s.ne[0], s.type);
    // Checked before anything is written: a bad choice fails at once.
    if (target != s.type && !IsFloatType(s.type) && !IsFloatType(target)) {
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
  ProgressMeter meter(options.progress, options.progress_user, sources.size(), bytes_total);
  uint64_t bytes_before = 0;  // input bytes of the tensors already written
  return gguf::Write(out_path, std::move(out), [&](size_t i, const gguf::TensorSink& sink) -> Status {
    const SourceTensor& s = sources[i];
    AXQ_RETURN_IF_ERROR(meter.Report(i, s.name, bytes_before));
    const uint64_t row_bytes = s.rows() == 0 ? 0 : s.nbytes / static_cast<uint64_t>(s.rows());
    AXQ_RETURN_IF_ERROR(QuantizeTensor(s, targets[i], options.ternary, threads,
                                       [&](const void* data, size_t size, int64_t rows_done) -> Status {
                                         AXQ_RETURN_IF_ERROR(sink(data, size));
                                         return meter.Report(i, s.name,
                                                             bytes_before + row_bytes * static_cast<uint64_t>(rows_done));
                                       }));
    in.Release(s.data, s.nbytes);
    bytes_before += s.nbytes;
    return OkStatus();
  });
}

}  // namespace axq
