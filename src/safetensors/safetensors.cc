#include "src/safetensors/safetensors.h"

#include <algorithm>
#include <cstring>

#include "src/io/json.h"

namespace axq {
namespace safetensors {
namespace {

constexpr uint64_t kMaxHeaderBytes = uint64_t{100} << 20;  // the format's own limit

// Bytes per element of every dtype the format defines; 0 if unknown.
size_t DtypeBytes(const std::string& dtype) {
  static const std::pair<const char*, size_t> kSizes[] = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4}, {"I16", 2},
      {"I8", 1},  {"U8", 1},  {"U16", 2}, {"U32", 4},  {"U64", 8}, {"BOOL", 1}, {"F8_E4M3", 1},
      {"F8_E5M2", 1}};
  for (const auto& s : kSizes) {
    if (dtype == s.first) return s.second;
  }
  return 0;
}

int32_t AxqType(const std::string& dtype) {
  if (dtype == "F32") return AXQ_TYPE_F32;
  if (dtype == "F16") return AXQ_TYPE_F16;
  if (dtype == "BF16") return AXQ_TYPE_BF16;
  return -1;
}

Status TensorFrom(const std::string& name, const json::Value& v, uint64_t data_size, const char* what,
                  TensorInfo* t) {
  t->name = name;
  auto bad = [&](const char* why) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s': %s", what, name.c_str(), why);
  };
  if (v.kind != json::Value::Kind::kObject) return bad("is not a JSON object");
  const json::Value* dtype = v.Member("dtype");
  const json::Value* shape = v.Member("shape");
  const json::Value* offsets = v.Member("data_offsets");
  if (dtype == nullptr || dtype->kind != json::Value::Kind::kString) return bad("has no dtype string");
  if (shape == nullptr || shape->kind != json::Value::Kind::kArray) return bad("has no shape array");
  if (offsets == nullptr || offsets->kind != json::Value::Kind::kArray || offsets->items.size() != 2) {
    return bad("has no data_offsets pair");
  }
  t->dtype = dtype->text;
  const size_t element = DtypeBytes(t->dtype);
  if (element == 0) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s': dtype '%.32s' is not a safetensors dtype", what,
                name.c_str(), t->dtype.c_str());
  }
  t->type = AxqType(t->dtype);
  uint64_t count = 1;
  for (const json::Value& d : shape->items) {
    int64_t dim = 0;
    if (!d.AsInt64(&dim) || dim < 0) return bad("a shape entry is not a non-negative integer");
    if (dim != 0 && count > UINT64_MAX / static_cast<uint64_t>(dim)) return bad("the shape's product overflows");
    count *= static_cast<uint64_t>(dim);
    t->shape.push_back(dim);
  }
  int64_t begin = 0, end = 0;
  if (!offsets->items[0].AsInt64(&begin) || !offsets->items[1].AsInt64(&end) || begin < 0 || end < begin) {
    return bad("data_offsets are not a range of non-negative integers");
  }
  t->begin = static_cast<uint64_t>(begin);
  t->end = static_cast<uint64_t>(end);
  if (t->end > data_size) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s': data_offsets end %llu is past the %llu data bytes", what,
                name.c_str(), static_cast<unsigned long long>(t->end), static_cast<unsigned long long>(data_size));
  }
  if (count > UINT64_MAX / element || count * element != t->end - t->begin) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s': %llu bytes for a %s shape of %llu elements", what,
                name.c_str(), static_cast<unsigned long long>(t->end - t->begin), t->dtype.c_str(),
                static_cast<unsigned long long>(count));
  }
  return OkStatus();
}

}  // namespace

Status Parse(const uint8_t* data, size_t size, const char* what, File* out) {
  *out = File();
  if (size < 8) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: %zu bytes is too short for a safetensors header length", what, size);
  }
  uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, data, 8);
  if (header_bytes > kMaxHeaderBytes || header_bytes > size - 8) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: header length %llu does not fit the file (%zu bytes) or the 100 MiB limit",
                what, static_cast<unsigned long long>(header_bytes), size);
  }
  json::Value header;
  AXQ_RETURN_IF_ERROR(json::Parse(reinterpret_cast<const char*>(data + 8), static_cast<size_t>(header_bytes), what, &header));
  if (header.kind != json::Value::Kind::kObject) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: the header is not a JSON object", what);
  }
  out->data = data + 8 + header_bytes;
  out->data_size = size - 8 - static_cast<size_t>(header_bytes);
  for (const auto& member : header.members) {
    if (member.first == "__metadata__") {
      if (member.second.kind != json::Value::Kind::kObject) {
        return Fail(AXQ_ERR_CORRUPT_DATA, "%s: __metadata__ is not an object", what);
      }
      for (const auto& kv : member.second.members) {
        if (kv.second.kind != json::Value::Kind::kString) {
          return Fail(AXQ_ERR_CORRUPT_DATA, "%s: __metadata__ '%s' is not a string", what, kv.first.c_str());
        }
        out->metadata.emplace_back(kv.first, kv.second.text);
      }
      continue;
    }
    for (const TensorInfo& seen : out->tensors) {
      if (seen.name == member.first) {
        return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s' appears twice", what, member.first.c_str());
      }
    }
    out->tensors.emplace_back();
    AXQ_RETURN_IF_ERROR(TensorFrom(member.first, member.second, out->data_size, what, &out->tensors.back()));
  }
  std::vector<const TensorInfo*> by_begin;
  for (const TensorInfo& t : out->tensors) by_begin.push_back(&t);
  std::sort(by_begin.begin(), by_begin.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_begin.size(); ++i) {
    if (by_begin[i - 1]->end > by_begin[i]->begin) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensors '%s' and '%s' overlap", what, by_begin[i - 1]->name.c_str(),
                  by_begin[i]->name.c_str());
    }
  }
  return OkStatus();
}

}  // namespace safetensors
}  // namespace axq
