#include "src/model/source.h"

#include <algorithm>
#include <cstring>

#include "src/core/convert.h"
#include "src/core/type_traits.h"
#include "src/axqt/axqt.h"
#include "src/safetensors/safetensors.h"
#include "src/simd/kernels.h"

namespace axq {
namespace {

Status LoadGguf(const MappedFile& file, const std::string& path, std::vector<SourceTensor>* out,
                std::vector<gguf::KeyValue>* metadata) {
  gguf::File g;
  AXQ_RETURN_IF_ERROR(gguf::Parse(file.data(), file.size(), path.c_str(), &g));
  *metadata = g.metadata;
  for (const gguf::TensorInfo& t : g.tensors) {
    SourceTensor s;
    s.name = t.name;
    s.n_dims = t.n_dims;
    std::copy(t.ne, t.ne + gguf::kMaxDims, s.ne);
    s.type = static_cast<axq_type>(t.type);
    s.data = g.TensorData(t);
    s.nbytes = t.nbytes;
    out->push_back(s);
  }
  return OkStatus();
}

Status LoadSafetensors(const MappedFile& file, const std::string& path, std::vector<SourceTensor>* out) {
  safetensors::File st;
  AXQ_RETURN_IF_ERROR(safetensors::Parse(file.data(), file.size(), path.c_str(), &st));
  for (const safetensors::TensorInfo& t : st.tensors) {
    if (t.type < 0) {
      return Fail(AXQ_ERR_UNSUPPORTED, "%s: tensor '%s' is %s; only F32, F16 and BF16 tensors are read",
                  path.c_str(), t.name.c_str(), t.dtype.c_str());
    }
    if (t.shape.size() > static_cast<size_t>(gguf::kMaxDims)) {
      return Fail(AXQ_ERR_UNSUPPORTED, "%s: tensor '%s' has %zu dims (GGUF holds up to 4)", path.c_str(),
                  t.name.c_str(), t.shape.size());
    }
    if (t.name.size() > gguf::kMaxNameBytes) {
      return Fail(AXQ_ERR_UNSUPPORTED, "%s: tensor name '%s' is longer than GGUF's 63 bytes", path.c_str(),
                  t.name.c_str());
    }
    SourceTensor s;
    s.name = t.name;
    s.type = static_cast<axq_type>(t.type);
    s.n_dims = std::max<int>(1, static_cast<int>(t.shape.size()));
    // safetensors lists the outermost dim first; ggml's ne[0] is innermost.
    for (size_t d = 0; d < t.shape.size(); ++d) s.ne[d] = t.shape[t.shape.size() - 1 - d];
    s.data = st.data + t.begin;
    s.nbytes = t.end - t.begin;
    out->push_back(s);
  }
  return OkStatus();
}

Status LoadAxqt(const std::string& path, OpenedModel* out) {
  axqt::File file;
  AXQ_RETURN_IF_ERROR(axqt::Parse(out->file.data(), out->file.size(), path.c_str(), &file));
  out->converted.reserve(file.tensors.size());
  for (size_t i = 0; i < file.tensors.size(); ++i) {
    const axqt::Tensor& t = file.tensors[i];
    if (t.dims.size() > static_cast<size_t>(gguf::kMaxDims)) {
      return Fail(AXQ_ERR_UNSUPPORTED, "%s: tensor %zu has %zu dims (GGUF holds up to 4)", path.c_str(), i,
                  t.dims.size());
    }
    SourceTensor s;
    s.name = "tensor." + std::to_string(i);
    s.n_dims = std::max<int>(1, static_cast<int>(t.dims.size()));
    for (size_t d = 0; d < t.dims.size(); ++d) s.ne[d] = t.dims[t.dims.size() - 1 - d];
    std::vector<uint8_t> bytes;
    s.type = static_cast<axq_type>(axqt::GgmlType(file.type));
    if (!axqt::ToGgml(file, t, &bytes).ok()) {
      // No ggml row layout for this shape: AxonML's decoded values instead.
      std::vector<float> values;
      AXQ_RETURN_IF_ERROR(axqt::ToF32(file, t, &values));
      const uint8_t* p = reinterpret_cast<const uint8_t*>(values.data());
      bytes.assign(p, p + values.size() * sizeof(float));
      s.type = AXQ_TYPE_F32;
    }
    out->converted.push_back(std::move(bytes));
    s.data = out->converted.back().data();
    s.nbytes = out->converted.back().size();
    out->tensors.push_back(s);
  }
  return OkStatus();
}

}  // namespace

Status OpenModel(const std::string& path, OpenedModel* out) {
  AXQ_RETURN_IF_ERROR(out->file.Open(path));
  const MappedFile& file = out->file;
  if (file.size() >= 4 && std::memcmp(file.data(), "GGUF", 4) == 0) {
    return LoadGguf(file, path, &out->tensors, &out->metadata);
  }
  if (file.size() >= 4 && std::memcmp(file.data(), "AXQT", 4) == 0) return LoadAxqt(path, out);
  return LoadSafetensors(file, path, &out->tensors);
}

Status SourceRowsToF32(const SourceTensor& s, int64_t row, int64_t rows, float* out) {
  const TypeTraits* traits = FindTypeTraits(s.type);
  const FormatKernels* kernels = KernelsFor(s.type);
  if (traits == nullptr || kernels == nullptr) {
    return Fail(AXQ_ERR_UNSUPPORTED, "tensor '%s': %s cannot be expanded by this version", s.name.c_str(),
                traits != nullptr ? traits->name : "its type");
  }
  size_t row_bytes = 0;
  AXQ_RETURN_IF_ERROR(CheckedRowBytes(&row_bytes, *traits, s.ne[0], s.name.c_str()));
  DequantizeElements(*kernels, *traits, s.data + static_cast<uint64_t>(row) * row_bytes, out, {s.ne[0], rows}, 1);
  return OkStatus();
}

gguf::TensorInfo InfoFor(const SourceTensor& s, axq_type type) {
  gguf::TensorInfo info;
  info.name = s.name;
  info.n_dims = s.n_dims;
  std::copy(s.ne, s.ne + gguf::kMaxDims, info.ne);
  info.type = type;
  return info;
}

void SetU32(std::vector<gguf::KeyValue>* metadata, const char* key, uint32_t value) {
  for (gguf::KeyValue& kv : *metadata) {
    if (kv.key == key) {
      kv.value = gguf::Value::U32(value);
      return;
    }
  }
  metadata->push_back({key, gguf::Value::U32(value)});
}

uint32_t LlamaFileType(axq_type t) {
  switch (t) {
    case AXQ_TYPE_F32: return 0;
    case AXQ_TYPE_F16: return 1;
    case AXQ_TYPE_Q4_0: return 2;
    case AXQ_TYPE_Q4_1: return 3;
    case AXQ_TYPE_Q8_0: return 7;
    case AXQ_TYPE_Q5_0: return 8;
    case AXQ_TYPE_Q5_1: return 9;
    case AXQ_TYPE_BF16: return 32;
    case AXQ_TYPE_TQ1_0: return 36;
    case AXQ_TYPE_TQ2_0: return 37;
    case AXQ_TYPE_I2_S: return 40;
    default: return 0;
  }
}

}  // namespace axq
