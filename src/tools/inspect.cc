// `axq inspect FILE`: a model file's header, metadata and tensor table, for
// GGUF, safetensors and AXQT (told apart by their first bytes).
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

#include "axq/axq.h"
#include "src/core/type_traits.h"
#include "src/axqt/axqt.h"
#include "src/gguf/gguf.h"
#include "src/io/mapped_file.h"
#include "src/safetensors/safetensors.h"
#include "src/tools/commands.h"

namespace axq_tool {
namespace {

using axq::gguf::Value;
using axq::gguf::ValueType;

// One scalar element as text.
std::string ScalarText(ValueType type, const char* p) {
  char buf[64];
  switch (type) {
    case ValueType::kU8: std::snprintf(buf, sizeof(buf), "%u", static_cast<unsigned>(static_cast<uint8_t>(p[0]))); break;
    case ValueType::kI8: std::snprintf(buf, sizeof(buf), "%d", static_cast<int>(static_cast<int8_t>(p[0]))); break;
    case ValueType::kBool: return p[0] != 0 ? "true" : "false";
    case ValueType::kF32: { float v; std::memcpy(&v, p, 4); std::snprintf(buf, sizeof(buf), "%g", static_cast<double>(v)); break; }
    case ValueType::kF64: { double v; std::memcpy(&v, p, 8); std::snprintf(buf, sizeof(buf), "%g", v); break; }
    default: {
      Value v;
      v.type = type;
      v.scalar.assign(p, axq::gguf::ScalarSize(type));
      int64_t i = 0;
      if (v.AsInteger(&i)) {
        std::snprintf(buf, sizeof(buf), "%" PRId64, i);
      } else {
        uint64_t u;
        std::memcpy(&u, p, 8);
        std::snprintf(buf, sizeof(buf), "%" PRIu64, u);
      }
    }
  }
  return buf;
}

std::string Quoted(const std::string& s, size_t max = 60) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 32) {
      char esc[8];
      std::snprintf(esc, sizeof(esc), "\\x%02x", c);
      out += esc;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > max) out += "...";
  return out + "\"";
}

// A value as text; arrays show their first few elements.
std::string ValueText(const Value& v) {
  if (v.type == ValueType::kString) return Quoted(v.scalar);
  if (v.type != ValueType::kArray) return ScalarText(v.type, v.scalar.data());
  std::string out = std::string(axq::gguf::ValueTypeName(v.element_type)) + "[" + std::to_string(v.count) + "] [";
  const uint64_t shown = v.count < 6 ? v.count : 6;
  for (uint64_t i = 0; i < shown; ++i) {
    if (i > 0) out += ", ";
    if (v.element_type == ValueType::kString) {
      out += Quoted(v.strings[i], 24);
    } else if (v.element_type == ValueType::kArray) {
      out += ValueText(v.arrays[i]);
    } else {
      out += ScalarText(v.element_type, v.scalar.data() + i * axq::gguf::ScalarSize(v.element_type));
    }
  }
  return out + (v.count > shown ? ", ...]" : "]");
}

int Failed() {
  std::fprintf(stderr, "axq: inspect: %s\n", axq_last_error());
  return 1;
}

void TableHeader(const char* shape_title) {
  std::printf("\n  %-4s %-40s %-6s %-28s %14s %14s\n", "#", "tensor", "type", shape_title, "offset", "bytes");
}

void TableRow(size_t i, const std::string& name, const std::string& type, const std::string& shape,
              uint64_t offset, uint64_t bytes) {
  std::printf("  %-4zu %-40s %-6s %-28s %14" PRIu64 " %14" PRIu64 "\n", i, name.c_str(), type.c_str(),
              shape.c_str(), offset, bytes);
}

}  // namespace

