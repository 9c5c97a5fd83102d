// The weighted searches of ggml's importance-matrix quantizers. Every sum
// runs in f32 in index order and every product left to right, as ggml
// writes them (the file is built with -ffp-contract=off): the codes it
// picks depend on those roundings.
#include "src/quant/weighted_search.h"

#include <algorithm>
#include <cmath>

#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

constexpr float kGroupMaxEps = 1e-15f;  // ggml's GROUP_MAX_EPS

int Clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

}  // namespace

void ImportanceWeights(const float* x, const float* importance, float sigma2, int n, float* w) {
  for (int i = 0; i < n; ++i) w[i] = importance[i] * std::sqrt(sigma2 + x[i] * x[i]);
}

float SearchSymmetricWeighted(int n, int nmax, const float* x, const float* w, int8_t* L) {
  float max = 0.0f;
  float amax = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float ax = std::fabs(x[i]);
    if (ax > amax) {
      amax = ax;
      max = x[i];
    }
  }
  if (amax < kGroupMaxEps) {
    for (int i = 0; i < n; ++i) L[i] = 0;
    return 0.0f;
  }
  const float fmax_code = static_cast<float>(nmax);
  // The plain rounding at -nmax / max first.
  float iscale = -fmax_code / max;
  float sum_xl = 0.0f;
  float sum_l2 = 0.0f;
  for (int i = 0; i < n; ++i) {
    const int l = Clamp(NearestInt(iscale * x[i]), -nmax, nmax - 1);
    L[i] = static_cast<int8_t>(l + nmax);
    const float lf = static_cast<float>(l);
    sum_xl += (w[i] * x[i]) * lf;
    sum_l2 += (w[i] * lf) * lf;
  }
  float scale = sum_l2 != 0.0f ? sum_xl / sum_l2 : 0.0f;
  float best = scale * sum_xl;
  // Then the inverse scale nudged by tenths; a candidate wins only when it
  // strictly raises sum_xl^2 / sum_l2 (compared cross-multiplied).
  for (int step = -9; step <= 9; ++step) {
    if (step == 0) continue;
    iscale = -(fmax_code + 0.1f * static_cast<float>(step)) / max;
    sum_xl = 0.0f;
    sum_l2 = 0.0f;
    for (int i = 0; i < n; ++i) {
      const float lf = static_cast<float>(Clamp(NearestInt(iscale * x[i]), -nmax, nmax - 1));
      sum_xl += (w[i] * x[i]) * lf;
      sum_l2 += (w[i] * lf) * lf;
    }
    if (sum_l2 > 0.0f && sum_xl * sum_xl > best * sum_l2) {
      for (int i = 0; i < n; ++i) {
        L[i] = static_cast<int8_t>(Clamp(NearestInt(iscale * x[i]), -nmax, nmax - 1) + nmax);
      }
      scale = sum_xl / sum_l2;
      best = scale * sum_xl;
    }
  }
  return scale;
}

float SearchScaleCodes(int n, int nmax, const float* x, const float* w, uint8_t* L) {
  float max = 0.0f;
  for (int i = 0; i < n; ++i) max = max > x[i] ? max : x[i];
  if (max < kGroupMaxEps) {
    for (int i = 0; i < n; ++i) L[i] = 0;
    return 0.0f;
  }
  const float fmax_code = static_cast<float>(nmax);
  // Step 1: the plain rounding (unclamped) and its weighted error.
  float iscale = fmax_code / max;
  for (int i = 0; i < n; ++i) L[i] = static_cast<uint8_t>(NearestInt(iscale * x[i]));
  const float scale = 1.0f / iscale;
  float best_error = 0.0f;
  for (int i = 0; i < n; ++i) {
    const float diff = x[i] - scale * static_cast<float>(L[i]);
    best_error += (w[i] * diff) * diff;
  }
  // Step 2: eight nudged inverse scales; the least error (strictly) wins.
  for (int step = -4; step <= 4; ++step) {
    if (step == 0) continue;
    const float iscale_step = (0.1f * static_cast<float>(step) + fmax_code) / max;
    const float scale_step = 1.0f / iscale_step;
    float error = 0.0f;
    for (int i = 0; i < n; ++i) {
      const int l = std::min(nmax, NearestInt(iscale_step * x[i]));
      const float diff = x[i] - scale_step * static_cast<float>(l);
      error += (w[i] * diff) * diff;
    }
    if (error < best_error) {
      best_error = error;
      iscale = iscale_step;
    }
  }
  // Step 3: codes at the chosen inverse scale. The sums take the int code,
  // L keeps its uint8 image, as ggml's do.
  float sum_xl = 0.0f;
  float sum_l2 = 0.0f;
  for (int i = 0; i < n; ++i) {
    const int l = std::min(nmax, NearestInt(iscale * x[i]));
    L[i] = static_cast<uint8_t>(l);
    const float lf = static_cast<float>(l);
    sum_xl += (w[i] * x[i]) * lf;
    sum_l2 += (w[i] * lf) * lf;
  }
  // Step 4: coordinate descent on sum_xl^2 / sum_l2, at most 5 passes.
  for (int pass = 0; pass < 5; ++pass) {
    int changed = 0;
    for (int i = 0; i < n; ++i) {
      const float old = static_cast<float>(L[i]);
      float sxl = sum_xl - (w[i] * x[i]) * old;
      float sl2 = sum_l2 - (w[i] * old) * old;
      if (!(sxl > 0.0f && sl2 > 0.0f)) continue;
      const int l = std::min(nmax, NearestInt((x[i] * sl2) / sxl));
      if (l == static_cast<int>(L[i])) continue;
      const float lf = static_cast<float>(l);
      sxl += (w[i] * x[i]) * lf;
      sl2 += (w[i] * lf) * lf;
      if ((sxl * sxl) * sum_l2 > (sum_xl * sum_xl) * sl2) {
        L[i] = static_cast<uint8_t>(l);
        sum_xl = sxl;
        sum_l2 = sl2;
        ++changed;
      }
    }
    if (changed == 0) break;
  }
  return sum_l2 > 0.0f ? sum_xl / sum_l2 : 0.0f;
}

}  // namespace axq
