// Whole-tensor quantization under an importance matrix, as llama-quantize
// does it: every row goes through the format's weighted quantizer with the
// importance of its columns.
#ifndef AXQ_CORE_WEIGHTED_CONVERT_H_
#define AXQ_CORE_WEIGHTED_CONVERT_H_

#include <cstdint>

#include "src/core/convert.h"
#include "src/core/status.h"
#include "src/core/type_traits.h"
#include "src/simd/kernels.h"

namespace axq {

// Per-column importance for the rows of a tensor: row r uses
// values + (r / rows_per_slice) * row_len, so one slice of row_len values
// serves every row (rows_per_slice = all rows) or each matrix of a 3-D
// expert tensor has its own (rows_per_slice = dims[1]), as llama.cpp
// slices an imatrix by expert.
struct ImportanceRows {
  const float* values;
  int64_t rows_per_slice;
};

// kernels.quantize_weighted must be set. Rows run in parallel, each as one
// call, so the bytes do not depend on the thread count. Non-finite input
// fails with AXQ_ERR_NON_FINITE naming the first bad index.
Status QuantizeWeightedRows(const FormatKernels& kernels, const TypeTraits& traits, const float* src,
                            void* dst, ElementShape shape, unsigned threads, ImportanceRows importance);

}  // namespace axq

#endif  // AXQ_CORE_WEIGHTED_CONVERT_H_
