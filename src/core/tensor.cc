#include "src/core/tensor.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "src/simd/kernels.h"

namespace axq {
namespace {

constexpr size_t kDataAlignment = 64;  // a cache line; every SIMD width fits

}  // namespace

Status NewTensor(std::unique_ptr<axq_tensor>* out, int type_id, int ndim, const int64_t* dims,
                 Fill fill) {
  out->reset();
  const TypeTraits* traits = nullptr;
  AXQ_RETURN_IF_ERROR(LookupType(&traits, type_id, "type"));
  if (KernelsFor(traits->type) == nullptr) {
    return Fail(AXQ_ERR_UNSUPPORTED, "type: %s tensors are not implemented in this version",
                traits->name);
  }
  if (ndim < 1 || ndim > AXQ_MAX_DIMS) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "ndim: must be 1..%d, got %d", AXQ_MAX_DIMS, ndim);
  }
  if (dims == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "dims: NULL");
  int64_t rows = 1;
  for (int i = 0; i < ndim; ++i) {
    if (dims[i] <= 0) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "dims[%d]: must be positive, got %lld", i,
                  static_cast<long long>(dims[i]));
    }
    if (i > 0) {
      if (rows > INT64_MAX / dims[i]) {
        return Fail(AXQ_ERR_INVALID_ARGUMENT, "dims: element count overflows int64");
      }
      rows *= dims[i];
    }
  }
  size_t row_bytes = 0;
  AXQ_RETURN_IF_ERROR(CheckedRowBytes(&row_bytes, *traits, dims[0], "dims[0]"));
  const size_t tail = static_cast<size_t>(traits->tensor_tail_bytes);
  if (dims[0] > INT64_MAX / rows ||
      row_bytes > (static_cast<size_t>(PTRDIFF_MAX) - tail) / static_cast<size_t>(rows)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "dims: tensor size overflows the address space");
  }
  auto tensor = std::make_unique<axq_tensor>();
  tensor->traits = traits;
  tensor->ndim = ndim;
  for (int i = 0; i < ndim; ++i) tensor->dims[i] = dims[i];
  tensor->nelements = dims[0] * rows;
  tensor->nbytes = row_bytes * static_cast<size_t>(rows) + tail;
  AXQ_RETURN_IF_ERROR(ResizeTensorData(tensor.get(), tensor->nbytes));
  if (fill == Fill::kZero) std::memset(tensor->data.get(), 0, tensor->nbytes);
  *out = std::move(tensor);
  return OkStatus();
}

Status ResizeTensorData(axq_tensor* t, size_t bytes) {
  const size_t padded = (bytes + kDataAlignment - 1) / kDataAlignment * kDataAlignment;
  void* memory = std::aligned_alloc(kDataAlignment, padded == 0 ? kDataAlignment : padded);
  if (memory == nullptr) throw std::bad_alloc();
  // The padding is always cleared so that no byte of the block is
  // indeterminate.
  std::memset(static_cast<uint8_t*>(memory) + bytes, 0, (padded == 0 ? kDataAlignment : padded) - bytes);
  t->data.reset(static_cast<uint8_t*>(memory));
  t->nbytes = bytes;
  return OkStatus();
}

}  // namespace axq

void axq_tensor::FreeAligned::operator()(uint8_t* p) const { std::free(p); }
