#include "src/model/quantize_file.h"

#include <vector>

#include "src/core/parallel.h"
#include "src/axqt/axqt.h"
#include "src/core/type_traits.h"
#include "src/gguf/gguf.h"
#include "src/io/mapped_file.h"
#include "src/model/quantize_tensor.h"
#include "src/model/source.h"

namespace axq {
namespace {

bool ToAxqtType(axq_type t, axqt::QuantType* out) {
  switch (t) {
    case AXQ_TYPE_Q8_0: *out = axqt::QuantType::kQ8_0; return true;
    case AXQ_TYPE_Q4_0: *out = axqt::QuantType::kQ4_0; return true;
    case AXQ_TYPE_Q4_1: *out = axqt::QuantType::kQ4_1; return true;
    case AXQ_TYPE_F16: *out = axqt::QuantType::kF16; return true;
    case AXQ_TYPE_F32: *out = axqt::QuantType::kF32; return true;
    default: return false;
  }
}

// AXQT holds one type for every tensor and is written in one go.
Status QuantizeToAxqt(const OpenedModel& in, const std::string& out_path, const QuantizeFileOptions& options) {
  const axq_type type = options.choice.type;
  axqt::QuantType axqt_type;
  if (!ToAxqtType(type, &axqt_type)) {
    return Fail(AXQ_ERR_UNSUPPORTED, "type: AXQT files hold q8_0, q4_0, q4_1, f16 or f32, not %s",
                FindTypeTraits(type)->name);
  }
  if (!options.choice.rules.empty()) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "rules: an AXQT file holds one type for every tensor, so rules do not apply");
  }
  const unsigned threads = ResolveThreadCount(options.threads);
  uint64_t bytes_total = 0;
  for (const SourceTensor& s : in.tensors) bytes_total += s.nbytes;
  ProgressMeter meter(options.progress, options.progress_user, in.tensors.size(), bytes_total);
  std::vector<std::vector<uint8_t>> data(in.tensors.size());
  std::vector<axqt::TensorData> tensors(in.tensors.size());
  uint64_t bytes_before = 0;
  for (size_t i = 0; i < in.tensors.size(); ++i) {
    const SourceTensor& s = in.tensors[i];
    AXQ_RETURN_IF_ERROR(meter.Report(i, s.name, bytes_before));
    const TypeTraits* traits = FindTypeTraits(type);
    if (s.ne[0] % traits->block_elems != 0) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "tensor '%s': rows of %lld do not fit %s's block of %lld, and an AXQT "
                  "file has no other type to fall back to", s.name.c_str(), static_cast<long long>(s.ne[0]),
                  traits->name, static_cast<long long>(traits->block_elems));
    }
    for (int d = s.n_dims - 1; d >= 0; --d) {
      if (s.ne[d] > UINT32_MAX) {
        return Fail(AXQ_ERR_UNSUPPORTED, "tensor '%s': AXQT dims are 32-bit", s.name.c_str());
      }
      tensors[i].dims.push_back(static_cast<uint32_t>(s.ne[d]));  // AxonML: outermost first
    }
    std::vector<float> importance;
    AXQ_RETURN_IF_ERROR(ImportanceFor(options.imatrix, s, &importance));
    AXQ_RETURN_IF_ERROR(QuantizeTensor(
        s, type, options.ternary, threads,
        [&](const void* bytes, size_t size, int64_t) -> Status {
          const uint8_t* p = static_cast<const uint8_t*>(bytes);
          data[i].insert(data[i].end(), p, p + size);
          return OkStatus();
        },
        &importance));
    tensors[i].bytes = data[i].data();
    tensors[i].size = data[i].size();
    in.file.Release(s.data, s.nbytes);
    bytes_before += s.nbytes;
    AXQ_RETURN_IF_ERROR(meter.Report(i, s.name, bytes_before));
  }
  return axqt::Write(out_path, axqt_type, tensors);
}

}  // namespace

Status QuantizeFile(const std::string& in_path, const std::string& out_path, const QuantizeFileOptions& options) {
  if (!IsWeightType(options.choice.type)) {
    const TypeTraits* t = FindTypeTraits(options.choice.type);
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "type: %s is not a weight type this libaxq writes",
                t != nullptr ? t->name : "unknown");
  }
  OpenedModel in;
  AXQ_RETURN_IF_ERROR(OpenModel(in_path, &in));
  if (options.format == AXQ_FORMAT_AXQT) return QuantizeToAxqt(in, out_path, options);
  const std::vector<SourceTensor>& sources = in.tensors;
  gguf::File out;
  out.metadata = in.metadata;
  SetU32(&out.metadata, "general.file_type", FileTypeFor(options.choice));
  SetU32(&out.metadata, "general.quantization_version", 2);
  const std::vector<axq_type> targets = ChooseTypes(options.choice, in.metadata, sources);
  std::vector<std::vector<float>> importance(sources.size());
  uint64_t bytes_total = 0;
  for (size_t i = 0; i < sources.size(); ++i) {
    const SourceTensor& s = sources[i];
    const axq_type target = targets[i];
    // Checked before anything is written: a bad choice fails at once.
    if (target != s.type && !IsFloatType(s.type) && !IsFloatType(target)) {
      return Fail(AXQ_ERR_UNSUPPORTED, "tensor '%s' is already %s: requantizing is not supported", s.name.c_str(),
                  FindTypeTraits(s.type)->name);
    }
    if (!IsWeightType(target)) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "tensor '%s': %s is not a weight type this libaxq writes", s.name.c_str(),
                  FindTypeTraits(target) != nullptr ? FindTypeTraits(target)->name : "unknown");
    }
    if (target != s.type) AXQ_RETURN_IF_ERROR(ImportanceFor(options.imatrix, s, &importance[i]));
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
    AXQ_RETURN_IF_ERROR(QuantizeTensor(
        s, targets[i], options.ternary, threads,
        [&](const void* data, size_t size, int64_t rows_done) -> Status {
          AXQ_RETURN_IF_ERROR(sink(data, size));
          return meter.Report(i, s.name, bytes_before + row_bytes * static_cast<uint64_t>(rows_done));
        },
        &importance[i]));
    in.file.Release(s.data, s.nbytes);
    bytes_before += s.nbytes;
    return OkStatus();
  });
}

}  // namespace axq
