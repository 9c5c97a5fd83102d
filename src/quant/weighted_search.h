// The searches ggml's importance-weighted quantizers share (ggml-quants.c,
// the quantize_row_*_impl paths): each element's squared error is weighted
// by w[i], which comes from an importance matrix. The asymmetric search
// (ggml's make_qkx3_quants) is Search A (kquant_search_a.h) with
// kWeightedSearchA's constants.
#ifndef AXQ_QUANT_WEIGHTED_SEARCH_H_
#define AXQ_QUANT_WEIGHTED_SEARCH_H_

#include <cstdint>

#include "src/quant/kquant_search_a.h"

namespace axq {

// Search A as make_qkx3_quants runs it for Q2_K, Q4_K, Q5_K, Q4_1 and Q5_1
// under an importance matrix: squared error, 37 candidates from
// (nmax - 0.9) to (nmax + 0.9).
inline SearchAParams WeightedSearchA(int nmax) { return {nmax, -0.9f, 0.05f, 36, false}; }

// The weights of one group when an importance matrix is given:
// w[i] = importance[i] * sqrt(sigma2 + x[i]^2), sigma2 the caller's mean
// square of the surrounding data (each format picks its own).
void ImportanceWeights(const float* x, const float* importance, float sigma2, int n, float* w);

// ggml's make_qx_quants with weights (its rmse type 1): a symmetric fit of
// x[0..n) as scale * l, l in [-nmax, nmax - 1], maximising
// (sum w x l)^2 / (sum w l^2) over 19 candidate inverse scales. Writes the
// codes biased by +nmax into L and returns the scale (possibly negative);
// all codes 0 (unbiased) and scale 0 when max |x| < 1e-15. n <= 32.
float SearchSymmetricWeighted(int n, int nmax, const float* x, const float* w, int8_t* L);

// ggml's make_qp_quants: fits non-negative x[0..n) (the sub-block scales or
// mins of a super-block) as scale * L with L in [0, nmax], weighted by w.
// Codes are stored as ggml's uint8 array stores them (a negative rounding
// wraps). Returns the scale; 0 with all codes 0 when max x < 1e-15. n <= 32.
float SearchScaleCodes(int n, int nmax, const float* x, const float* w, uint8_t* L);

}  // namespace axq

#endif  // AXQ_QUANT_WEIGHTED_SEARCH_H_
