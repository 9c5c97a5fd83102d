// The object behind axq_imatrix_t: named entries of per-column sums of
// squared activations and their counts (include/axq/imatrix.h), and the
// operations the API layer runs on it under its mutex.
#ifndef AXQ_IMATRIX_IMATRIX_H_
#define AXQ_IMATRIX_IMATRIX_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "src/core/status.h"

namespace axq {

// One weight's statistics: counts.size() slices (experts) of
// sums.size() / counts.size() columns each, back to back.
struct ImatrixEntry {
  std::vector<double> sums;
  std::vector<int64_t> counts;
};

// GGUF tensor names have at most 63 bytes; ".in_sum2" takes 8 of them.
constexpr size_t kMaxImatrixNameBytes = 55;
// Counts above this would not survive the f32 that files store them in
// closely enough to be read back as the same integer by llround.
constexpr int64_t kMaxImatrixCount = int64_t{1} << 53;

}  // namespace axq

struct axq_imatrix {
  mutable std::mutex mutex;
  std::map<std::string, axq::ImatrixEntry> entries;
  // The keys of `entries` in order, for axq_imatrix_name (map nodes never
  // move, so the pointers stay valid).
  std::vector<const std::string*> order;
  // llama.cpp's metadata, kept from a loaded file and written back.
  std::vector<std::string> datasets;
  uint32_t chunk_count = 0;
  uint32_t chunk_size = 0;
};

namespace axq {

// Adds an entry read from a file; AXQ_ERR_CORRUPT_DATA (naming `what`) if
// the name is empty, holds a NUL or is already present.
Status AddImatrixEntry(axq_imatrix* im, const std::string& name, ImatrixEntry entry, const char* what);

// sum[j] += x[r][j]^2, count += rows; see axq_imatrix_accumulate.
Status AccumulateImatrix(axq_imatrix* im, const std::string& name, const float* x, int64_t rows, int64_t cols);

// The importance of each column (dst holds entry.sums.size() values).
void ImatrixImportance(const ImatrixEntry& entry, float* dst);

// Files (imatrix_legacy.cc, imatrix_gguf.cc). The parsers fill an empty
// imatrix from `size` bytes of a file; `what` (the path) prefixes messages.
Status ParseLegacyImatrix(const uint8_t* data, size_t size, const char* what, axq_imatrix* out);
Status ParseGgufImatrix(const uint8_t* data, size_t size, const char* what, axq_imatrix* out);
// Either format, told apart by the GGUF magic.
Status ParseImatrix(const uint8_t* data, size_t size, const char* what, axq_imatrix* out);
Status LoadImatrix(const std::string& path, axq_imatrix* out);
Status SaveImatrix(const axq_imatrix& im, const std::string& path);

}  // namespace axq

#endif  // AXQ_IMATRIX_IMATRIX_H_
