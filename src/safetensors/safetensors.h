// safetensors input: an 8-byte header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the data.
#ifndef AXQ_SAFETENSORS_SAFETENSORS_H_
#define AXQ_SAFETENSORS_SAFETENSORS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "src/core/status.h"

namespace axq {
namespace safetensors {

struct TensorInfo {
  std::string name;
  std::string dtype;           // as written: "F32", "BF16", "I8", ...
  int32_t type = -1;           // the axq type for F32, F16, BF16; -1 for the rest
  std::vector<int64_t> shape;  // outermost first; ggml's ne is the reverse
  uint64_t begin = 0, end = 0; // byte range in the data section
};

struct File {
  std::vector<std::pair<std::string, std::string>> metadata;  // "__metadata__"
  std::vector<TensorInfo> tensors;                             // in header order
  const uint8_t* data = nullptr;                               // the data section
  size_t data_size = 0;
};

// Parses a safetensors file held in memory, checking the header length,
// the JSON, every dtype, shape and range against the bytes present; a
// broken file gives AXQ_ERR_CORRUPT_DATA naming the tensor or field.
Status Parse(const uint8_t* data, size_t size, const char* what, File* out);

}  // namespace safetensors
}  // namespace axq

#endif  // AXQ_SAFETENSORS_SAFETENSORS_H_
