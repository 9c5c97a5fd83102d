// Activation statistics: per-channel extremes and sums, sum x x^T through
// the blocked kernel, and the reservoir of kept rows.
#include "src/ptq/act_stats.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "src/core/parallel.h"
#include "src/ptq/ptq_kernels.h"

namespace axq {
namespace {

// Rows per Gram update: bounds the f64 copies (2 * 256 * k doubles).
constexpr int64_t kGramChunkRows = 256;

uint64_t NextRandom(uint64_t* state) {  // splitmix64
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// gram += X^T X for n rows of x: as C += A B with A = X^T (k x n) and
// B = X (n x k), split over C's rows.
void AddGram(axq_act_stats* s, const float* x, int64_t n) {
  const int64_t k = s->k;
  std::vector<double> xt(static_cast<size_t>(k * n));
  std::vector<double> xd(static_cast<size_t>(n * k));
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t j = 0; j < k; ++j) {
      const double v = x[r * k + j];
      xd[r * k + j] = v;
      xt[j * n + r] = v;
    }
  }
  const PtqKernels& kern = PtqKernelsFor();
  ParallelFor(k, s->threads, 16, [&](int64_t begin, int64_t end) {
    kern.gemm_add(s->gram.data() + begin * k, k, xt.data() + begin * n, n, xd.data(), k, end - begin, k, n);
  });
}

}  // namespace

Status InitActStats(axq_act_stats* s) {
  s->absmax.assign(static_cast<size_t>(s->k), 0.0);
  s->abssum.assign(static_cast<size_t>(s->k), 0.0);
  if (s->hessian) s->gram.assign(static_cast<size_t>(s->k * s->k), 0.0);
  s->samples.assign(static_cast<size_t>(s->max_samples * s->k), 0.0f);
  return OkStatus();
}

Status AddActivations(axq_act_stats* s, const float* x, int64_t rows) {
  const int64_t k = s->k;
  for (int64_t i = 0; i < rows * k; ++i) {
    if (!std::isfinite(x[i])) {
      return Fail(AXQ_ERR_NON_FINITE, "x[%lld] (row %lld, channel %lld) is %s", static_cast<long long>(i),
                  static_cast<long long>(i / k), static_cast<long long>(i % k), std::isnan(x[i]) ? "NaN" : "Inf");
    }
  }
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * k;
    for (int64_t j = 0; j < k; ++j) {
      const double a = std::fabs(static_cast<double>(row[j]));
      s->absmax[j] = std::max(s->absmax[j], a);
      s->abssum[j] += a;
    }
    // The reservoir: the first max_samples rows, then row t replaces a
    // kept one with probability max_samples / (t + 1).
    if (s->max_samples > 0) {
      const int64_t t = s->rows + r;
      int64_t slot = -1;
      if (t < s->max_samples) {
        slot = t;
        s->kept = t + 1;
      } else {
        const uint64_t j = NextRandom(&s->rng) % static_cast<uint64_t>(t + 1);
        if (j < static_cast<uint64_t>(s->max_samples)) slot = static_cast<int64_t>(j);
      }
      if (slot >= 0) std::memcpy(s->samples.data() + slot * k, row, static_cast<size_t>(k) * sizeof(float));
    }
  }
  if (s->hessian) {
    for (int64_t r = 0; r < rows; r += kGramChunkRows) AddGram(s, x + r * k, std::min(kGramChunkRows, rows - r));
  }
  s->rows += rows;
  return OkStatus();
}

}  // namespace axq
