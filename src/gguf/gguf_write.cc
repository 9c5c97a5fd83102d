// The GGUF writer: header first (offsets computed from the tensors' sizes,
// each padded to the alignment as ggml's reader requires), then the tensors
// streamed one by one, all through a temporary file renamed into place.
#include <cstring>
#include <string>

#include "src/gguf/gguf.h"
#include "src/io/atomic_file.h"

namespace axq {
namespace gguf {
namespace {

class Encoder {
 public:
  explicit Encoder(AtomicFile* file) : file_(file) {}

  Status Raw(const void* p, size_t n) { return file_->Write(p, n); }
  template <class T>
  Status Put(T v) {
    return Raw(&v, sizeof(v));
  }
  Status String(const std::string& s) {
    AXQ_RETURN_IF_ERROR(Put<uint64_t>(s.size()));
    return Raw(s.data(), s.size());
  }
  Status Value(const gguf::Value& v) {
    if (v.type == ValueType::kString) return String(v.scalar);
    if (v.type != ValueType::kArray) return Raw(v.scalar.data(), v.scalar.size());
    AXQ_RETURN_IF_ERROR(Put<int32_t>(static_cast<int32_t>(v.element_type)));
    AXQ_RETURN_IF_ERROR(Put<uint64_t>(v.count));
    if (v.element_type == ValueType::kString) {
      for (const std::string& s : v.strings) AXQ_RETURN_IF_ERROR(String(s));
      return OkStatus();
    }
    if (v.element_type == ValueType::kArray) {
      for (const gguf::Value& a : v.arrays) AXQ_RETURN_IF_ERROR(Value(a));
      return OkStatus();
    }
    return Raw(v.scalar.data(), v.scalar.size());
  }

 private:
  AtomicFile* file_;
};

uint64_t AlignUp(uint64_t v, uint64_t alignment) { return (v + alignment - 1) / alignment * alignment; }

// Array counts must agree with their contents, or the file would lie.
Status CheckValue(const std::string& key, const Value& v) {
  if (v.type == ValueType::kString) return OkStatus();
  if (v.type != ValueType::kArray) {
    if (v.scalar.size() != ScalarSize(v.type)) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "metadata '%s': a %s takes %zu bytes, not %zu", key.c_str(),
                  ValueTypeName(v.type), ScalarSize(v.type), v.scalar.size());
    }
    return OkStatus();
  }
  const uint64_t have = v.element_type == ValueType::kString  ? v.strings.size()
                        : v.element_type == ValueType::kArray ? v.arrays.size()
                        : ScalarSize(v.element_type) == 0     ? UINT64_MAX
                                                              : v.scalar.size() / ScalarSize(v.element_type);
  if (have != v.count) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "metadata '%s': array count %llu does not match its %llu elements",
                key.c_str(), static_cast<unsigned long long>(v.count), static_cast<unsigned long long>(have));
  }
  for (const Value& a : v.arrays) AXQ_RETURN_IF_ERROR(CheckValue(key, a));
  return OkStatus();
}

}  // namespace

Status Write(const std::string& path, File file,
             const std::function<Status(size_t index, const TensorSink& sink)>& write_tensor) {
  // The alignment the file will declare (or the default).
  file.alignment = kDefaultAlignment;
  if (const KeyValue* a = file.Find("general.alignment")) {
    uint32_t alignment = 0;
    if (a->value.type == ValueType::kU32) std::memcpy(&alignment, a->value.scalar.data(), 4);
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "metadata 'general.alignment' must be a u32 power of two");
    }
    file.alignment = alignment;
  }
  for (const KeyValue& kv : file.metadata) {
    if (kv.key.empty()) return Fail(AXQ_ERR_INVALID_ARGUMENT, "metadata: empty key");
    AXQ_RETURN_IF_ERROR(CheckValue(kv.key, kv.value));
  }
  uint64_t offset = 0;
  for (TensorInfo& t : file.tensors) {
    if (t.name.empty() || t.name.size() > kMaxNameBytes) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "tensor name '%s' must have 1 to 63 bytes", t.name.c_str());
    }
    AXQ_RETURN_IF_ERROR(TensorBytes(t.type, t.ne, t.n_dims, t.name.c_str(), &t.nbytes));
    t.offset = offset;
    offset += AlignUp(t.nbytes, file.alignment);
  }

  AtomicFile out;
  AXQ_RETURN_IF_ERROR(out.Open(path));
  Encoder e(&out);
  AXQ_RETURN_IF_ERROR(e.Raw("GGUF", 4));
  AXQ_RETURN_IF_ERROR(e.Put<uint32_t>(3));
  AXQ_RETURN_IF_ERROR(e.Put<int64_t>(static_cast<int64_t>(file.tensors.size())));
  AXQ_RETURN_IF_ERROR(e.Put<int64_t>(static_cast<int64_t>(file.metadata.size())));
  for (const KeyValue& kv : file.metadata) {
    AXQ_RETURN_IF_ERROR(e.String(kv.key));
    AXQ_RETURN_IF_ERROR(e.Put<int32_t>(static_cast<int32_t>(kv.value.type)));
    AXQ_RETURN_IF_ERROR(e.Value(kv.value));
  }
  for (const TensorInfo& t : file.tensors) {
    AXQ_RETURN_IF_ERROR(e.String(t.name));
    AXQ_RETURN_IF_ERROR(e.Put<uint32_t>(static_cast<uint32_t>(t.n_dims)));
    for (int d = 0; d < t.n_dims; ++d) AXQ_RETURN_IF_ERROR(e.Put<int64_t>(t.ne[d]));
    AXQ_RETURN_IF_ERROR(e.Put<int32_t>(t.type));
    AXQ_RETURN_IF_ERROR(e.Put<uint64_t>(t.offset));
  }
  AXQ_RETURN_IF_ERROR(out.WriteZeros(static_cast<size_t>(AlignUp(out.written(), file.alignment) - out.written())));
  for (size_t i = 0; i < file.tensors.size(); ++i) {
    const TensorInfo& t = file.tensors[i];
    const uint64_t start = out.written();
    AXQ_RETURN_IF_ERROR(write_tensor(i, [&](const void* data, size_t size) { return out.Write(data, size); }));
    if (out.written() - start != t.nbytes) {
      return Fail(AXQ_ERR_INTERNAL, "internal error: tensor '%s' wrote %llu bytes, not %llu", t.name.c_str(),
                  static_cast<unsigned long long>(out.written() - start), static_cast<unsigned long long>(t.nbytes));
    }
    AXQ_RETURN_IF_ERROR(out.WriteZeros(static_cast<size_t>(AlignUp(t.nbytes, file.alignment) - t.nbytes)));
  }
  return out.Commit();
}

}  // namespace gguf
}  // namespace axq
