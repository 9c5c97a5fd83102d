// A model file's tensors as the model tools read them: GGUF or safetensors,
// memory-mapped, told apart by their first bytes.
#ifndef AXQ_MODEL_SOURCE_H_
#define AXQ_MODEL_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "src/core/status.h"
#include "src/gguf/gguf.h"
#include "src/io/mapped_file.h"

namespace axq {

struct SourceTensor {
  std::string name;
  int n_dims = 1;
  int64_t ne[gguf::kMaxDims] = {1, 1, 1, 1};  // ggml order: ne[0] is the row
  axq_type type = AXQ_TYPE_F32;
  const uint8_t* data = nullptr;  // inside the mapped file
  uint64_t nbytes = 0;
  int64_t rows() const { return ne[1] * ne[2] * ne[3]; }
};

// A model file opened for reading: its tensors point into the mapping, or
// (AXQT) into buffers converted to ggml's layouts.
struct OpenedModel {
  MappedFile file;
  std::vector<SourceTensor> tensors;
  std::vector<gguf::KeyValue> metadata;  // GGUF only
  std::vector<std::vector<uint8_t>> converted;
};

// Maps `path` and lists its tensors, told apart by the first bytes:
//  - GGUF: as stored, with the metadata;
//  - safetensors: F32, F16 and BF16 only, dims reversed into ggml's order;
//  - AXQT v1: tensors named "tensor.<i>" (the format has no names), dims
//    reversed, blocks converted to ggml's layout; a tensor whose innermost
//    dim is not a multiple of 32 has no ggml layout and is given as the
//    F32 values AxonML would decode.
Status OpenModel(const std::string& path, OpenedModel* out);

// Rows [row, row + rows) of a tensor of any implemented type as f32 (the
// whole tensor for I2_S, whose scale sits after its last row).
Status SourceRowsToF32(const SourceTensor& s, int64_t row, int64_t rows, float* out);

// The GGUF tensor info of s written as `type`.
gguf::TensorInfo InfoFor(const SourceTensor& s, axq_type type);

// Sets (or adds) a u32 metadata value.
void SetU32(std::vector<gguf::KeyValue>* metadata, const char* key, uint32_t value);

// llama.cpp's llama_ftype for a model of type t (fork: I2_S = 40).
uint32_t LlamaFileType(axq_type t);

}  // namespace axq

#endif  // AXQ_MODEL_SOURCE_H_
