// The object behind axq_model_t: named tensors in memory, with a GGUF
// file's metadata when loaded from one.
#ifndef AXQ_MODEL_MODEL_H_
#define AXQ_MODEL_MODEL_H_

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "src/core/status.h"
#include "src/core/tensor.h"
#include "src/gguf/gguf.h"
#include "src/model/quantize_file.h"
#include "src/model/source.h"

struct axq_model {
  struct Entry {
    std::string name;
    std::unique_ptr<axq_tensor> tensor;
  };
  std::vector<Entry> entries;                      // in order of addition
  std::unordered_map<std::string, size_t> by_name;  // index into entries
  std::vector<axq::gguf::KeyValue> metadata;
};

namespace axq {

// Takes ownership of t; the name must be new and fit GGUF (1..63 bytes).
Status AddTensor(axq_model* model, const std::string& name, std::unique_ptr<axq_tensor> t);

// The tensor called `name`, or an AXQ_ERR_INVALID_ARGUMENT failure.
Status FindTensor(const axq_model& model, const char* name, const axq_tensor** out);

// The tensor as a model source (borrowing its bytes).
SourceTensor AsSource(const std::string& name, const axq_tensor& t);

Status LoadModel(const std::string& path, std::unique_ptr<axq_model>* out);
Status SaveModel(const axq_model& model, const std::string& path);
Status QuantizeModel(const axq_model& model, const QuantizeFileOptions& options, std::unique_ptr<axq_model>* out);

}  // namespace axq

#endif  // AXQ_MODEL_MODEL_H_
