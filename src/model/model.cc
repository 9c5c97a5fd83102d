#include "src/model/model.h"

#include <algorithm>
#include <cstring>

#include "src/core/parallel.h"
#include "src/core/type_traits.h"
#include "src/io/mapped_file.h"
#include "src/model/quantize_tensor.h"

namespace axq {
namespace {

Status NewTensorLike(const SourceTensor& s, axq_type type, std::unique_ptr<axq_tensor>* out) {
  const Status st = NewTensor(out, type, s.n_dims, s.ne, Fill::kUninitialized);
  if (st.ok()) return st;
  const std::string message = axq_last_error();
  return Fail(st.code(), "tensor '%s': %s", s.name.c_str(), message.c_str());
}

}  // namespace

Status AddTensor(axq_model* model, const std::string& name, std::unique_ptr<axq_tensor> t) {
  if (name.empty() || name.size() > gguf::kMaxNameBytes) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "name: '%s' must be 1 to %zu bytes long (GGUF's limit)", name.c_str(),
                static_cast<size_t>(gguf::kMaxNameBytes));
  }
  if (model->by_name.count(name) != 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "name: the model already has a tensor '%s'", name.c_str());
  }
  model->by_name.emplace(name, model->entries.size());
  model->entries.push_back({name, std::move(t)});
  return OkStatus();
}

Status FindTensor(const axq_model& model, const char* name, const axq_tensor** out) {
  *out = nullptr;
  if (name == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "name: NULL");
  const auto it = model.by_name.find(name);
  if (it == model.by_name.end()) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "name: the model has no tensor '%s'", name);
  }
  *out = model.entries[it->second].tensor.get();
  return OkStatus();
}

SourceTensor AsSource(const std::string& name, const axq_tensor& t) {
  SourceTensor s;
  s.name = name;
  s.n_dims = t.ndim;
  std::copy(t.dims, t.dims + AXQ_MAX_DIMS, s.ne);
  s.type = t.traits->type;
  s.data = t.data.get();
  s.nbytes = t.nbytes;
  return s;
}

Status LoadModel(const std::string& path, std::unique_ptr<axq_model>* out) {
  OpenedModel in;
  AXQ_RETURN_IF_ERROR(OpenModel(path, &in));
  auto model = std::make_unique<axq_model>();
  model->metadata = in.metadata;
  for (const SourceTensor& s : in.tensors) {
    std::unique_ptr<axq_tensor> t;
    AXQ_RETURN_IF_ERROR(NewTensorLike(s, s.type, &t));
    if (t->nbytes != s.nbytes) {  // the readers have checked this already
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s' holds %llu bytes, its shape needs %zu", path.c_str(),
                  s.name.c_str(), static_cast<unsigned long long>(s.nbytes), t->nbytes);
    }
    std::memcpy(t->data.get(), s.data, t->nbytes);
    AXQ_RETURN_IF_ERROR(AddTensor(model.get(), s.name, std::move(t)));
  }
  *out = std::move(model);
  return OkStatus();
}

Status SaveModel(const axq_model& model, const std::string& path) {
  gguf::File file;
  file.metadata = model.metadata;
  std::vector<SourceTensor> sources;
  for (const axq_model::Entry& e : model.entries) {
    sources.push_back(AsSource(e.name, *e.tensor));
    file.tensors.push_back(InfoFor(sources.back(), sources.back().type));
  }
  return gguf::Write(path, std::move(file), [&](size_t i, const gguf::TensorSink& sink) -> Status {
    return sink(sources[i].data, static_cast<size_t>(sources[i].nbytes));
  });
}

Status QuantizeModel(const axq_model& model, const QuantizeFileOptions& options, std::unique_ptr<axq_model>* out) {
  if (!IsWeightType(options.choice.type)) {
    const TypeTraits* t = FindTypeTraits(options.choice.type);
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "type: %s is not a weight type this libaxq writes",
                t != nullptr ? t->name : "unknown");
  }
  auto result = std::make_unique<axq_model>();
  result->metadata = model.metadata;
  SetU32(&result->metadata, "general.file_type", FileTypeFor(options.choice));
  SetU32(&result->metadata, "general.quantization_version", 2);
  uint64_t bytes_total = 0;
  for (const axq_model::Entry& e : model.entries) bytes_total += e.tensor->nbytes;
  std::vector<SourceTensor> sources;
  for (const axq_model::Entry& e : model.entries) sources.push_back(AsSource(e.name, *e.tensor));
  const std::vector<axq_type> targets = ChooseTypes(options.choice, model.metadata, sources);
  const unsigned threads = ResolveThreadCount(options.threads);
  ProgressMeter meter(options.progress, options.progress_user, model.entries.size(), bytes_total);
  uint64_t bytes_before = 0;
  for (size_t i = 0; i < model.entries.size(); ++i) {
    const axq_model::Entry& e = model.entries[i];
    const SourceTensor& s = sources[i];
    AXQ_RETURN_IF_ERROR(meter.Report(i, e.name, bytes_before));
    const axq_type target = targets[i];
    std::vector<float> importance;
    if (target != s.type) AXQ_RETURN_IF_ERROR(ImportanceFor(options.imatrix, s, &importance));
    std::unique_ptr<axq_tensor> t;
    AXQ_RETURN_IF_ERROR(NewTensorLike(s, target, &t));
    size_t offset = 0;
    const uint64_t row_bytes = s.nbytes / static_cast<uint64_t>(s.rows());
    AXQ_RETURN_IF_ERROR(QuantizeTensor(s, target, options.ternary, threads,
                                       [&](const void* data, size_t size, int64_t rows_done) -> Status {
                                         if (size > t->nbytes - offset) {
                                           return Fail(AXQ_ERR_INTERNAL, "tensor '%s': output overruns its size",
                                                       s.name.c_str());
                                         }
                                         std::memcpy(t->data.get() + offset, data, size);
                                         offset += size;
                                         return meter.Report(i, e.name,
                                                             bytes_before + row_bytes * static_cast<uint64_t>(rows_done));
                                       },
                                       &importance));
    if (offset != t->nbytes) {
      return Fail(AXQ_ERR_INTERNAL, "tensor '%s': %zu of %zu bytes written", s.name.c_str(), offset, t->nbytes);
    }
    AXQ_RETURN_IF_ERROR(AddTensor(result.get(), e.name, std::move(t)));
    bytes_before += s.nbytes;
  }
  *out = std::move(result);
  return OkStatus();
}

}  // namespace axq
