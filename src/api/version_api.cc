// axq_version*, axq_status_string, axq_last_error.
#include "axq/axq.h"
#include "src/core/error.h"

extern "C" {

AXQ_API const char* axq_version_string(void) { return AXQ_VERSION_STRING; }

AXQ_API uint32_t axq_version(void) { return AXQ_VERSION_NUMBER; }

AXQ_API const char* axq_status_string(axq_status s) {
  switch (s) {
    case AXQ_OK: return "ok";
    case AXQ_ERR_INVALID_ARGUMENT: return "invalid argument";
    case AXQ_ERR_UNSUPPORTED: return "operation not supported for this type";
    case AXQ_ERR_UNKNOWN_TYPE: return "unknown type";
    case AXQ_ERR_BUFFER_TOO_SMALL: return "buffer too small";
    case AXQ_ERR_NON_FINITE: return "non-finite value (NaN or Inf) the format cannot hold";
    case AXQ_ERR_OUT_OF_MEMORY: return "out of memory";
    case AXQ_ERR_IO: return "I/O error";
    case AXQ_ERR_CORRUPT_DATA: return "corrupt or truncated data";
    case AXQ_ERR_CANCELLED: return "cancelled";
    case AXQ_ERR_INTERNAL: return "internal error";
    default: break;
  }
  return "unknown status";
}

AXQ_API const char* axq_last_error(void) { return axq::LastErrorMessage(); }

}  // extern "C"
