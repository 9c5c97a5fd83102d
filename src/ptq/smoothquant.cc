// s_j = max(a_j, 1e-5)^alpha / b_j^(1 - alpha) in float64, with a_j the
// activations' max|x_j| and b_j the weights' max|W_j|.
#include "src/ptq/smoothquant.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace axq {
namespace {

constexpr double kMinActivation = 1e-5;  // as the paper's implementation
constexpr double kMinFactor = 1e-5;
constexpr double kMaxFactor = 1e5;

}  // namespace

void SmoothQuantScales(const axq_tensor* const* weights, size_t n_weights, const axq_act_stats& st, double alpha,
                       float* s) {
  const int64_t k = st.k;
  std::vector<double> wmax(static_cast<size_t>(k), 0.0);
  for (size_t i = 0; i < n_weights; ++i) {
    const float* w = reinterpret_cast<const float*>(weights[i]->data.get());
    const int64_t m = weights[i]->nelements / k;
    for (int64_t r = 0; r < m; ++r) {
      for (int64_t j = 0; j < k; ++j) wmax[j] = std::max(wmax[j], std::fabs(static_cast<double>(w[r * k + j])));
    }
  }
  for (int64_t j = 0; j < k; ++j) {
    if (wmax[j] == 0.0) {  // no weight reads this channel
      s[j] = 1.0f;
      continue;
    }
    const double a = std::max(st.absmax[j], kMinActivation);
    const double f = std::pow(a, alpha) / std::pow(wmax[j], 1.0 - alpha);
    s[j] = static_cast<float>(std::min(std::max(f, kMinFactor), kMaxFactor));
  }
}

}  // namespace axq
