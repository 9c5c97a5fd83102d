// axq_tensor_*: creation, queries and destruction of tensor handles.
#include <cstring>
#include <memory>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/tensor.h"
#include "src/quant/ternary_layout.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

// Query functions cannot return a status; they report a NULL handle through
// axq_last_error() and a neutral value.
bool CheckHandle(const axq_tensor_t* t, const char* function) {
  if (t != nullptr) return true;
  (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: t is NULL", function);
  return false;
}

// A repacked tensor's bytes are an internal layout: not handed out, so that
// they cannot be mistaken for ggml's.
bool CheckData(const axq_tensor_t* t, const char* function) {
  if (!CheckHandle(t, function)) return false;
  if (!t->repacked) return true;
  (void)Fail(AXQ_ERR_UNSUPPORTED, "%s: t is repacked; its layout is internal (use the tensor it "
             "was repacked from, or axq_dequantize)", function);
  return false;
}

}  // namespace

extern "C" {

AXQ_API axq_status axq_tensor_create(axq_tensor_t** out, axq_type type, int ndim,
                                     const int64_t* dims) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    std::unique_ptr<axq_tensor> tensor;
    AXQ_RETURN_IF_ERROR(axq::NewTensor(&tensor, type, ndim, dims));
    *out = tensor.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_tensor_from_bytes(axq_tensor_t** out, axq_type type, int ndim,
                                         const int64_t* dims, const void* data, size_t size) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(data, "data"));
    std::unique_ptr<axq_tensor> tensor;
    AXQ_RETURN_IF_ERROR(axq::NewTensor(&tensor, type, ndim, dims));
    if (size != tensor->nbytes) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "size: %zu bytes, a %s tensor of these dims takes %zu",
                  size, tensor->traits->name, tensor->nbytes);
    }
    std::memcpy(tensor->data.get(), data, size);
    *out = tensor.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_tensor_from_f32(axq_tensor_t** out, const float* data, int ndim,
                                       const int64_t* dims) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(data, "data"));
    std::unique_ptr<axq_tensor> tensor;
    AXQ_RETURN_IF_ERROR(axq::NewTensor(&tensor, AXQ_TYPE_F32, ndim, dims));
    std::memcpy(tensor->data.get(), data, tensor->nbytes);
    *out = tensor.release();
    return OkStatus();
  });
}

AXQ_API void axq_tensor_destroy(axq_tensor_t* t) { delete t; }

AXQ_API axq_type axq_tensor_type(const axq_tensor_t* t) {
  return CheckHandle(t, "axq_tensor_type") ? t->traits->type : AXQ_TYPE_INVALID;
}

AXQ_API int axq_tensor_ndim(const axq_tensor_t* t) {
  return CheckHandle(t, "axq_tensor_ndim") ? t->ndim : 0;
}

AXQ_API int64_t axq_tensor_dim(const axq_tensor_t* t, int i) {
  if (!CheckHandle(t, "axq_tensor_dim")) return 0;
  if (i < 0) {
    (void)Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_tensor_dim: i = %d is negative", i);
    return 0;
  }
  return i < t->ndim ? t->dims[i] : 1;
}

AXQ_API int64_t axq_tensor_nelements(const axq_tensor_t* t) {
  return CheckHandle(t, "axq_tensor_nelements") ? t->nelements : 0;
}

AXQ_API size_t axq_tensor_nbytes(const axq_tensor_t* t) {
  return CheckHandle(t, "axq_tensor_nbytes") ? t->nbytes : 0;
}

AXQ_API const void* axq_tensor_data(const axq_tensor_t* t) {
  return CheckData(t, "axq_tensor_data") ? t->data.get() : nullptr;
}

AXQ_API void* axq_tensor_data_mut(axq_tensor_t* t) {
  return CheckData(t, "axq_tensor_data_mut") ? t->data.get() : nullptr;
}

AXQ_API axq_status axq_i8s_row(const axq_tensor_t* t, int64_t row, const int8_t** codes,
                               float* scale, int32_t* sum) {
  if (codes != nullptr) *codes = nullptr;
  if (scale != nullptr) *scale = 0.0f;
  if (sum != nullptr) *sum = 0;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(t, "t"));
    if (t->traits->type != AXQ_TYPE_I8_S) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "t: must be an i8_s tensor, got %s", t->traits->name);
    }
    const axq::ElementShape shape = axq::ShapeOf(*t);
    if (row < 0 || row >= shape.rows) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "row: %lld is outside 0..%lld",
                  static_cast<long long>(row), static_cast<long long>(shape.rows - 1));
    }
    const uint8_t* base = t->data.get() + row * (shape.row_len + t->traits->row_tail_bytes);
    if (codes != nullptr) *codes = reinterpret_cast<const int8_t*>(base);
    if (scale != nullptr) *scale = axq::LoadF32LE(base + shape.row_len);
    if (sum != nullptr) *sum = static_cast<int32_t>(axq::LoadLE32(base + shape.row_len + 4));
    return OkStatus();
  });
}

}  // extern "C"
