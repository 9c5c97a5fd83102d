// FP8 with scales over a row-major matrix (axq_fp8_quantize /
// axq_fp8_dequantize): the scale rule and the threaded loops. Arguments
// are checked by the C boundary (src/api/floatquant_api.cc).
#ifndef AXQ_FLOATQUANT_FP8_TENSOR_H_
#define AXQ_FLOATQUANT_FP8_TENSOR_H_

#include <cstddef>
#include <cstdint>

#include "src/core/status.h"
#include "src/floatquant/floatquant_ref.h"

namespace axq {

// amax / max_finite; 1 for amax 0; 2^-149 if the quotient underflows.
float Fp8ScaleFor(float amax, Fp8Format format);

struct Fp8Matrix {
  int64_t rows = 0;
  int64_t cols = 0;
  Fp8Format format = Fp8Format::kE4M3;
  bool per_row = false;
};

// Writes rows * cols codes and 1 or `rows` scales. AXQ_ERR_NON_FINITE
// (naming the first bad index) if src holds NaN/Inf.
Status Fp8QuantizeMatrix(uint8_t* codes, float* scales, const float* src, const Fp8Matrix& m, unsigned threads);

void Fp8DequantizeMatrix(float* dst, const uint8_t* codes, const float* scales, const Fp8Matrix& m,
                         unsigned threads);

}  // namespace axq

#endif  // AXQ_FLOATQUANT_FP8_TENSOR_H_
