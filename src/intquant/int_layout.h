// Granularity (intquant.h): which scale each element of a tensor uses, the
// shapes and sizes of codes and parameters, and how the work splits into
// spans for threads.
#ifndef AXQ_INTQUANT_INT_LAYOUT_H_
#define AXQ_INTQUANT_INT_LAYOUT_H_

#include <cstdint>
#include <functional>

#include "axq/axq.h"
#include "src/core/status.h"
#include "src/intquant/int_codec.h"

namespace axq {

struct IntLayout {
  IntCodec codec;
  int32_t granularity = AXQ_PER_TENSOR;
  int32_t axis = -1;       // AXQ_PER_CHANNEL only
  int64_t group_size = 0;  // AXQ_PER_GROUP only
  int ndim = 1;
  int64_t dims[AXQ_MAX_DIMS] = {1, 1, 1, 1};
  int64_t row_len = 1;
  int64_t rows = 1;
  int64_t nelements = 1;
  int64_t row_bytes = 1;      // codes of one row (rows start on bytes)
  int64_t param_count = 1;    // scales (and zero points)
  int param_ndim = 1;
  int64_t param_dims[AXQ_MAX_DIMS] = {1, 1, 1, 1};
  int64_t channel_stride = 1;  // axis >= 1: rows between neighbours along axis

  // Element j of row r uses parameter first + j / run (run >= row_len: one
  // set for the whole row).
  struct RowParams {
    int64_t first;
    int64_t run;
  };
  RowParams ForRow(int64_t r) const;

  uint64_t code_bytes() const { return static_cast<uint64_t>(row_bytes) * static_cast<uint64_t>(rows); }
  // 4 bytes per scale, and per zero point for the affine scheme.
  uint64_t param_bytes() const {
    return 4u * static_cast<uint64_t>(param_count) * (codec.affine() ? 2u : 1u);
  }
  double bits_per_weight() const {
    return 8.0 * static_cast<double>(code_bytes() + param_bytes()) / static_cast<double>(nelements);
  }
};

// Validates the options against a tensor of ndim dims (dims positive, the
// tensor already valid) and fills the layout. Messages name the option.
Status MakeIntLayout(IntLayout* out, int ndim, const int64_t* dims, const axq_int_options_t& opts);

// Checks bits and scheme alone (shared with the fake-quantization params).
Status CheckBitsAndScheme(uint32_t bits, int32_t scheme, const char* bits_name, const char* scheme_name);

// Calls fn(row, begin, end) for spans covering every row: begin is even and
// a multiple of the run length of per-group layouts, so spans start on code
// bytes and on group boundaries. Spans run on up to `threads` threads; fn
// must not throw.
void ForEachSpan(const IntLayout& layout, unsigned threads,
                 const std::function<void(int64_t row, int64_t begin, int64_t end)>& fn);

}  // namespace axq

#endif  // AXQ_INTQUANT_INT_LAYOUT_H_
