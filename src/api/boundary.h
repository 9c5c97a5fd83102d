// Helpers for the extern "C" functions: argument checks and the try/catch
// that keeps C++ exceptions from crossing the C boundary.
#ifndef AXQ_API_BOUNDARY_H_
#define AXQ_API_BOUNDARY_H_

#include <cstring>
#include <new>

#include "axq/axq.h"
#include "src/core/status.h"

namespace axq {

// Runs body (returning Status) and maps escaping exceptions to statuses.
template <class Body>
axq_status Guard(Body&& body) noexcept {
  try {
    return body().code();
  } catch (const std::bad_alloc&) {
    return FailOutOfMemory().code();
  } catch (...) {
    return Fail(AXQ_ERR_INTERNAL, "internal error: unexpected C++ exception").code();
  }
}

inline Status RequireNonNull(const void* p, const char* name) {
  if (p == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: NULL", name);
  return OkStatus();
}

// Options sizes as 0.2 defined them: what the plain axq_*_options_init
// entry points of binaries built against 0.1/0.2 headers may write.
constexpr size_t kQuantizeOptions02Size = 12;
constexpr size_t kDequantizeOptions02Size = 8;
constexpr size_t kMatmulOptions02Size = 8;
static_assert(sizeof(axq_quantize_options_t) >= kQuantizeOptions02Size &&
              sizeof(axq_dequantize_options_t) >= kDequantizeOptions02Size &&
              sizeof(axq_matmul_options_t) >= kMatmulOptions02Size, "options structs only grow");

// Fills the caller's options struct with `size` bytes (its size as the
// caller's header defines it) of `defaults`, and struct_size = size.
template <class Options>
Status InitOptions(Options* opts, size_t size, const Options& defaults) {
  if (opts == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts: NULL");
  if (size < sizeof(uint32_t) || size > sizeof(Options)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "size: %zu is not a size of this options struct that libaxq knows (%zu)",
                size, sizeof(Options));
  }
  std::memcpy(static_cast<void*>(opts), &defaults, size);
  opts->struct_size = static_cast<uint32_t>(size);
  return OkStatus();
}

// Copies the caller's options over `defaults`, reading only the bytes that
// its struct_size covers. A size larger than ours comes from a newer
// header whose extra fields we cannot honour.
template <class Options>
Status ReadOptions(const Options* given, Options* defaults, const char* name) {
  if (given == nullptr) return OkStatus();
  const uint32_t size = given->struct_size;
  if (size < sizeof(uint32_t) || size > sizeof(Options)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "%s->struct_size: %u is not a size this libaxq knows (%u); use the _init function",
                name, size, static_cast<unsigned>(sizeof(Options)));
  }
  std::memcpy(static_cast<void*>(defaults), given, size);
  defaults->struct_size = static_cast<uint32_t>(sizeof(Options));
  return OkStatus();
}

// Hands `info` to the caller's struct, writing only the bytes that its
// struct_size (set by the caller to the size it was compiled with) covers.
template <class Info>
Status CopyInfo(Info* out, Info info, const char* name) {
  if (out == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: NULL", name);
  const uint32_t size = out->struct_size;
  if (size < sizeof(uint32_t) || size > sizeof(Info)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s->struct_size: %u is not a size this libaxq knows (%u)", name, size,
                static_cast<unsigned>(sizeof(Info)));
  }
  info.struct_size = size;
  std::memcpy(static_cast<void*>(out), &info, size);
  return OkStatus();
}

}  // namespace axq

#endif  // AXQ_API_BOUNDARY_H_
