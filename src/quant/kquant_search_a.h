// Search A (FORMATS.md §3.2, ggml's make_qkx2_quants): the scale/min search
// of Q2_K, Q4_K and Q5_K, and the super-block step Q4_K and Q5_K share.
#ifndef AXQ_QUANT_KQUANT_SEARCH_A_H_
#define AXQ_QUANT_KQUANT_SEARCH_A_H_

#include <cstdint>

namespace axq {

// The per-format constants of Search A: codes 0..nmax, the sweep
// is_t = (rmin + rdelta*t + nmax) / (hi - lo) for t = 0..nstep, and the
// error measure (absolute when mad, squared otherwise).
struct SearchAParams {
  int nmax;
  float rmin;
  float rdelta;
  int nstep;
  bool mad;
};

// Fits x[0..n) (n <= 32) with weights w as scale*L - minv. Writes the codes
// L[0..n) and *minv (>= 0 for finite input) and returns the scale.
float SearchA(int n, const float* x, const float* w, const SearchAParams& p, uint8_t* L, float* minv);

// Q4_K / Q5_K steps 1-3 on one 256-element super-block (8 sub-blocks of
// 32): writes d and dmin (f16, at d_dmin[0..3]), the 12 packed scale bytes
// and the 256 final codes L (0..p.nmax).
void QuantizeScaleMin6SuperBlock(const float* x, const SearchAParams& p, uint8_t* d_dmin, uint8_t* scales,
                                 uint8_t* L);

}  // namespace axq

#endif  // AXQ_QUANT_KQUANT_SEARCH_A_H_
