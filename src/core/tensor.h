// The object behind the opaque axq_tensor_t handle.
#ifndef AXQ_CORE_TENSOR_H_
#define AXQ_CORE_TENSOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "axq/axq.h"
#include "src/core/convert.h"
#include "src/core/status.h"
#include "src/core/type_traits.h"

struct axq_tensor {
  struct FreeAligned {
    void operator()(uint8_t* p) const;
  };

  const axq::TypeTraits* traits = nullptr;
  int ndim = 0;
  int64_t dims[AXQ_MAX_DIMS] = {1, 1, 1, 1};
  int64_t nelements = 0;
  size_t nbytes = 0;
  std::unique_ptr<uint8_t, FreeAligned> data;  // 64-byte aligned, nbytes long
  // Data in the row-interleaved matmul layout (src/matmul/repack.h) rather
  // than ggml's bytes; only axq_tensor_repack makes such tensors.
  bool repacked = false;
};

namespace axq {

enum class Fill { kZero, kUninitialized };

// Validates type and shape and allocates storage, zeroed unless the caller
// overwrites all of it anyway (kUninitialized).
Status NewTensor(std::unique_ptr<axq_tensor>* out, int type_id, int ndim, const int64_t* dims,
                 Fill fill = Fill::kZero);

// The tensor as rows of dims[0] elements.
inline ElementShape ShapeOf(const axq_tensor& t) { return {t.dims[0], t.nelements / t.dims[0]}; }

// Replaces t's storage with `bytes` uninitialized (but zero-padded) bytes.
Status ResizeTensorData(axq_tensor* t, size_t bytes);

}  // namespace axq

#endif  // AXQ_CORE_TENSOR_H_
