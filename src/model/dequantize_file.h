// Whole-model dequantization, file to file (`axq dequantize`).
#ifndef AXQ_MODEL_DEQUANTIZE_FILE_H_
#define AXQ_MODEL_DEQUANTIZE_FILE_H_

#include <string>

#include "axq/axq.h"
#include "src/core/status.h"

namespace axq {

// Every tensor of a GGUF or safetensors model to `type` (F32, F16 or
// BF16), into a GGUF file written through a temporary.
Status DequantizeFile(const std::string& in_path, const std::string& out_path, axq_type type, unsigned threads);

}  // namespace axq

#endif  // AXQ_MODEL_DEQUANTIZE_FILE_H_
