// GGUF v3 (FORMATS.md §6): the file's contents as the reader returns them
// and the writer takes them. Metadata keeps every value's type, so a file
// read and written again means exactly the same.
#ifndef AXQ_GGUF_GGUF_H_
#define AXQ_GGUF_GGUF_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "src/core/status.h"

namespace axq {
namespace gguf {

enum class ValueType : int32_t {
  kU8 = 0,
  kI8 = 1,
  kU16 = 2,
  kI16 = 3,
  kU32 = 4,
  kI32 = 5,
  kF32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kU64 = 10,
  kI64 = 11,
  kF64 = 12,
};

// "u32", "string", ...; "?" for values outside the enum.
const char* ValueTypeName(ValueType t);
// Bytes of a scalar of type t (0 for string and array).
size_t ScalarSize(ValueType t);

struct Value {
  ValueType type = ValueType::kU8;
  std::string scalar;  // scalars: the value's little-endian bytes; strings: the text
  // Arrays: the element type and count; scalar elements back to back in
  // `scalar`, or string elements in `strings`, or nested arrays in `arrays`.
  ValueType element_type = ValueType::kU8;
  uint64_t count = 0;
  std::vector<std::string> strings;
  std::vector<Value> arrays;

  static Value U32(uint32_t v);
  static Value U64(uint64_t v);
  static Value I32(int32_t v);
  static Value F32(float v);
  static Value Bool(bool v);
  static Value String(std::string v);
  static Value StringArray(std::vector<std::string> v);
  static Value ScalarArray(ValueType element, const void* data, uint64_t count);

  // The value as an integer if it is one of the integer types.
  bool AsInteger(int64_t* out) const;
};

struct KeyValue {
  std::string key;
  Value value;
};

constexpr int kMaxDims = 4;
constexpr size_t kMaxNameBytes = 63;  // ggml's GGML_MAX_NAME (64) with its NUL
constexpr uint64_t kDefaultAlignment = 32;

struct TensorInfo {
  std::string name;
  int n_dims = 1;
  int64_t ne[kMaxDims] = {1, 1, 1, 1};
  int32_t type = 0;     // ggml type id
  uint64_t offset = 0;  // from the start of the data section
  uint64_t nbytes = 0;
};

struct File {
  uint32_t version = 3;
  std::vector<KeyValue> metadata;
  std::vector<TensorInfo> tensors;
  uint64_t alignment = kDefaultAlignment;
  uint64_t data_start = 0;           // from the start of the file
  const uint8_t* base = nullptr;     // the whole file, when read
  size_t size = 0;

  const KeyValue* Find(const std::string& key) const;
  // The tensor's bytes inside the read file.
  const uint8_t* TensorData(const TensorInfo& t) const { return base + data_start + t.offset; }
};

// Parses a GGUF v2/v3 file held in memory. Every count, length, size and
// offset is checked against the bytes present before it is used: a short
// or lying file gives AXQ_ERR_CORRUPT_DATA naming the field and its file
// offset; an unknown tensor type AXQ_ERR_UNKNOWN_TYPE; a version this
// reader does not know AXQ_ERR_UNSUPPORTED. `what` (a path) prefixes
// messages. The File points into `data`, which must outlive it.
Status Parse(const uint8_t* data, size_t size, const char* what, File* out);

// nbytes of a tensor of ggml type `type` and dims ne (FORMATS.md §6,
// I2_S with its 32-byte tail), failing on unknown types, bad row lengths
// and overflow.
Status TensorBytes(int32_t type, const int64_t* ne, int n_dims, const char* what, uint64_t* out);

// Writes `file` (metadata and tensor infos; offsets and data_start are
// recomputed for `alignment`) to `path` through a temporary that replaces
// it only when everything was written. write_tensor(i, sink) must write
// exactly tensors[i].nbytes bytes through sink.
using TensorSink = std::function<Status(const void* data, size_t size)>;
Status Write(const std::string& path, File file,
             const std::function<Status(size_t index, const TensorSink& sink)>& write_tensor);

}  // namespace gguf
}  // namespace axq

#endif  // AXQ_GGUF_GGUF_H_
