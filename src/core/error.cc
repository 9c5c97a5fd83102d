// Thread-local error slot behind axq_last_error().
#include "src/core/error.h"

#include <cstdarg>
#include <cstdio>

#include "src/core/status.h"

namespace axq {
namespace {

constexpr size_t kMessageCapacity = 512;

thread_local char t_message[kMessageCapacity];
thread_local const char* t_current = "";

}  // namespace

Status Fail(axq_status code, const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(t_message, kMessageCapacity, format, args);
  va_end(args);
  t_current = t_message;
  return Status(code);
}

Status FailOutOfMemory() {
  t_current = "out of memory";
  return Status(AXQ_ERR_OUT_OF_MEMORY);
}

const char* LastErrorMessage() { return t_current; }

}  // namespace axq
