// The integer-quantization kernel table: scalar references
// (intquant_ref.cc) define every byte and float; the Highway kernels
// (intquant-inl.h, dispatched in src/simd/dispatch_intquant.cc) reproduce
// them exactly on every target.
//
// Spans. The span functions below take n consecutive elements of one row
// whose first element has an even index in that row, so that with packed
// codes (b <= 4) the span starts on a byte boundary; only a row's last span
// may have odd n (its last byte then gets a zero high nibble). Parameters
// come in runs: element i of the span uses scales[i / g] and
// zero_points[i / g] (g >= 1; g >= n means one set for the whole span).
#ifndef AXQ_INTQUANT_INTQUANT_KERNELS_H_
#define AXQ_INTQUANT_INTQUANT_KERNELS_H_

#include <cstdint>

#include "src/intquant/int_codec.h"
#include "src/simd/kernels.h"

namespace axq {

// The range of x[0..n), n >= 1. min/max are only filled when with_min_max
// (the affine scheme); they are meaningless if the values are not finite.
using IntRangeFn = IntRange (*)(const float* x, int64_t n, bool with_min_max);

// Fused per-group quantization of n_groups groups of g elements: each
// group's range, scale and zero point (written to scales[k] and
// zero_points[k]), then its codes into `codes` (a span as above). Returns
// the index of the first group holding NaN/Inf, or -1; after a non-finite
// group the outputs are unspecified.
using IntQuantizeGroupsFn = int64_t (*)(const float* x, int64_t n_groups, int64_t g, const IntCodec& codec,
                                        uint8_t* codes, float* scales, float* zero_points);

// Codes of a span of finite values with the given parameters.
using IntEncodeFn = void (*)(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                             const IntCodec& codec, uint8_t* codes);

// The dequantized values of a span of codes.
using IntDecodeFn = void (*)(const uint8_t* codes, int64_t n, int64_t g, const float* scales,
                             const float* zero_points, const IntCodec& codec, float* y);

// y = dequant(quant(x)) over n values (y may equal x) and, if mask is not
// null, the STE mask (clamped: inside the representable range; plain: 1).
// Returns the index of the first NaN/Inf, or -1. On NaN/Inf at index i,
// y and mask are written at most below i (so x[i] is intact in place).
using FakeQuantizeFn = int64_t (*)(const float* x, int64_t n, int64_t g, const float* scales,
                                const float* zero_points, const IntCodec& codec, bool clamped_ste, float* y,
                                uint8_t* mask);

struct IntQuantKernels {
  IntRangeFn range = nullptr;
  IntQuantizeGroupsFn quantize_groups = nullptr;
  IntEncodeFn encode = nullptr;
  IntDecodeFn decode = nullptr;
  FakeQuantizeFn fake_quantize = nullptr;
};

// The dispatched (best allowed target) or the reference set.
const IntQuantKernels& IntQuantKernelsFor(KernelSet set = KernelSet::kDispatched);

// The scalar references (intquant_ref.cc), named after the operation.
IntRange int_range_ref(const float* x, int64_t n, bool with_min_max);
int64_t quantize_groups_int_ref(const float* x, int64_t n_groups, int64_t g, const IntCodec& codec, uint8_t* codes,
                                float* scales, float* zero_points);
void encode_span_int_ref(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                         const IntCodec& codec, uint8_t* codes);
void decode_span_int_ref(const uint8_t* codes, int64_t n, int64_t g, const float* scales, const float* zero_points,
                         const IntCodec& codec, float* y);
int64_t fake_quantize_span_ref(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                            const IntCodec& codec, bool clamped_ste, float* y, uint8_t* mask);

// The Highway set (src/simd/dispatch_intquant.cc).
void FillIntQuantKernels(IntQuantKernels* table);

}  // namespace axq

#endif  // AXQ_INTQUANT_INTQUANT_KERNELS_H_