int InspectGguf(const std::string& path, const axq::MappedFile& mapped) {
  axq::gguf::File file;
  if (!axq::gguf::Parse(mapped.data(), mapped.size(), path.c_str(), &file).ok()) return Failed();
  std::printf("%s: GGUF v%u, %zu bytes, %zu metadata keys, %zu tensors, alignment %" PRIu64
              ", data at %" PRIu64 "\n\n",
              path.c_str(), file.version, mapped.size(), file.metadata.size(), file.tensors.size(),
              file.alignment, file.data_start);
  for (const axq::gguf::KeyValue& kv : file.metadata) {
    std::printf("  %-40s %-7s %s\n", kv.key.c_str(), axq::gguf::ValueTypeName(kv.value.type),
                ValueText(kv.value).c_str());
  }
  TableHeader("shape (ne)");
  uint64_t total = 0;
  for (size_t i = 0; i < file.tensors.size(); ++i) {
    const axq::gguf::TensorInfo& t = file.tensors[i];
    std::string shape;
    for (int d = 0; d < t.n_dims; ++d) shape += (d ? " x " : "") + std::to_string(t.ne[d]);
    const axq::TypeTraits* traits = axq::FindTypeTraits(t.type);
    TableRow(i, t.name, traits != nullptr ? traits->name : "?", shape, file.data_start + t.offset, t.nbytes);
    total += t.nbytes;
  }
  std::printf("\n  %zu tensors, %" PRIu64 " bytes of data\n", file.tensors.size(), total);
  return 0;
}

int InspectSafetensors(const std::string& path, const axq::MappedFile& mapped) {
  axq::safetensors::File file;
  if (!axq::safetensors::Parse(mapped.data(), mapped.size(), path.c_str(), &file).ok()) return Failed();
  std::printf("%s: safetensors, %zu bytes, %zu metadata keys, %zu tensors, data at %zu\n\n", path.c_str(),
              mapped.size(), file.metadata.size(), file.tensors.size(),
              static_cast<size_t>(file.data - mapped.data()));
  for (const auto& kv : file.metadata) std::printf("  %-40s %s\n", kv.first.c_str(), Quoted(kv.second).c_str());
  TableHeader("shape");
  uint64_t total = 0;
  for (size_t i = 0; i < file.tensors.size(); ++i) {
    const axq::safetensors::TensorInfo& t = file.tensors[i];
    std::string shape;
    for (size_t d = 0; d < t.shape.size(); ++d) shape += (d ? " x " : "") + std::to_string(t.shape[d]);
    TableRow(i, t.name, t.dtype, shape, static_cast<uint64_t>(file.data - mapped.data()) + t.begin, t.end - t.begin);
    total += t.end - t.begin;
  }
  std::printf("\n  %zu tensors, %" PRIu64 " bytes of data\n", file.tensors.size(), total);
  return 0;
}

int InspectAxqt(const std::string& path, const axq::MappedFile& mapped) {
  axq::axqt::File file;
  if (!axq::axqt::Parse(mapped.data(), mapped.size(), path.c_str(), &file).ok()) return Failed();
  std::printf("%s: AXQT v1 (AxonML), %zu bytes, type %s, %zu tensors, %" PRIu64 " parameters\n", path.c_str(),
              mapped.size(), axq::axqt::QuantTypeName(file.type), file.tensors.size(), file.total_params);
  for (const std::string& note : file.notes) std::printf("  note: %s\n", note.c_str());
  TableHeader("shape");
  for (size_t i = 0; i < file.tensors.size(); ++i) {
    const axq::axqt::Tensor& t = file.tensors[i];
    std::string shape;
    for (size_t d = 0; d < t.dims.size(); ++d) shape += (d ? " x " : "") + std::to_string(t.dims[d]);
    TableRow(i, "(tensor " + std::to_string(i) + ")", axq::axqt::QuantTypeName(file.type), shape,
             static_cast<uint64_t>(t.payload - mapped.data()), t.payload_bytes);
  }
  return 0;
}

int RunInspect(const std::string& path) {
  axq::MappedFile mapped;
  if (!mapped.Open(path).ok()) return Failed();
  if (mapped.size() >= 4 && std::memcmp(mapped.data(), "GGUF", 4) == 0) return InspectGguf(path, mapped);
  if (mapped.size() >= 4 && std::memcmp(mapped.data(), "AXQT", 4) == 0) return InspectAxqt(path, mapped);
  return InspectSafetensors(path, mapped);
}

}  // namespace axq_tool
