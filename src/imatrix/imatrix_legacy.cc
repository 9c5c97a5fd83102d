// The legacy imatrix format of llama-imatrix (--output-format dat), read
// with every length checked against the bytes left before it is used:
//   int32 n_entries (>= 1)
//   n_entries x { int32 name_len, name, int32 ncall, int32 nval, nval x f32 }
//   optional trailer: int32 chunk_count [, int32 len, len bytes of dataset]
// The stored values are sum / count * ncall; llama-quantize divides them by
// ncall again (or takes them as they are if ncall <= 0). They are kept as
// sums with count ncall (1 if ncall <= 0), which gives the same f32
// importance and saves as an equivalent GGUF imatrix.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include "src/imatrix/imatrix.h"

namespace axq {
namespace {

// Smallest entry: name length, a 1-byte name, ncall, nval, one value.
constexpr size_t kMinEntryBytes = 4 + 1 + 4 + 4 + 4;

class Reader {
 public:
  Reader(const uint8_t* data, size_t size, const char* what) : data_(data), size_(size), what_(what) {}

  size_t remaining() const { return size_ - pos_; }
  size_t position() const { return pos_; }

  Status Corrupt(const std::string& field, size_t at, const std::string& why) const {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: legacy imatrix: %s at offset %zu: %s", what_, field.c_str(), at,
                why.c_str());
  }

  Status Int32(const std::string& field, int32_t* out) {
    if (remaining() < 4) return Truncated(field, 4);
    std::memcpy(out, data_ + pos_, 4);
    pos_ += 4;
    return OkStatus();
  }

  Status Bytes(const std::string& field, size_t n, const uint8_t** out) {
    if (remaining() < n) return Truncated(field, n);
    *out = data_ + pos_;
    pos_ += n;
    return OkStatus();
  }

 private:
  Status Truncated(const std::string& field, size_t need) const {
    return Corrupt(field, pos_, "needs " + std::to_string(need) + " bytes, the file has " +
                                    std::to_string(remaining()) + " left");
  }

  const uint8_t* data_;
  size_t size_;
  const char* what_;
  size_t pos_ = 0;
};

Status ReadEntry(Reader* in, int32_t index, const char* what, axq_imatrix* out) {
  const std::string where = "entry " + std::to_string(index);
  size_t at = in->position();
  int32_t name_len = 0;
  AXQ_RETURN_IF_ERROR(in->Int32(where + " name length", &name_len));
  if (name_len < 1 || static_cast<size_t>(name_len) > in->remaining()) {
    return in->Corrupt(where + " name length", at,
                       std::to_string(name_len) + " is not 1 to the " + std::to_string(in->remaining()) +
                           " bytes left");
  }
  const uint8_t* name_bytes = nullptr;
  AXQ_RETURN_IF_ERROR(in->Bytes(where + " name", static_cast<size_t>(name_len), &name_bytes));
  const std::string name(reinterpret_cast<const char*>(name_bytes), static_cast<size_t>(name_len));
  const std::string field = "entry '" + name + "'";
  int32_t ncall = 0;
  AXQ_RETURN_IF_ERROR(in->Int32(field + " ncall", &ncall));
  at = in->position();
  int32_t nval = 0;
  AXQ_RETURN_IF_ERROR(in->Int32(field + " value count", &nval));
  if (nval < 1 || static_cast<size_t>(nval) > in->remaining() / 4) {
    return in->Corrupt(field + " value count", at,
                       std::to_string(nval) + " values do not fit the " + std::to_string(in->remaining()) +
                           " bytes left (or are fewer than 1)");
  }
  at = in->position();
  const uint8_t* values = nullptr;
  AXQ_RETURN_IF_ERROR(in->Bytes(field + " values", static_cast<size_t>(nval) * 4, &values));
  ImatrixEntry entry;
  entry.sums.resize(static_cast<size_t>(nval));
  for (int32_t j = 0; j < nval; ++j) {
    float v;
    std::memcpy(&v, values + 4 * static_cast<size_t>(j), 4);
    if (!std::isfinite(v) || v < 0.0f) {
      return in->Corrupt(field + " value " + std::to_string(j), at + 4 * static_cast<size_t>(j),
                         std::to_string(v) + " is not a finite value >= 0");
    }
    entry.sums[static_cast<size_t>(j)] = v;
  }
  entry.counts = {ncall > 0 ? ncall : 1};
  return AddImatrixEntry(out, name, std::move(entry), what);
}

}  // namespace

Status ParseLegacyImatrix(const uint8_t* data, size_t size, const char* what, axq_imatrix* out) {
  Reader in(data, size, what);
  int32_t n_entries = 0;
  AXQ_RETURN_IF_ERROR(in.Int32("entry count", &n_entries));
  if (n_entries < 1 || static_cast<size_t>(n_entries) > in.remaining() / kMinEntryBytes) {
    return in.Corrupt("entry count", 0,
                      std::to_string(n_entries) + " entries do not fit the " + std::to_string(in.remaining()) +
                          " bytes left (or are fewer than 1); not an imatrix file?");
  }
  for (int32_t i = 0; i < n_entries; ++i) AXQ_RETURN_IF_ERROR(ReadEntry(&in, i, what, out));
  // The trailer: nothing, the chunk count, or the chunk count and the
  // dataset's name; any other length is damage.
  if (in.remaining() == 0) return OkStatus();
  size_t at = in.position();
  int32_t chunk_count = 0;
  AXQ_RETURN_IF_ERROR(in.Int32("chunk count", &chunk_count));
  if (chunk_count < 0) return in.Corrupt("chunk count", at, std::to_string(chunk_count) + " is negative");
  out->chunk_count = static_cast<uint32_t>(chunk_count);
  if (in.remaining() == 0) return OkStatus();
  at = in.position();
  int32_t len = 0;
  AXQ_RETURN_IF_ERROR(in.Int32("dataset name length", &len));
  if (len < 0 || static_cast<size_t>(len) != in.remaining()) {
    return in.Corrupt("dataset name length", at,
                      std::to_string(len) + " is not the " + std::to_string(in.remaining()) + " bytes left");
  }
  const uint8_t* dataset = nullptr;
  AXQ_RETURN_IF_ERROR(in.Bytes("dataset name", static_cast<size_t>(len), &dataset));
  // Read as llama.cpp does: a C string, up to a NUL if there is one.
  const char* text = reinterpret_cast<const char*>(dataset);
  const size_t text_len = static_cast<size_t>(std::find(text, text + len, '\0') - text);
  if (text_len > 0) out->datasets.emplace_back(text, text_len);
  return OkStatus();
}

}  // namespace axq
