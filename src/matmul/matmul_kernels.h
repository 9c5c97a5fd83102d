// The matmul kernel table: for each weight type, a function computing a
// range of weight rows against every activation row. Reference kernels
// (dot_ref.cc) define the exact arithmetic; the Highway kernels
// (src/simd/dispatch_matmul_*.cc) reproduce it bit for bit.
#ifndef AXQ_MATMUL_MATMUL_KERNELS_H_
#define AXQ_MATMUL_MATMUL_KERNELS_H_

#include <cstdint>

#include "axq/axq.h"
#include "src/matmul/activations.h"
#include "src/simd/kernels.h"

namespace axq {

struct MatmulProblem {
  const uint8_t* w = nullptr;  // weight rows, w_row_bytes apart
  int64_t w_row_bytes = 0;
  int64_t m = 0;               // weight rows
  int64_t k = 0;               // row length
  float w_scale = 0.0f;        // I2_S: the tensor scale
  ActivationView x;            // x.rows activation rows
  float* y = nullptr;          // y[n * m + row]
};

// Computes y[n][row] for row in [row_begin, row_end) and every n.
using MatmulKernelFn = void (*)(const MatmulProblem& p, int64_t row_begin, int64_t row_end);

struct MatmulKernelTable {
  MatmulKernelFn f32 = nullptr, f16 = nullptr, bf16 = nullptr;
  MatmulKernelFn q4_0 = nullptr, q4_1 = nullptr, q5_0 = nullptr, q5_1 = nullptr, q8_0 = nullptr;
  MatmulKernelFn tq1_0 = nullptr, tq2_0 = nullptr, i2_s = nullptr;
  MatmulKernelFn q2_k = nullptr, q3_k = nullptr, q4_k = nullptr, q5_k = nullptr, q6_k = nullptr;
  // Row-interleaved weights (repack.h); the reference set has none.
  MatmulKernelFn q4_0_repacked = nullptr, q4_1_repacked = nullptr, q8_0_repacked = nullptr;
};

// The partner type X is rounded to for weights of `weight` (axq.h), or
// AXQ_TYPE_INVALID if `weight` has no matmul kernel.
axq_type ActivationPartner(axq_type weight);

// nullptr if `weight` has no matmul kernel (for `repacked` weights: none
// for that layout in `set`).
MatmulKernelFn MatmulKernelFor(axq_type weight, KernelSet set = KernelSet::kDispatched,
                               bool repacked = false);

// Reference kernels (dot_ref.cc; the K-quants' in kquants_dot_ref.cc).
void FillReferenceMatmulKernels(MatmulKernelTable* table);
void FillReferenceKQuantMatmulKernels(MatmulKernelTable* table);
// Highway kernels, one filler per dispatch file.
void FillFloatMatmulKernels(MatmulKernelTable* table);
void FillLegacyMatmulKernels(MatmulKernelTable* table);
void FillTernaryMatmulKernels(MatmulKernelTable* table);
void FillKQuantMatmulKernels(MatmulKernelTable* table);

// The exact integer sum bitnet.cpp's epilogue starts from, for tests:
// sum_k code_w[row][k] * q[n][k].
int64_t I2sRawDotRef(const MatmulProblem& p, int64_t row, int64_t n);

}  // namespace axq

#endif  // AXQ_MATMUL_MATMUL_KERNELS_H_
