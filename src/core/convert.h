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

// n elements (a validated multiple of the block size). Fails with
// AXQ_ERR_NON_FINITE, naming the first offending index, when the format
// cannot hold the input; dst is then unspecified.
Status QuantizeElements(const FormatKernels& kernels, const TypeTraits& traits, const float* src,
                        void* dst, int64_t n, unsigned threads);
void DequantizeElements(const FormatKernels& kernels, const TypeTraits& traits, const void* src,
                        float* dst, int64_t n, unsigned threads);

}  // namespace axq

#endif  // AXQ_CORE_CONVERT_H_
