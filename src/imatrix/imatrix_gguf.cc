// llama.cpp's GGUF imatrix format, read and written through libaxq's GGUF
// reader and writer (src/gguf/): per entry the F32 tensors
// "<name>.in_sum2" ({columns, slices}) and "<name>.counts" ({1, slices}),
// and the metadata llama-quantize requires (general.type "imatrix",
// imatrix.datasets, imatrix.chunk_count, imatrix.chunk_size).
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "src/gguf/gguf.h"
#include "src/imatrix/imatrix.h"

namespace axq {
namespace {

constexpr int32_t kGgmlF32 = 0;
const char kSumsSuffix[] = ".in_sum2";
const char kCountsSuffix[] = ".counts";
const char kTypeKey[] = "general.type";
const char kDatasetsKey[] = "imatrix.datasets";
const char kChunkCountKey[] = "imatrix.chunk_count";
const char kChunkSizeKey[] = "imatrix.chunk_size";

bool StripSuffix(const std::string& name, const char* suffix, std::string* stem) {
  const size_t n = std::strlen(suffix);
  if (name.size() <= n || name.compare(name.size() - n, n, suffix) != 0) return false;
  *stem = name.substr(0, name.size() - n);
  return true;
}

Status ReadU32(const gguf::File& file, const char* key, const char* what, uint32_t* out) {
  const gguf::KeyValue* kv = file.Find(key);
  if (kv == nullptr) return OkStatus();
  if (kv->value.type != gguf::ValueType::kU32) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: metadata '%s' is a %s, not a u32", what, key,
                gguf::ValueTypeName(kv->value.type));
  }
  std::memcpy(out, kv->value.scalar.data(), 4);
  return OkStatus();
}

Status ReadMetadata(const gguf::File& file, const char* what, axq_imatrix* out) {
  if (const gguf::KeyValue* kv = file.Find(kTypeKey)) {
    if (kv->value.type != gguf::ValueType::kString || kv->value.scalar != "imatrix") {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: general.type is %s'%s', not 'imatrix' (a model file?)", what,
                  kv->value.type == gguf::ValueType::kString ? "" : "not a string ",
                  kv->value.type == gguf::ValueType::kString ? kv->value.scalar.substr(0, 64).c_str() : "");
    }
  }
  if (const gguf::KeyValue* kv = file.Find(kDatasetsKey)) {
    if (kv->value.type != gguf::ValueType::kArray || kv->value.element_type != gguf::ValueType::kString) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: metadata '%s' is not an array of strings", what, kDatasetsKey);
    }
    out->datasets = kv->value.strings;
  }
  AXQ_RETURN_IF_ERROR(ReadU32(file, kChunkCountKey, what, &out->chunk_count));
  return ReadU32(file, kChunkSizeKey, what, &out->chunk_size);
}

float LoadF32(const uint8_t* p) {
  float v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

Status ReadEntry(const gguf::File& file, const std::string& name, const gguf::TensorInfo* sums,
                 const gguf::TensorInfo* counts, const char* what, axq_imatrix* out) {
  if (sums == nullptr || counts == nullptr) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: entry '%s' has a '%s' tensor but no '%s'", what, name.c_str(),
                sums != nullptr ? kSumsSuffix : kCountsSuffix, sums != nullptr ? kCountsSuffix : kSumsSuffix);
  }
  for (const gguf::TensorInfo* t : {sums, counts}) {
    if (t->type != kGgmlF32) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s' has type id %d, not F32", what, t->name.c_str(), t->type);
    }
  }
  // F32 tensors: 4 bytes an element, all inside the file (gguf::Parse).
  const uint64_t nval = sums->nbytes / 4;
  const uint64_t slices = counts->nbytes / 4;
  if (nval == 0 || slices == 0 || nval % slices != 0) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: entry '%s': %llu sums do not split into %llu slices", what, name.c_str(),
                static_cast<unsigned long long>(nval), static_cast<unsigned long long>(slices));
  }
  ImatrixEntry entry;
  entry.sums.resize(static_cast<size_t>(nval));
  const uint8_t* sum_bytes = file.TensorData(*sums);
  for (uint64_t j = 0; j < nval; ++j) {
    const float v = LoadF32(sum_bytes + 4 * j);
    if (!std::isfinite(v) || v < 0.0f) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s' element %llu is %g, not a finite value >= 0", what,
                  sums->name.c_str(), static_cast<unsigned long long>(j), static_cast<double>(v));
    }
    entry.sums[static_cast<size_t>(j)] = v;
  }
  entry.counts.resize(static_cast<size_t>(slices));
  const uint8_t* count_bytes = file.TensorData(*counts);
  for (uint64_t s = 0; s < slices; ++s) {
    const float c = LoadF32(count_bytes + 4 * s);
    if (!(c >= 0.0f && c <= static_cast<float>(kMaxImatrixCount))) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor '%s' element %llu is %g, not a count in [0, 2^53]", what,
                  counts->name.c_str(), static_cast<unsigned long long>(s), static_cast<double>(c));
    }
    entry.counts[static_cast<size_t>(s)] = std::llround(c);  // as llama.cpp rounds them
  }
  return AddImatrixEntry(out, name, std::move(entry), what);
}

}  // namespace

