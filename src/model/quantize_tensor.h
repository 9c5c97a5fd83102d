// One model tensor from its source type to a target type, in chunks of
// rows so that memory stays near one chunk, plus the progress meter the
// model quantizers report through.
#ifndef AXQ_MODEL_QUANTIZE_TENSOR_H_
#define AXQ_MODEL_QUANTIZE_TENSOR_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "src/core/convert.h"
#include "src/core/status.h"
#include "src/model/source.h"

namespace axq {

// Types a model tensor may be written as (not the activation-only ones).
bool IsWeightType(axq_type t);
bool IsFloatType(axq_type t);

// Receives consecutive pieces of the target tensor's bytes; `rows_done`
// counts the source rows they cover so far.
using ChunkSink = std::function<Status(const void* data, size_t size, int64_t rows_done)>;

// Quantizes s (F32/F16/BF16) to `target`, or expands s of any type to
// F32/F16/BF16; the bytes equal axq_quantize's of the whole tensor for any
// thread count. Errors name the tensor. `importance` (nullptr: none) holds
// ne[0] values per column, or ne[0] * ne[2] (one slice per expert), as
// axq_quantize_options_t.importance; types without a weighted quantizer
// ignore it.
Status QuantizeTensor(const SourceTensor& s, axq_type target, TernaryRule rule, unsigned threads,
                      const ChunkSink& sink, const std::vector<float>* importance = nullptr);

// The importance of s's columns in `imatrix` (nullptr: none), looked up by
// s's name as llama-quantize does: *out is left empty when there is no
// entry, and an entry whose size is not ne[0] * ne[2] fails, naming both.
Status ImportanceFor(const axq_imatrix* imatrix, const SourceTensor& s, std::vector<float>* out);

// Tensor i/n, bytes, rate and ETA for an axq_progress_fn; a non-zero
// return from the callback cancels (AXQ_ERR_CANCELLED).
class ProgressMeter {
 public:
  ProgressMeter(axq_progress_fn fn, void* user, uint64_t tensor_count, uint64_t bytes_total);
  Status Report(uint64_t tensor_index, const std::string& name, uint64_t bytes_done);

 private:
  axq_progress_fn fn_;
  void* user_;
  uint64_t tensor_count_;
  uint64_t bytes_total_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace axq

#endif  // AXQ_MODEL_QUANTIZE_TENSOR_H_
