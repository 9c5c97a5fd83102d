#include "src/core/weighted_convert.h"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "src/core/parallel.h"

namespace axq {
namespace {

// A row's weighted search costs about 40 passes over it; this many
// elements keep a thread busy well past its start-up cost.
constexpr int64_t kMinElementsPerThread = 16 * 1024;

}  // namespace

Status QuantizeWeightedRows(const FormatKernels& kernels, const TypeTraits& traits, const float* src,
                            void* dst, ElementShape shape, unsigned threads, ImportanceRows importance) {
  uint8_t* out = static_cast<uint8_t*>(dst);
  const int64_t row_bytes = shape.row_len / traits.block_elems * traits.block_bytes;
  std::atomic<bool> all_finite{true};
  ParallelFor(shape.rows, threads, std::max<int64_t>(1, kMinElementsPerThread / shape.row_len),
              [&](int64_t begin, int64_t end) {
                for (int64_t r = begin; r < end; ++r) {
                  const float* columns = importance.values + (r / importance.rows_per_slice) * shape.row_len;
                  if (!kernels.quantize_weighted(src + r * shape.row_len, out + r * row_bytes, shape.row_len,
                                                 columns)) {
                    all_finite.store(false, std::memory_order_relaxed);
                  }
                }
              });
  if (all_finite.load()) return OkStatus();
  const int64_t n = shape.count();
  int64_t bad = 0;
  while (bad < n && std::isfinite(src[bad])) ++bad;
  return Fail(AXQ_ERR_NON_FINITE, "src[%lld] = %g: %s cannot represent NaN or Inf", static_cast<long long>(bad),
              bad < n ? static_cast<double>(src[bad]) : 0.0, traits.name);
}

}  // namespace axq
