// axq_quantize_row, axq_dequantize_row: single rows, caller's buffers.
#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/convert.h"
#include "src/core/type_traits.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

// The checks both row functions share; on success the type's traits,
// kernels and the row's byte size.
Status CheckRow(const void* dst, const void* src, axq_type type, int64_t n,
                const axq::TypeTraits** traits, const axq::FormatKernels** kernels, size_t* bytes) {
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
  AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
  AXQ_RETURN_IF_ERROR(axq::LookupType(traits, type, "type"));
  AXQ_RETURN_IF_ERROR(axq::LookupKernels(kernels, **traits, "type"));
  AXQ_RETURN_IF_ERROR(axq::CheckedRowBytes(bytes, **traits, n, "n"));
  *bytes += static_cast<size_t>((*traits)->tensor_tail_bytes);  // a row alone is a tensor
  return OkStatus();
}

}  // namespace

extern "C" {

AXQ_API axq_status axq_quantize_row(void* dst, size_t dst_capacity, size_t* written,
                                    axq_type type, const float* src, int64_t n) {
  if (written != nullptr) *written = 0;
  return Guard([&]() -> Status {
    const axq::TypeTraits* traits = nullptr;
    const axq::FormatKernels* kernels = nullptr;
    size_t bytes = 0;
    AXQ_RETURN_IF_ERROR(CheckRow(dst, src, type, n, &traits, &kernels, &bytes));
    if (dst_capacity < bytes) {
      return Fail(AXQ_ERR_BUFFER_TOO_SMALL, "dst_capacity: %zu bytes, %s needs %zu for n = %lld",
                  dst_capacity, traits->name, bytes, static_cast<long long>(n));
    }
    AXQ_RETURN_IF_ERROR(axq::QuantizeElements(*kernels, *traits, src, dst, {n, 1}, 1));
    if (written != nullptr) *written = bytes;
    return OkStatus();
  });
}

AXQ_API axq_status axq_dequantize_row(float* dst, int64_t n, axq_type type, const void* src,
                                      size_t src_size) {
  return Guard([&]() -> Status {
    const axq::TypeTraits* traits = nullptr;
    const axq::FormatKernels* kernels = nullptr;
    size_t bytes = 0;
    AXQ_RETURN_IF_ERROR(CheckRow(dst, src, type, n, &traits, &kernels, &bytes));
    if (src_size != bytes) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "src_size: %zu bytes, %lld %s elements take %zu",
                  src_size, static_cast<long long>(n), traits->name, bytes);
    }
    axq::DequantizeElements(*kernels, *traits, src, dst, {n, 1}, 1);
    return OkStatus();
  });
}

}  // extern "C"
