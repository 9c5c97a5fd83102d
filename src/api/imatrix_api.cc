// The axq_imatrix_* functions (include/axq/imatrix.h): argument checks and
// locking around src/imatrix/.
#include <memory>
#include <mutex>
#include <string>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/imatrix/imatrix.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

Status RequireText(const char* s, const char* name) {
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(s, name));
  if (s[0] == '\0') return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: empty", name);
  return OkStatus();
}

// The entry called `name`; the caller holds the imatrix's mutex.
Status FindEntry(const axq_imatrix& im, const char* name, const axq::ImatrixEntry** out) {
  AXQ_RETURN_IF_ERROR(RequireText(name, "name"));
  const auto it = im.entries.find(name);
  if (it == im.entries.end()) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "name: no entry '%s' in this imatrix (%zu entries)", name,
                im.entries.size());
  }
  *out = &it->second;
  return OkStatus();
}

}  // namespace

extern "C" {

AXQ_API axq_status axq_imatrix_create(axq_imatrix_t** out) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    *out = new axq_imatrix();
    return OkStatus();
  });
}

AXQ_API axq_status axq_imatrix_load(axq_imatrix_t** out, const char* path) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(RequireText(path, "path"));
    auto im = std::make_unique<axq_imatrix>();
    AXQ_RETURN_IF_ERROR(axq::LoadImatrix(path, im.get()));
    *out = im.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_imatrix_save(const axq_imatrix_t* im, const char* path) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(im, "im"));
    AXQ_RETURN_IF_ERROR(RequireText(path, "path"));
    std::lock_guard<std::mutex> lock(im->mutex);
    return axq::SaveImatrix(*im, path);
  });
}

AXQ_API void axq_imatrix_destroy(axq_imatrix_t* im) { delete im; }

AXQ_API axq_status axq_imatrix_accumulate(axq_imatrix_t* im, const char* name, const float* x, int64_t rows,
                                          int64_t cols) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(im, "im"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(name, "name"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(x, "x"));
    std::lock_guard<std::mutex> lock(im->mutex);
    return axq::AccumulateImatrix(im, name, x, rows, cols);
  });
}

AXQ_API size_t axq_imatrix_count(const axq_imatrix_t* im) {
  if (im == nullptr) {
    (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_imatrix_count: im is NULL");
    return 0;
  }
  try {
    std::lock_guard<std::mutex> lock(im->mutex);
    return im->entries.size();
  } catch (...) {
    (void)Fail(AXQ_ERR_INTERNAL, "internal error: cannot lock the imatrix");
    return 0;
  }
}

AXQ_API const char* axq_imatrix_name(const axq_imatrix_t* im, size_t i) {
  if (im == nullptr) {
    (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_imatrix_name: im is NULL");
    return nullptr;
  }
  try {
    std::lock_guard<std::mutex> lock(im->mutex);
    if (i >= im->order.size()) {
      (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_imatrix_name: i = %zu, the imatrix has %zu entries", i,
                 im->order.size());
      return nullptr;
    }
    return im->order[i]->c_str();
  } catch (...) {
    (void)Fail(AXQ_ERR_INTERNAL, "internal error: cannot lock the imatrix");
    return nullptr;
  }
}

AXQ_API axq_status axq_imatrix_columns(const axq_imatrix_t* im, const char* name, int64_t* cols) {
  if (cols != nullptr) *cols = 0;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(im, "im"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(cols, "cols"));
    std::lock_guard<std::mutex> lock(im->mutex);
    const axq::ImatrixEntry* entry = nullptr;
    AXQ_RETURN_IF_ERROR(FindEntry(*im, name, &entry));
    *cols = static_cast<int64_t>(entry->sums.size());
    return OkStatus();
  });
}

AXQ_API axq_status axq_imatrix_values(const axq_imatrix_t* im, const char* name, float* dst, int64_t len) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(im, "im"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
    std::lock_guard<std::mutex> lock(im->mutex);
    const axq::ImatrixEntry* entry = nullptr;
    AXQ_RETURN_IF_ERROR(FindEntry(*im, name, &entry));
    if (len != static_cast<int64_t>(entry->sums.size())) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "len: %lld, but entry '%s' has %zu values", static_cast<long long>(len),
                  name, entry->sums.size());
    }
    axq::ImatrixImportance(*entry, dst);
    return OkStatus();
  });
}

}  // extern "C"
