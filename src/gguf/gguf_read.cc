// The GGUF reader. Nothing is allocated or read before the bytes it needs
// are known to be in the file.
#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_set>

#include "src/core/type_traits.h"
#include "src/gguf/gguf.h"

namespace axq {
namespace gguf {
namespace {

// The smallest encoding of a key-value pair (key length, 1-byte key, type,
// 1-byte value) and of a tensor info (name length, 1-byte name, n_dims, one
// dim, type, offset): bounds for counts before anything is reserved.
constexpr uint64_t kMinKeyValueBytes = 8 + 1 + 4 + 1;
constexpr uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;
constexpr uint64_t kMaxStringBytes = uint64_t{1} << 30;  // ggml's cap too

class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size, const char* what) : data_(data), size_(size), what_(what) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }

  Status Corrupt(const char* field, size_t at, const std::string& why) const {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: %s at offset %zu: %s", what_, field, at, why.c_str());
  }

  Status Bytes(const char* field, size_t n, const uint8_t** out) {
    if (n > remaining()) {
      return Corrupt(field, pos_, "needs " + std::to_string(n) + " bytes, the file has " +
                                     std::to_string(remaining()) + " left");
    }
    *out = data_ + pos_;
    pos_ += n;
    return OkStatus();
  }

  template <class T>
  Status Read(const char* field, T* out) {
    const uint8_t* p = nullptr;
    AXQ_RETURN_IF_ERROR(Bytes(field, sizeof(T), &p));
    std::memcpy(out, p, sizeof(T));
    return OkStatus();
  }

  Status String(const char* field, std::string* out) {
    const size_t at = pos_;
    uint64_t length = 0;
    AXQ_RETURN_IF_ERROR(Read(field, &length));
    if (length > kMaxStringBytes) {
      return Corrupt(field, at, "string length " + std::to_string(length) + " is over 2^30");
    }
    if (length > remaining()) {
      return Corrupt(field, at, "string length " + std::to_string(length) + " runs past the end (" +
                                    std::to_string(remaining()) + " bytes left)");
    }
    const uint8_t* p = nullptr;
    AXQ_RETURN_IF_ERROR(Bytes(field, static_cast<size_t>(length), &p));
    out->assign(reinterpret_cast<const char*>(p), static_cast<size_t>(length));
    return OkStatus();
  }

  // A count of items of at least `min_item_bytes` each must fit what is left.
  Status Count(const char* field, uint64_t min_item_bytes, uint64_t* out) {
    const size_t at = pos_;
    int64_t count = 0;
    AXQ_RETURN_IF_ERROR(Read(field, &count));
    if (count < 0) return Corrupt(field, at, "count " + std::to_string(count) + " is negative");
    if (static_cast<uint64_t>(count) > remaining() / min_item_bytes) {
      return Corrupt(field, at, "count " + std::to_string(count) + " cannot fit in the " +
                                    std::to_string(remaining()) + " bytes left");
    }
    *out = static_cast<uint64_t>(count);
    return OkStatus();
  }

 private:
  const uint8_t* data_;
  size_t size_;
  const char* what_;
  size_t pos_ = 0;
};

bool ValidValueType(int32_t t) { return t >= 0 && t <= 12; }

