// Whole-model quantization, file to file (`axq quantize`,
// axq_model_quantize_file): a GGUF, safetensors or AXQT model in, a GGUF
// model out (tensor types chosen by src/model/tensor_rules.h, streamed so
// memory stays near one tensor) or an AXQT one (one type throughout).
// Output bytes do not depend on the thread count.
#ifndef AXQ_MODEL_QUANTIZE_FILE_H_
#define AXQ_MODEL_QUANTIZE_FILE_H_

#include <string>

#include "axq/axq.h"
#include "src/core/convert.h"
#include "src/core/status.h"
#include "src/model/tensor_rules.h"

namespace axq {

struct QuantizeFileOptions {
  TypeChoice choice;
  unsigned threads = 0;
  TernaryRule ternary = TernaryRule::kReference;
  axq_progress_fn progress = nullptr;
  void* progress_user = nullptr;
  axq_file_format format = AXQ_FORMAT_GGUF;
  // Per-tensor importance looked up by name (llama-quantize --imatrix).
  const axq_imatrix* imatrix = nullptr;
};

Status QuantizeFile(const std::string& in_path, const std::string& out_path, const QuantizeFileOptions& options);

}  // namespace axq

#endif  // AXQ_MODEL_QUANTIZE_FILE_H_
