// Search B and Search C of FORMATS.md §3.2. Sums run in fp32 in index order
// and every product is evaluated left to right as the spec writes it; the
// file is compiled with -ffp-contract=off so that no FMA changes a bit.
#include "src/quant/kquant_search_bc.h"

#include <cmath>

#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

constexpr float kGroupMaxEps = 1e-15f;  // EPS of §3.2


int Clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

}  // namespace

float SearchB(const float* x, int8_t* codes) {
  constexpr int kNmax = 32;
  float amax;
  const float mx = ArgMaxAbs(x, kKQuantSubBlock, &amax);
  if (amax < kGroupMaxEps) {
    for (int i = 0; i < kKQuantSubBlock; ++i) codes[i] = 0;
    return 0.0f;
  }
  // Step 2: the plain rounding at is = -nmax/mx, weights w = x^2.
  float is = -static_cast<float>(kNmax) / mx;
  float sxl = 0.0f;
  float sll = 0.0f;
  for (int i = 0; i < kKQuantSubBlock; ++i) {
    const int l = Clamp(NearestInt(is * x[i]), -kNmax, kNmax - 1);
    codes[i] = static_cast<int8_t>(l + kNmax);
    const float w = x[i] * x[i];
    const float lf = static_cast<float>(l);
    sxl += (w * x[i]) * lf;
    sll += (w * lf) * lf;
  }
  float scale = sll != 0.0f ? sxl / sll : 0.0f;
  float best = scale * sxl;
  // Step 3: nudge the inverse scale by 0.1 steps; keep a candidate only when
  // it strictly raises Sxl^2/Sll.
  for (int t = -9; t <= 9; ++t) {
    if (t == 0) continue;
    is = -(static_cast<float>(kNmax) + 0.1f * static_cast<float>(t)) / mx;
    sxl = 0.0f;
    sll = 0.0f;
    for (int i = 0; i < kKQuantSubBlock; ++i) {
      const int l = Clamp(NearestInt(is * x[i]), -kNmax, kNmax - 1);
      const float w = x[i] * x[i];
      const float lf = static_cast<float>(l);
      sxl += (w * x[i]) * lf;
      sll += (w * lf) * lf;
    }
    if (sll > 0.0f && sxl * sxl > best * sll) {
      for (int i = 0; i < kKQuantSubBlock; ++i) {
        codes[i] = static_cast<int8_t>(Clamp(NearestInt(is * x[i]), -kNmax, kNmax - 1) + kNmax);
      }
      scale = sxl / sll;
      best = scale * sxl;
    }
  }
  return scale;
}

float SearchC(const float* x, int8_t* codes) {
  constexpr int kNmax = 4;
  constexpr int kMaxPasses = 5;
  float amax;
  const float mx = ArgMaxAbs(x, kKQuantSubBlock, &amax);
  if (amax < kGroupMaxEps) {
    for (int i = 0; i < kKQuantSubBlock; ++i) codes[i] = 0;
    return 0.0f;
  }
  // Step 2: the plain rounding at is = -nmax/mx, weights w = x^2.
  const float is = -static_cast<float>(kNmax) / mx;
  float sxl = 0.0f;
  float sll = 0.0f;
  int l[kKQuantSubBlock];
  for (int i = 0; i < kKQuantSubBlock; ++i) {
    l[i] = Clamp(NearestInt(is * x[i]), -kNmax, kNmax - 1);
    const float w = x[i] * x[i];
    const float lf = static_cast<float>(l[i]);
    sxl += (w * x[i]) * lf;
    sll += (w * lf) * lf;
  }
  // Step 3: coordinate descent, one code at a time, on Sxl^2/Sll; a change
  // is taken only when it strictly improves (compared cross-multiplied).
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    int changed = 0;
    for (int i = 0; i < kKQuantSubBlock; ++i) {
      const float w = x[i] * x[i];
      const float old = static_cast<float>(l[i]);
      float a = sxl - (w * x[i]) * old;
      if (!(a > 0.0f)) continue;
      float b = sll - (w * old) * old;
      const int n = Clamp(NearestInt((x[i] * b) / a), -kNmax, kNmax - 1);
      if (n == l[i]) continue;
      const float nf = static_cast<float>(n);
      a += (w * x[i]) * nf;
      b += (w * nf) * nf;
      if (b > 0.0f && (a * a) * sll > (sxl * sxl) * b) {
        l[i] = n;
        sxl = a;
        sll = b;
        ++changed;
      }
    }
    if (changed == 0) break;
  }
  // Step 4.
  for (int i = 0; i < kKQuantSubBlock; ++i) codes[i] = static_cast<int8_t>(l[i] + kNmax);
  return sll > 0.0f ? sxl / sll : 0.0f;
}

}  // namespace axq
