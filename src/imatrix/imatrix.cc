// Entries, accumulation and importance of an imatrix, and loading by
// content.
#include "src/imatrix/imatrix.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <iterator>
#include <utility>

#include "src/io/mapped_file.h"

namespace axq {
namespace {

// Inserts the entry and keeps `order` in the map's order.
void Insert(axq_imatrix* im, const std::string& name, ImatrixEntry entry) {
  const auto it = im->entries.emplace(name, std::move(entry)).first;
  const auto index = std::distance(im->entries.begin(), it);
  im->order.insert(im->order.begin() + index, &it->first);
}

}  // namespace

Status AddImatrixEntry(axq_imatrix* im, const std::string& name, ImatrixEntry entry, const char* what) {
  if (name.empty()) return Fail(AXQ_ERR_CORRUPT_DATA, "%s: an entry has an empty name", what);
  if (name.find('\0') != std::string::npos) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: entry name '%s' holds a NUL byte", what, name.c_str());
  }
  if (im->entries.count(name) != 0) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: entry '%s' appears twice", what, name.c_str());
  }
  Insert(im, name, std::move(entry));
  return OkStatus();
}

Status AccumulateImatrix(axq_imatrix* im, const std::string& name, const float* x, int64_t rows, int64_t cols) {
  if (name.empty() || name.size() > kMaxImatrixNameBytes) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "name: '%s' has %zu bytes, not 1 to %zu (GGUF's tensor name limit)",
                name.c_str(), name.size(), kMaxImatrixNameBytes);
  }
  if (rows < 1 || cols < 1) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "rows = %lld, cols = %lld: both must be >= 1", static_cast<long long>(rows),
                static_cast<long long>(cols));
  }
  if (rows > INT64_MAX / cols) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "rows * cols = %lld * %lld overflows", static_cast<long long>(rows),
                static_cast<long long>(cols));
  }
  const auto found = im->entries.find(name);
  const ImatrixEntry* existing = found != im->entries.end() ? &found->second : nullptr;
  if (existing != nullptr) {
    if (existing->counts.size() != 1) {
      return Fail(AXQ_ERR_UNSUPPORTED, "name: '%s' is an expert entry of %zu slices; only single entries accumulate",
                  name.c_str(), existing->counts.size());
    }
    if (static_cast<int64_t>(existing->sums.size()) != cols) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "cols: %lld, but entry '%s' has %zu columns", static_cast<long long>(cols),
                  name.c_str(), existing->sums.size());
    }
  }
  const int64_t count = existing != nullptr ? existing->counts[0] : 0;
  if (rows > kMaxImatrixCount - count) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "rows: %lld more rows would take entry '%s' past 2^53 rows",
                static_cast<long long>(rows), name.c_str());
  }
  const int64_t n = rows * cols;
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      return Fail(AXQ_ERR_NON_FINITE, "x[%lld] = %g: activations must be finite", static_cast<long long>(i),
                  static_cast<double>(x[i]));
    }
  }
  // Column sums in row order, in float64, into a copy committed only if
  // every sum still fits the f32 the file stores.
  std::vector<double> sums = existing != nullptr ? existing->sums : std::vector<double>(static_cast<size_t>(cols), 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    for (int64_t j = 0; j < cols; ++j) {
      const double v = static_cast<double>(row[j]);
      sums[static_cast<size_t>(j)] += v * v;
    }
  }
  for (int64_t j = 0; j < cols; ++j) {
    if (!(sums[static_cast<size_t>(j)] <= static_cast<double>(FLT_MAX))) {
      return Fail(AXQ_ERR_NON_FINITE, "x: the sum of squares of column %lld of '%s' leaves the f32 range",
                  static_cast<long long>(j), name.c_str());
    }
  }
  if (existing != nullptr) {
    found->second.sums = std::move(sums);
    found->second.counts[0] = count + rows;
  } else {
    ImatrixEntry entry;
    entry.sums = std::move(sums);
    entry.counts = {rows};
    Insert(im, name, std::move(entry));
  }
  return OkStatus();
}

void ImatrixImportance(const ImatrixEntry& entry, float* dst) {
  const size_t slices = entry.counts.size();
  const size_t columns = entry.sums.size() / slices;
  for (size_t s = 0; s < slices; ++s) {
    const float count = static_cast<float>(entry.counts[s]);
    for (size_t j = 0; j < columns; ++j) {
      const size_t i = s * columns + j;
      dst[i] = count > 0.0f ? static_cast<float>(entry.sums[i]) / count : 1.0f;
    }
  }
}

Status ParseImatrix(const uint8_t* data, size_t size, const char* what, axq_imatrix* out) {
  if (size >= 4 && std::memcmp(data, "GGUF", 4) == 0) return ParseGgufImatrix(data, size, what, out);
  return ParseLegacyImatrix(data, size, what, out);
}

Status LoadImatrix(const std::string& path, axq_imatrix* out) {
  MappedFile file;
  AXQ_RETURN_IF_ERROR(file.Open(path));
  return ParseImatrix(file.data(), file.size(), path.c_str(), out);
}

}  // namespace axq
