// The float formats' kernel table: the Highway kernels (filled by
// src/simd/dispatch_floatquant.cc) or the scalar references, chosen by
// KernelSet like the block formats' table (src/simd/kernels.h).
#ifndef AXQ_FLOATQUANT_FLOATQUANT_KERNELS_H_
#define AXQ_FLOATQUANT_FLOATQUANT_KERNELS_H_

#include <cstddef>
#include <cstdint>

#include "src/simd/kernels.h"

namespace axq {

struct FloatQuantKernels {
  // out[i] = code of x[i] / scale; format is an Fp8Format value.
  void (*fp8_encode)(const float* x, size_t n, int32_t format, float scale, uint8_t* out) = nullptr;
  // out[i] = value of codes[i] * scale.
  void (*fp8_decode)(const uint8_t* codes, size_t n, int32_t format, float scale, float* out) = nullptr;
  // quantize_4bit_ref's contract; kind is a FourBitKind value.
  bool (*quantize_4bit)(const float* x, size_t n, size_t block, int32_t kind, uint8_t* packed,
                        float* absmax) = nullptr;
  // dequantize_4bit_ref's contract.
  void (*dequantize_4bit)(const uint8_t* packed, size_t n, size_t block, int32_t kind, const float* absmax,
                          float* y) = nullptr;
};

const FloatQuantKernels& FloatQuantKernelsFor(KernelSet set = KernelSet::kDispatched);

// Defined by src/simd/dispatch_floatquant.cc.
FloatQuantKernels DispatchedFloatQuantKernels();

}  // namespace axq

#endif  // AXQ_FLOATQUANT_FLOATQUANT_KERNELS_H_
