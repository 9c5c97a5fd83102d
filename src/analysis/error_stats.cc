#include "src/analysis/error_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "src/core/parallel.h"

namespace axq {
namespace {

// Partial sums over one fixed chunk; chunks are combined in index order.
constexpr int64_t kChunk = 1 << 16;

struct Sums {
  double err2 = 0, abs_err = 0, ref2 = 0, app2 = 0, dot = 0, max_abs = 0;
  uint64_t outliers = 0;
  int64_t first_bad = -1;  // first non-finite index in the chunk
};

Sums SumChunk(const float* ref, const float* approx, int64_t begin, int64_t end, double threshold) {
  Sums s;
  for (int64_t i = begin; i < end; ++i) {
    const double r = ref[i], a = approx[i];
    if (!std::isfinite(r) || !std::isfinite(a)) {
      s.first_bad = i;
      return s;
    }
    const double e = a - r, ae = std::fabs(e);
    s.err2 += e * e;
    s.abs_err += ae;
    s.ref2 += r * r;
    s.app2 += a * a;
    s.dot += r * a;
    s.max_abs = std::max(s.max_abs, ae);
    s.outliers += ae > threshold ? 1 : 0;
  }
  return s;
}

}  // namespace

Status ComputeErrorStats(const float* ref, const float* approx, uint64_t n, double outlier_threshold,
                         unsigned threads, axq_error_stats_t* out) {
  const int64_t count = static_cast<int64_t>(n);
  const int64_t chunks = (count + kChunk - 1) / kChunk;
  std::vector<Sums> partial(static_cast<size_t>(chunks));
  ParallelFor(chunks, threads, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      partial[static_cast<size_t>(c)] =
          SumChunk(ref, approx, c * kChunk, std::min(count, (c + 1) * kChunk), outlier_threshold);
    }
  });
  Sums t;
  for (const Sums& s : partial) {
    if (s.first_bad >= 0) {
      const bool in_ref = !std::isfinite(ref[s.first_bad]);
      return Fail(AXQ_ERR_NON_FINITE, "%s[%lld]: %g is not finite", in_ref ? "ref" : "approx",
                  static_cast<long long>(s.first_bad),
                  static_cast<double>(in_ref ? ref[s.first_bad] : approx[s.first_bad]));
    }
    t.err2 += s.err2;
    t.abs_err += s.abs_err;
    t.ref2 += s.ref2;
    t.app2 += s.app2;
    t.dot += s.dot;
    t.max_abs = std::max(t.max_abs, s.max_abs);
    t.outliers += s.outliers;
  }
  const double inv_n = 1.0 / static_cast<double>(n);
  const double inf = std::numeric_limits<double>::infinity();
  out->count = n;
  out->mse = t.err2 * inv_n;
  out->rmse = std::sqrt(out->mse);
  out->mae = t.abs_err * inv_n;
  out->max_abs_error = t.max_abs;
  if (t.err2 == 0) {
    out->sqnr_db = inf;
  } else {
    out->sqnr_db = t.ref2 == 0 ? -inf : 10.0 * std::log10(t.ref2 / t.err2);
  }
  if (t.ref2 == 0 && t.app2 == 0) {
    out->cosine = 1.0;
  } else if (t.ref2 == 0 || t.app2 == 0) {
    out->cosine = 0.0;
  } else {
    out->cosine = t.dot / std::sqrt(t.ref2 * t.app2);
  }
  out->outlier_threshold = outlier_threshold;
  out->outlier_rate = static_cast<double>(t.outliers) * inv_n;
  return OkStatus();
}

}  // namespace axq
