// AXQT v1, AxonML's model file (FEATURES.md §1.7): an 18-byte header, then
// per tensor its dims and blocks; one quantization type for the whole file,
// no names. Read faithfully, including AxonML's own quirks, and converted to
// ggml's layouts; written for AxonML users. GGUF is the recommended format.
#ifndef AXQ_AXQT_AXQT_H_
#define AXQ_AXQT_AXQT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "src/core/status.h"

namespace axq {
namespace axqt {

enum class QuantType : uint8_t { kQ8_0 = 0, kQ4_0 = 1, kQ4_1 = 2, kQ5_0 = 3, kQ5_1 = 4, kF16 = 5, kF32 = 6 };

struct Tensor {
  std::vector<uint32_t> dims;  // AxonML order: outermost first
  uint64_t numel = 0;
  uint32_t num_blocks = 0;
  const uint8_t* payload = nullptr;  // AxonML's bytes
  size_t payload_bytes = 0;
};

struct File {
  QuantType type = QuantType::kF32;
  uint64_t total_params = 0;
  std::vector<Tensor> tensors;
  // What AxonML wrote differently from what its own reader expects, said
  // once per file (e.g. F16/F32 tensors stored as one "block").
  std::vector<std::string> notes;
};

// The ggml type AXQT's type corresponds to (Q5 types: AxonML cannot read
// them back, and neither does this reader).
int32_t GgmlType(QuantType t);
const char* QuantTypeName(QuantType t);

// Parses an AXQT v1 file held in memory, checking every count and size
// against the bytes present. AXQ_ERR_CORRUPT_DATA for a short or lying
// file, AXQ_ERR_UNSUPPORTED for the Q5 types and other versions.
Status Parse(const uint8_t* data, size_t size, const char* what, File* out);

// The tensor in ggml's layout of GgmlType(type): blocks re-ordered where
// AxonML's nibble order differs. Blocks in AXQT run over the flattened
// tensor; unless the innermost dim is a multiple of the block (32), no ggml
// row layout exists: AXQ_ERR_UNSUPPORTED naming the shape (ToF32 works).
Status ToGgml(const File& file, const Tensor& t, std::vector<uint8_t>* out);

// The tensor's values, as AxonML dequantizes them (padding dropped).
Status ToF32(const File& file, const Tensor& t, std::vector<float>* out);

// One tensor to write: its dims (AxonML order) and its data in ggml's
// layout of GgmlType(type) (F32/F16: raw values).
struct TensorData {
  std::vector<uint32_t> dims;
  const uint8_t* bytes = nullptr;
  size_t size = 0;
};

// Writes AXQT v1 as AxonML does (F16/F32 tensors as one block), through a
// temporary renamed into place. Block types need the innermost dim to be a
// multiple of 32; Q5 types are refused (AxonML cannot read them).
Status Write(const std::string& path, QuantType type, const std::vector<TensorData>& tensors);

}  // namespace axqt
}  // namespace axq

#endif  // AXQ_AXQT_AXQT_H_
