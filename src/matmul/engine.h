// Validation and orchestration behind axq_matmul*: shapes, activation
// rounding, and the static split of weight rows over the thread pool.
#ifndef AXQ_MATMUL_ENGINE_H_
#define AXQ_MATMUL_ENGINE_H_

#include "src/core/status.h"
#include "src/core/tensor.h"
#include "src/simd/kernels.h"

namespace axq {

enum class MatmulEntry {
  kAny,      // axq_matmul: any weight type, f32 X
  kI2s,      // axq_matmul_i2s: I2_S weights, f32 X
  kI2sI8,    // axq_matmul_i2s_i8: I2_S weights, I8_S X
};

Status Matmul(MatmulEntry entry, axq_tensor* y, const axq_tensor* w, const axq_tensor* x,
              unsigned threads, KernelSet set = KernelSet::kDispatched);

}  // namespace axq

#endif  // AXQ_MATMUL_ENGINE_H_
