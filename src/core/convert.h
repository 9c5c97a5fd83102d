// Whole-buffer quantize/dequantize over the kernel table, threaded.
#ifndef AXQ_CORE_CONVERT_H_
#define AXQ_CORE_CONVERT_H_

#include <cstdint>

#include "src/core/status.h"
#include "src/core/type_traits.h"
#include "src/simd/kernels.h"

namespace axq {

// Looks up the kernels of `traits`, failing with AXQ_ERR_UNSUPPORTED.
Status LookupKernels(const FormatKernels** out, const TypeTraits& traits, const char* arg);

// The data of `rows` rows of `row_len` elements (row_len a validated
// multiple of the block size), laid out as a tensor of that shape: rows
// back to back with their row tails, then the tensor tail.
struct ElementShape {
  int64_t row_len;
  int64_t rows;
  int64_t count() const { return row_len * rows; }
};

// How I2_S, TQ1_0 and TQ2_0 choose their trits (axq_quantize_options_t).
enum class TernaryRule : uint32_t { kReference = 0, kAbsmean = 1 };

// Fails with AXQ_ERR_NON_FINITE, naming the first offending index, when
// the format cannot hold the input; dst is then unspecified. The result is
// the same for any thread count.
Status QuantizeElements(const FormatKernels& kernels, const TypeTraits& traits, const float* src,
                        void* dst, ElementShape shape, unsigned threads,
                        TernaryRule rule = TernaryRule::kReference);
void DequantizeElements(const FormatKernels& kernels, const TypeTraits& traits, const void* src,
                        float* dst, ElementShape shape, unsigned threads);

}  // namespace axq

#endif  // AXQ_CORE_CONVERT_H_