Status ReadValue(Cursor* c, ValueType type, const std::string& key, int depth, Value* out) {
  out->type = type;
  const std::string field = "value of '" + key + "'";
  if (type == ValueType::kString) return c->String(field.c_str(), &out->scalar);
  if (type != ValueType::kArray) {
    const uint8_t* p = nullptr;
    AXQ_RETURN_IF_ERROR(c->Bytes(field.c_str(), ScalarSize(type), &p));
    out->scalar.assign(reinterpret_cast<const char*>(p), ScalarSize(type));
    return OkStatus();
  }
  const size_t at = c->position();
  int32_t element = 0;
  AXQ_RETURN_IF_ERROR(c->Read(field.c_str(), &element));
  if (!ValidValueType(element)) {
    return c->Corrupt(field.c_str(), at, "array element type " + std::to_string(element) + " is not a GGUF type");
  }
  out->element_type = static_cast<ValueType>(element);
  const bool nested = out->element_type == ValueType::kArray;
  if (nested && depth >= 8) return c->Corrupt(field.c_str(), at, "arrays nested deeper than 8");
  // Strings take 8 bytes at least, nested arrays 12, scalars their size.
  const uint64_t min_bytes = out->element_type == ValueType::kString ? 8
                             : nested                                ? 12
                                                                     : ScalarSize(out->element_type);
  AXQ_RETURN_IF_ERROR(c->Count(field.c_str(), min_bytes, &out->count));
  if (out->element_type == ValueType::kString) {
    out->strings.resize(static_cast<size_t>(out->count));
    for (std::string& s : out->strings) AXQ_RETURN_IF_ERROR(c->String(field.c_str(), &s));
  } else if (nested) {
    out->arrays.resize(static_cast<size_t>(out->count));
    for (Value& v : out->arrays) AXQ_RETURN_IF_ERROR(ReadValue(c, ValueType::kArray, key, depth + 1, &v));
  } else {
    const uint8_t* p = nullptr;
    AXQ_RETURN_IF_ERROR(c->Bytes(field.c_str(), static_cast<size_t>(out->count * min_bytes), &p));
    out->scalar.assign(reinterpret_cast<const char*>(p), static_cast<size_t>(out->count * min_bytes));
  }
  return OkStatus();
}

uint64_t AlignUp(uint64_t v, uint64_t alignment) { return (v + alignment - 1) / alignment * alignment; }

}  // namespace

Status TensorBytes(int32_t type, const int64_t* ne, int n_dims, const char* what, uint64_t* out) {
  const TypeTraits* traits = FindTypeTraits(type);
  if (traits == nullptr) {
    return Fail(AXQ_ERR_UNKNOWN_TYPE, "%s: type id %d is not a type libaxq knows", what, type);
  }
  uint64_t rows = 1;
  for (int d = 1; d < n_dims; ++d) {
    if (ne[d] < 0) return Fail(AXQ_ERR_CORRUPT_DATA, "%s: ne[%d] = %lld is negative", what, d, static_cast<long long>(ne[d]));
    if (ne[d] != 0 && rows > UINT64_MAX / static_cast<uint64_t>(ne[d])) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: the product of the dims overflows", what);
    }
    rows *= static_cast<uint64_t>(ne[d]);
  }
  if (ne[0] < 0) return Fail(AXQ_ERR_CORRUPT_DATA, "%s: ne[0] = %lld is negative", what, static_cast<long long>(ne[0]));
  if (ne[0] % traits->block_elems != 0) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: ne[0] = %lld is not a multiple of %s's block of %lld", what,
                static_cast<long long>(ne[0]), traits->name, static_cast<long long>(traits->block_elems));
  }
  const uint64_t row_bytes = static_cast<uint64_t>(ne[0] / traits->block_elems) *
                                 static_cast<uint64_t>(traits->block_bytes) +
                             static_cast<uint64_t>(traits->row_tail_bytes);
  if (rows != 0 && row_bytes > (uint64_t{1} << 62) / rows) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: the tensor's byte size overflows", what);
  }
  *out = row_bytes * rows + static_cast<uint64_t>(traits->tensor_tail_bytes);
  return OkStatus();
}

