// The two scale searches of the symmetric K-quants (FORMATS.md §3.2), one
// 16-element sub-block at a time, without importance matrix:
//   Search B (Q6_K) is ggml's make_qx_quants with rmse type 1, nmax 32;
//   Search C (Q3_K) is ggml's make_q3_quants with rmse, nmax 4.
#ifndef AXQ_QUANT_KQUANT_SEARCH_BC_H_
#define AXQ_QUANT_KQUANT_SEARCH_BC_H_

#include <cmath>
#include <cstdint>

namespace axq {

constexpr int kKQuantSubBlock = 16;  // elements per scale of Q3_K and Q6_K

// argmaxabs of §3.2: the signed value of the first of the n values with the
// largest magnitude (strict scan from 0; 0 if all are 0); *amax receives
// that magnitude.
inline float ArgMaxAbs(const float* x, int n, float* amax) {
  float max = 0.0f;
  float best = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float ax = std::fabs(x[i]);
    if (ax > best) {
      best = ax;
      max = x[i];
    }
  }
  *amax = best;
  return max;
}

// Returns the sub-block scale (it may be negative) and writes the 16 codes
// biased by +32 (0..63); all zeros, scale 0, when max |x| < 1e-15.
float SearchB(const float* x, int8_t* codes);

// Returns the sub-block scale and writes the 16 codes biased by +4 (0..7);
// when max |x| < 1e-15 the codes are unbiased zeros and the scale is 0.
float SearchC(const float* x, int8_t* codes);

}  // namespace axq

#endif  // AXQ_QUANT_KQUANT_SEARCH_BC_H_
