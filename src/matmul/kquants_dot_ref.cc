// Reference matmul kernels of the K-quants Q2_K..Q6_K against Q8_K
// activations: the arithmetic every libaxq K-quant matmul reproduces bit for
// bit (axq.h, "Matrix multiplication"). Per 256-element super-block:
//  - sumi = sum over sub-blocks s of scale_s * sum_{i in s} code_i * q_i,
//    exact in int32, with the signed codes of FORMATS.md §3.1 (Q3_K -4..3,
//    Q6_K -32..31, Q2_K/Q4_K/Q5_K unsigned 0..3, 0..15, 0..31) and the
//    scale codes (Q3_K's minus its bias 32, Q6_K's signed);
//  - for Q2_K, Q4_K and Q5_K, summ = sum_s min_s * bsum_s, where bsum_s is
//    the sum of s's activation codes taken from Q8_K's per-16 sums (two of
//    them for the 32-element sub-blocks of Q4_K/Q5_K);
//  - term = (d_w * d_x) * (float)sumi - (dmin_w * d_x) * (float)summ (no
//    min part for Q3_K and Q6_K), each product and the difference rounded to
//    f32 on its own, and acc = acc + term in block order from +0.
// int32 suffices: Q8_K codes lie in [-127, 127], so |sumi| is at most
// 256 * 32 * 127 * 128 (Q6_K, any stored bytes) < 2^28 and |summ| at most
// 63 * 256 * 127 < 2^21 (Q4_K/Q5_K).
#include <cstdint>

#include "src/matmul/kquant_blocks.h"
#include "src/matmul/matmul_kernels.h"

namespace axq {
namespace {

template <class L>
void KQuantKernel(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  KQuantDecoded block;
  const int64_t blocks = p.k / kSuperBlock;
  for (int64_t row = row_begin; row < row_end; ++row) {
    for (int64_t n = 0; n < p.x.rows; ++n) {
      float acc = 0.0f;
      for (int64_t b = 0; b < blocks; ++b) {
        DecodeKBlock(L(), p.w + row * p.w_row_bytes + b * L::kBytes, &block);
        const int64_t xb = n * p.x.blocks + b;
        int32_t sumi = 0, summ = 0;
        KBlockSums<L>(block, p.x.q + n * p.x.q_stride + b * kSuperBlock, p.x.sum16 + xb * kQ8KSums, &sumi,
                      &summ);
        float term = (block.d * p.x.d[xb]) * static_cast<float>(sumi);
        if (L::kHasMin) term = term - (block.dmin * p.x.d[xb]) * static_cast<float>(summ);
        acc = acc + term;
      }
      p.y[n * p.m + row] = acc;
    }
  }
}

}  // namespace

void FillReferenceKQuantMatmulKernels(MatmulKernelTable* t) {
  t->q2_k = KQuantKernel<Q2KLayout>;
  t->q3_k = KQuantKernel<Q3KLayout>;
  t->q4_k = KQuantKernel<Q4KLayout>;
  t->q5_k = KQuantKernel<Q5KLayout>;
  t->q6_k = KQuantKernel<Q6KLayout>;
}

}  // namespace axq