Status Parse(const uint8_t* data, size_t size, const char* what, File* out) {
  *out = File();
  Cursor c(data, size, what);
  const uint8_t* magic = nullptr;
  AXQ_RETURN_IF_ERROR(c.Bytes("magic", 4, &magic));
  if (std::memcmp(magic, "GGUF", 4) != 0) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: not a GGUF file (magic %02x %02x %02x %02x, want \"GGUF\")", what,
                magic[0], magic[1], magic[2], magic[3]);
  }
  AXQ_RETURN_IF_ERROR(c.Read("version", &out->version));
  if (out->version != 2 && out->version != 3) {
    return Fail(out->version > 3 ? AXQ_ERR_UNSUPPORTED : AXQ_ERR_CORRUPT_DATA,
                "%s: GGUF version %u (this libaxq reads versions 2 and 3)", what, out->version);
  }
  uint64_t tensor_count = 0, kv_count = 0;
  AXQ_RETURN_IF_ERROR(c.Count("tensor_count", kMinTensorInfoBytes, &tensor_count));
  AXQ_RETURN_IF_ERROR(c.Count("kv_count", kMinKeyValueBytes, &kv_count));

  std::unordered_set<std::string> keys;
  out->metadata.resize(static_cast<size_t>(kv_count));
  for (KeyValue& kv : out->metadata) {
    const size_t at = c.position();
    AXQ_RETURN_IF_ERROR(c.String("key", &kv.key));
    if (kv.key.empty()) return c.Corrupt("key", at, "empty key");
    if (!keys.insert(kv.key).second) return c.Corrupt("key", at, "duplicate key '" + kv.key + "'");
    const size_t type_at = c.position();
    int32_t type = 0;
    AXQ_RETURN_IF_ERROR(c.Read("value type", &type));
    if (!ValidValueType(type)) {
      return c.Corrupt("value type", type_at, "type " + std::to_string(type) + " of '" + kv.key + "' is not a GGUF type");
    }
    AXQ_RETURN_IF_ERROR(ReadValue(&c, static_cast<ValueType>(type), kv.key, 0, &kv.value));
  }
  if (const KeyValue* a = out->Find("general.alignment")) {
    uint32_t alignment = 0;
    if (a->value.type != ValueType::kU32 ||
        (std::memcpy(&alignment, a->value.scalar.data(), 4), alignment == 0 || (alignment & (alignment - 1)) != 0)) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: general.alignment must be a u32 power of two", what);
    }
    out->alignment = alignment;
  }

  std::unordered_set<std::string> names;
  out->tensors.resize(static_cast<size_t>(tensor_count));
  for (TensorInfo& t : out->tensors) {
    const size_t at = c.position();
    AXQ_RETURN_IF_ERROR(c.String("tensor name", &t.name));
    if (t.name.size() > kMaxNameBytes) {
      return c.Corrupt("tensor name", at, "'" + t.name.substr(0, 80) + "' is longer than 63 bytes");
    }
    if (!names.insert(t.name).second) return c.Corrupt("tensor name", at, "duplicate tensor '" + t.name + "'");
    const std::string field = "tensor '" + t.name + "'";
    uint32_t n_dims = 0;
    const size_t dims_at = c.position();
    AXQ_RETURN_IF_ERROR(c.Read(field.c_str(), &n_dims));
    if (n_dims < 1 || n_dims > kMaxDims) {
      return c.Corrupt(field.c_str(), dims_at, "n_dims " + std::to_string(n_dims) + " is not 1..4");
    }
    t.n_dims = static_cast<int>(n_dims);
    for (int d = 0; d < t.n_dims; ++d) AXQ_RETURN_IF_ERROR(c.Read(field.c_str(), &t.ne[d]));
    AXQ_RETURN_IF_ERROR(c.Read(field.c_str(), &t.type));
    AXQ_RETURN_IF_ERROR(c.Read(field.c_str(), &t.offset));
    const std::string where = std::string(what) + ": " + field;
    AXQ_RETURN_IF_ERROR(TensorBytes(t.type, t.ne, t.n_dims, where.c_str(), &t.nbytes));
    if (t.offset % out->alignment != 0) {
      return c.Corrupt(field.c_str(), at, "data offset " + std::to_string(t.offset) + " is not a multiple of the alignment " +
                                              std::to_string(out->alignment));
    }
  }
  out->data_start = AlignUp(c.position(), out->alignment);
  out->base = data;
  out->size = size;
  // Every tensor's bytes in the file, none overlapping another's.
  std::vector<const TensorInfo*> by_offset;
  by_offset.reserve(out->tensors.size());
  for (const TensorInfo& t : out->tensors) {
    const uint64_t room = size >= out->data_start ? size - out->data_start : 0;
    if (t.offset > room || t.nbytes > room - t.offset) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s': data at %llu + %llu bytes runs past the end of the file (%zu bytes)",
                  what, t.name.c_str(), static_cast<unsigned long long>(out->data_start + t.offset),
                  static_cast<unsigned long long>(t.nbytes), size);
    }
    by_offset.push_back(&t);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const TensorInfo& prev = *by_offset[i - 1];
    if (prev.offset + prev.nbytes > by_offset[i]->offset) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensors '%s' and '%s' overlap", what, prev.name.c_str(),
                  by_offset[i]->name.c_str());
    }
  }
  return OkStatus();
}

}  // namespace gguf
}  // namespace axq
