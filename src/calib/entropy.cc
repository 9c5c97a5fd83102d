#include "src/calib/entropy.h"

#include <cmath>
#include <limits>
#include <vector>

namespace axq {
namespace {

constexpr double kSmoothingEpsilon = 1e-4;

// Gives each zero cell eps counts, taken evenly from the non-zero cells, so
// that the log ratio is finite everywhere; eps shrinks if a non-zero cell
// would lose more than half its count. False if every cell is zero.
bool Smooth(std::vector<double>* v, uint32_t n) {
  uint32_t zeros = 0;
  double smallest = std::numeric_limits<double>::infinity();
  for (uint32_t j = 0; j < n; ++j) {
    if ((*v)[j] == 0.0) {
      ++zeros;
    } else if ((*v)[j] < smallest) {
      smallest = (*v)[j];
    }
  }
  const uint32_t nonzeros = n - zeros;
  if (nonzeros == 0) return false;
  if (zeros == 0) return true;
  double eps = kSmoothingEpsilon;
  double take = eps * zeros / nonzeros;
  if (take > 0.5 * smallest) {
    take = 0.5 * smallest;
    eps = take * nonzeros / zeros;
  }
  for (uint32_t j = 0; j < n; ++j) (*v)[j] = (*v)[j] == 0.0 ? eps : (*v)[j] - take;
  return true;
}

// Reused buffers for one threshold search.
struct Workspace {
  explicit Workspace(const uint64_t* counts, uint32_t n) : p(n), q(n), prefix(n + 1, 0.0) {
    for (uint32_t j = 0; j < n; ++j) prefix[j + 1] = prefix[j] + static_cast<double>(counts[j]);
  }
  std::vector<double> p, q;
  std::vector<double> prefix;  // prefix[j] = counts[0] + ... + counts[j-1], exact below 2^53
};

double Divergence(const uint64_t* counts, uint32_t n, uint32_t levels, uint32_t i, Workspace* ws) {
  std::vector<double>& p = ws->p;
  std::vector<double>& q = ws->q;
  for (uint32_t j = 0; j < i; ++j) p[j] = static_cast<double>(counts[j]);
  p[i - 1] += ws->prefix[n] - ws->prefix[i];  // the clipped tail
  for (uint32_t g = 0; g < levels; ++g) {
    const uint32_t begin = static_cast<uint32_t>(static_cast<uint64_t>(g) * i / levels);
    const uint32_t end = static_cast<uint32_t>(static_cast<uint64_t>(g + 1) * i / levels);
    const double mass = ws->prefix[end] - ws->prefix[begin];
    uint32_t nonzero = 0;
    for (uint32_t j = begin; j < end; ++j) nonzero += p[j] != 0.0 ? 1 : 0;
    const double share = nonzero != 0 ? mass / nonzero : 0.0;
    for (uint32_t j = begin; j < end; ++j) q[j] = p[j] != 0.0 ? share : 0.0;
  }
  if (!Smooth(&p, i) || !Smooth(&q, i)) return std::numeric_limits<double>::infinity();
  double p_sum = 0.0, q_sum = 0.0;
  for (uint32_t j = 0; j < i; ++j) {
    p_sum += p[j];
    q_sum += q[j];
  }
  double kl = 0.0;
  for (uint32_t j = 0; j < i; ++j) {
    const double pj = p[j] / p_sum;
    kl += pj * std::log(pj / (q[j] / q_sum));
  }
  return kl;
}

}  // namespace

double EntropyDivergence(const uint64_t* counts, uint32_t n, uint32_t levels, uint32_t i) {
  Workspace ws(counts, n);
  return Divergence(counts, n, levels, i, &ws);
}

uint32_t EntropyThresholdCells(const uint64_t* counts, uint32_t n, uint32_t levels) {
  if (n <= levels) return n;
  Workspace ws(counts, n);
  double best = std::numeric_limits<double>::infinity();
  uint32_t best_i = n;
  for (uint32_t i = levels; i <= n; ++i) {
    const double kl = Divergence(counts, n, levels, i, &ws);
    if (kl < best) {
      best = kl;
      best_i = i;
    }
  }
  return best_i;
}

}  // namespace axq
