// Metadata values: names, sizes and constructors.
#include <cstring>

#include "src/gguf/gguf.h"

namespace axq {
namespace gguf {

const char* ValueTypeName(ValueType t) {
  switch (t) {
    case ValueType::kU8: return "u8";
    case ValueType::kI8: return "i8";
    case ValueType::kU16: return "u16";
    case ValueType::kI16: return "i16";
    case ValueType::kU32: return "u32";
    case ValueType::kI32: return "i32";
    case ValueType::kF32: return "f32";
    case ValueType::kBool: return "bool";
    case ValueType::kString: return "string";
    case ValueType::kArray: return "array";
    case ValueType::kU64: return "u64";
    case ValueType::kI64: return "i64";
    case ValueType::kF64: return "f64";
  }
  return "?";
}

size_t ScalarSize(ValueType t) {
  switch (t) {
    case ValueType::kU8: case ValueType::kI8: case ValueType::kBool: return 1;
    case ValueType::kU16: case ValueType::kI16: return 2;
    case ValueType::kU32: case ValueType::kI32: case ValueType::kF32: return 4;
    case ValueType::kU64: case ValueType::kI64: case ValueType::kF64: return 8;
    default: return 0;
  }
}

namespace {

// Scalars are kept as their little-endian bytes; this host is little-endian
// (x86-64), which the build asserts below.
template <class T>
Value Scalar(ValueType type, T v) {
  Value out;
  out.type = type;
  out.scalar.assign(reinterpret_cast<const char*>(&v), sizeof(v));
  return out;
}
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "GGUF values are read as host integers");

}  // namespace

Value Value::U32(uint32_t v) { return Scalar(ValueType::kU32, v); }
Value Value::U64(uint64_t v) { return Scalar(ValueType::kU64, v); }
Value Value::I32(int32_t v) { return Scalar(ValueType::kI32, v); }
Value Value::F32(float v) { return Scalar(ValueType::kF32, v); }
Value Value::Bool(bool v) { return Scalar(ValueType::kBool, static_cast<uint8_t>(v ? 1 : 0)); }

Value Value::String(std::string v) {
  Value out;
  out.type = ValueType::kString;
  out.scalar = std::move(v);
  return out;
}

Value Value::StringArray(std::vector<std::string> v) {
  Value out;
  out.type = ValueType::kArray;
  out.element_type = ValueType::kString;
  out.count = v.size();
  out.strings = std::move(v);
  return out;
}

Value Value::ScalarArray(ValueType element, const void* data, uint64_t count) {
  Value out;
  out.type = ValueType::kArray;
  out.element_type = element;
  out.count = count;
  out.scalar.assign(static_cast<const char*>(data), ScalarSize(element) * count);
  return out;
}

bool Value::AsInteger(int64_t* out) const {
  const char* p = scalar.data();
  switch (type) {
    case ValueType::kU8: *out = static_cast<uint8_t>(p[0]); return true;
    case ValueType::kI8: *out = static_cast<int8_t>(p[0]); return true;
    case ValueType::kU16: { uint16_t v; std::memcpy(&v, p, 2); *out = v; return true; }
    case ValueType::kI16: { int16_t v; std::memcpy(&v, p, 2); *out = v; return true; }
    case ValueType::kU32: { uint32_t v; std::memcpy(&v, p, 4); *out = v; return true; }
    case ValueType::kI32: { int32_t v; std::memcpy(&v, p, 4); *out = v; return true; }
    case ValueType::kU64: { uint64_t v; std::memcpy(&v, p, 8); *out = static_cast<int64_t>(v); return v <= INT64_MAX; }
    case ValueType::kI64: { int64_t v; std::memcpy(&v, p, 8); *out = v; return true; }
    default: return false;
  }
}

const KeyValue* File::Find(const std::string& key) const {
  for (const KeyValue& kv : metadata) {
    if (kv.key == key) return &kv;
  }
  return nullptr;
}

}  // namespace gguf
}  // namespace axq
