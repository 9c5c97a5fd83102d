// Internal status propagation. The C boundary (src/api/) turns a Status into
// an axq_status; the message lives in the thread-local error slot.
#ifndef AXQ_CORE_STATUS_H_
#define AXQ_CORE_STATUS_H_

#include "axq/axq.h"

namespace axq {

class [[nodiscard]] Status {
 public:
  constexpr Status() : code_(AXQ_OK) {}
  constexpr explicit Status(axq_status code) : code_(code) {}
  constexpr bool ok() const { return code_ == AXQ_OK; }
  constexpr axq_status code() const { return code_; }

 private:
  axq_status code_;
};

inline constexpr Status OkStatus() { return Status(); }

// Records a printf-style message for axq_last_error() and returns `code`.
// Never allocates; long messages are truncated.
Status Fail(axq_status code, const char* format, ...)
    __attribute__((format(printf, 2, 3)));

// The out-of-memory path: a static message, no formatting, no allocation.
Status FailOutOfMemory();

}  // namespace axq

#define AXQ_RETURN_IF_ERROR(expr)            \
  do {                                       \
    ::axq::Status axq_status_tmp_ = (expr);  \
    if (!axq_status_tmp_.ok()) return axq_status_tmp_; \
  } while (0)

#endif  // AXQ_CORE_STATUS_H_
