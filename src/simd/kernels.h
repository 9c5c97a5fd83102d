// The kernel table: one entry of function pointers per implemented type,
// filled by the per-family dispatch files (src/simd/dispatch_*.cc). The rest
// of the library only calls through here.
#ifndef AXQ_SIMD_KERNELS_H_
#define AXQ_SIMD_KERNELS_H_

#include <cstdint>

#include "axq/axq.h"

namespace axq {

// Quantizes k elements (a multiple of the block size). I2_S kernels take a
// whole tensor (codes, then its scale and tail); I8_S kernels one row
// (codes, then its scale and sum). Returns false if the
// input held NaN/Inf that the format cannot represent; dst is then
// unspecified. Formats that keep NaN/Inf always return true.
using QuantizeRowFn = bool (*)(const float* src, void* dst, int64_t k);
// Expands k elements; bit-identical on every target.
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t k);

// Quantizes one row of k elements weighting each element's squared error by
// importance[k] (an importance matrix's column for this row position), as
// ggml's quantize_* with quant_weights. Same NaN/Inf contract as above.
using WeightedQuantizeRowFn = bool (*)(const float* src, void* dst, int64_t k,
                                       const float* importance);

struct FormatKernels {
  QuantizeRowFn quantize = nullptr;
  DequantizeRowFn dequantize = nullptr;
  // nullptr: the format ignores an importance matrix.
  WeightedQuantizeRowFn quantize_weighted = nullptr;
};

enum class KernelSet {
  kDispatched,  // Highway, best allowed target
  kReference,   // scalar references (src/quant/*_ref.cc)
};

// nullptr when `type` has no kernels (not implemented yet, or unknown).
const FormatKernels* KernelsFor(axq_type type, KernelSet set = KernelSet::kDispatched);

// Per-family fillers, one per src/simd/dispatch_*.cc.
struct KernelTable;
void FillHalfKernels(KernelTable* table);
void FillQ8Kernels(KernelTable* table);
void FillQ4Kernels(KernelTable* table);
void FillQ5Kernels(KernelTable* table);
void FillKQuantKernels(KernelTable* table);
void FillKQuantSymmetricKernels(KernelTable* table);  // Q3_K, Q6_K; called by FillKQuantKernels
// The quantize_weighted entries (src/simd/weighted_kernels.cc); applied to
// both tables after every other filler.
void FillWeightedQuantizers(KernelTable* table);

struct KernelTable {
  FormatKernels f32, f16, bf16, q8_0, q8_1, q4_0, q4_1, q5_0, q5_1;
  FormatKernels q2_k, q3_k, q4_k, q5_k, q6_k;
  FormatKernels q8_k, tq1_0, tq2_0, i2_s, i8_s;
};

}  // namespace axq

#endif  // AXQ_SIMD_KERNELS_H_