Status ParseGgufImatrix(const uint8_t* data, size_t size, const char* what, axq_imatrix* out) {
  gguf::File file;
  AXQ_RETURN_IF_ERROR(gguf::Parse(data, size, what, &file));
  AXQ_RETURN_IF_ERROR(ReadMetadata(file, what, out));
  // Pair the tensors by entry name; other tensors are not ours to judge.
  std::map<std::string, std::pair<const gguf::TensorInfo*, const gguf::TensorInfo*>> pairs;
  for (const gguf::TensorInfo& t : file.tensors) {
    std::string stem;
    if (StripSuffix(t.name, kSumsSuffix, &stem)) {
      pairs[stem].first = &t;
    } else if (StripSuffix(t.name, kCountsSuffix, &stem)) {
      pairs[stem].second = &t;
    }
  }
  for (const auto& p : pairs) {
    AXQ_RETURN_IF_ERROR(ReadEntry(file, p.first, p.second.first, p.second.second, what, out));
  }
  if (out->entries.empty()) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: no imatrix entries (tensor pairs '<name>%s' and '<name>%s')", what,
                kSumsSuffix, kCountsSuffix);
  }
  return OkStatus();
}

Status SaveImatrix(const axq_imatrix& im, const std::string& path) {
  if (im.entries.empty()) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "im: has no entries, and llama.cpp refuses an imatrix without data");
  }
  gguf::File file;
  file.metadata.push_back({kTypeKey, gguf::Value::String("imatrix")});
  file.metadata.push_back({kDatasetsKey, gguf::Value::StringArray(im.datasets)});
  file.metadata.push_back({kChunkCountKey, gguf::Value::U32(im.chunk_count)});
  file.metadata.push_back({kChunkSizeKey, gguf::Value::U32(im.chunk_size)});
  std::vector<const ImatrixEntry*> entries;
  for (const auto& e : im.entries) {
    if (e.first.size() > kMaxImatrixNameBytes) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "im: entry '%s' has %zu bytes; GGUF imatrix names take at most %zu",
                  e.first.c_str(), e.first.size(), kMaxImatrixNameBytes);
    }
    const int64_t slices = static_cast<int64_t>(e.second.counts.size());
    gguf::TensorInfo sums;
    sums.name = e.first + kSumsSuffix;
    sums.n_dims = 2;
    sums.ne[0] = static_cast<int64_t>(e.second.sums.size()) / slices;
    sums.ne[1] = slices;
    sums.type = kGgmlF32;
    gguf::TensorInfo counts;
    counts.name = e.first + kCountsSuffix;
    counts.n_dims = 2;
    counts.ne[0] = 1;
    counts.ne[1] = slices;
    counts.type = kGgmlF32;
    file.tensors.push_back(std::move(sums));
    file.tensors.push_back(std::move(counts));
    entries.push_back(&e.second);
  }
  return gguf::Write(path, std::move(file), [&](size_t index, const gguf::TensorSink& sink) -> Status {
    const ImatrixEntry& e = *entries[index / 2];
    std::vector<float> values;
    if (index % 2 == 0) {
      values.assign(e.sums.begin(), e.sums.end());
    } else {
      values.assign(e.counts.begin(), e.counts.end());
    }
    return sink(values.data(), values.size() * sizeof(float));
  });
}

}  // namespace axq
