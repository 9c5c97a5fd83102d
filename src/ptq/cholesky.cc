// h^-1 = u^T u without forming h^-1. With J the exchange matrix (reversing
// a row-major k x k array end to end is J a J), p = J h J = l l^T, so
// h = (J l J)(J l J)^T and h^-1 = (J l^-1 J)^T (J l^-1 J): u = J l^-1 J,
// upper triangular. Both the factor l and its inverse are blocked so that
// nearly all work is the register-tiled matrix update (ptq_kernels.h);
// the unblocked parts touch one block at a time, which stays in cache.
#include "src/ptq/cholesky.h"

#include <algorithm>
#include <cmath>

#include "src/core/parallel.h"
#include "src/ptq/ptq_kernels.h"

namespace axq {
namespace {

constexpr int64_t kBlock = 64;

// Columns [b0, b1) of the lower factor, in place in a (row-major k x k):
// the diagonal block, then the rows below it. Earlier blocks' updates are
// already applied.
bool FactorPanel(double* a, int64_t k, int64_t b0, int64_t b1, unsigned threads, const PtqKernels& kern) {
  for (int64_t j = b0; j < b1; ++j) {
    double* rj = a + j * k;
    const double d2 = rj[j] - kern.dot(rj + b0, rj + b0, j - b0);
    if (!(d2 > 0.0) || !std::isfinite(d2)) return false;
    rj[j] = std::sqrt(d2);
    for (int64_t i = j + 1; i < b1; ++i) {
      double* ri = a + i * k;
      ri[j] = (ri[j] - kern.dot(ri + b0, rj + b0, j - b0)) / rj[j];
    }
  }
  ParallelFor(k - b1, threads, 16, [&](int64_t b, int64_t e) {
    for (int64_t i = b1 + b; i < b1 + e; ++i) {
      double* ri = a + i * k;
      for (int64_t j = b0; j < b1; ++j) {
        const double* rj = a + j * k;
        ri[j] = (ri[j] - kern.dot(ri + b0, rj + b0, j - b0)) / rj[j];
      }
    }
  });
  return true;
}

// a[i][c] -= panel_i . panel_c for b1 <= c <= i (and some c above the
// diagonal within a row block, which is never read).
void UpdateTrailing(double* a, int64_t k, int64_t b0, int64_t b1, unsigned threads, const PtqKernels& kern) {
  const int64_t rest = k - b1;
  if (rest == 0) return;
  const int64_t depth = b1 - b0;
  std::vector<double> neg_t(static_cast<size_t>(depth * rest));  // -panel^T
  for (int64_t i = 0; i < rest; ++i) {
    for (int64_t p = 0; p < depth; ++p) neg_t[p * rest + i] = -a[(b1 + i) * k + b0 + p];
  }
  const int64_t row_blocks = (rest + kBlock - 1) / kBlock;
  ParallelFor(row_blocks, threads, 1, [&](int64_t b, int64_t e) {
    for (int64_t rb = b; rb < e; ++rb) {
      const int64_t r0 = b1 + rb * kBlock, r1 = std::min(k, r0 + kBlock);
      kern.gemm_add(a + r0 * k + b1, k, a + r0 * k + b0, k, neg_t.data(), rest, r1 - r0, r1 - b1, depth);
    }
  });
}

// x = l^-1 (lower, row-major k x k) by column blocks: the diagonal block
// inverted directly, then each block row below from the ones above it,
// x[I][B] = -l[I][I]^-1 (l[I][B..I) x[B..I)[B]).
void InvertLower(const double* l, int64_t k, unsigned threads, const PtqKernels& kern, double* x) {
  const int64_t blocks = (k + kBlock - 1) / kBlock;
  // -inverse of each diagonal block, kBlock x kBlock (zero padded).
  std::vector<double> neg_dinv(static_cast<size_t>(blocks * kBlock * kBlock), 0.0);
  ParallelFor(blocks, threads, 1, [&](int64_t b, int64_t e) {
    for (int64_t bi = b; bi < e; ++bi) {
      const int64_t o = bi * kBlock, n = std::min(kBlock, k - o);
      double* d = neg_dinv.data() + bi * kBlock * kBlock;
      for (int64_t c = 0; c < n; ++c) {
        d[c * kBlock + c] = 1.0 / l[(o + c) * k + o + c];
        for (int64_t i = c + 1; i < n; ++i) {
          double s = 0.0;
          for (int64_t p = c; p < i; ++p) s += l[(o + i) * k + o + p] * d[p * kBlock + c];
          d[i * kBlock + c] = -s / l[(o + i) * k + o + i];
        }
      }
      for (int64_t i = 0; i < n; ++i) {
        for (int64_t c = 0; c <= i; ++c) {
          x[(o + i) * k + o + c] = d[i * kBlock + c];
          d[i * kBlock + c] = -d[i * kBlock + c];
        }
      }
    }
  });
  // Column blocks are independent; item c pairs blocks c and blocks-1-c so
  // that items cost about the same.
  const int64_t items = (blocks + 1) / 2;
  // One scratch block per item, allocated here: pool tasks must not throw.
  std::vector<double> scratch(static_cast<size_t>(items * kBlock * kBlock));
  ParallelFor(items, threads, 1, [&](int64_t b, int64_t e) {
    auto solve_block_column = [&](int64_t bb, double* t) {
      const int64_t b0 = bb * kBlock, w = std::min(kBlock, k - b0);
      for (int64_t ib = bb + 1; ib < blocks; ++ib) {
        const int64_t i0 = ib * kBlock, h = std::min(kBlock, k - i0);
        std::fill(t, t + kBlock * kBlock, 0.0);
        kern.gemm_add(t, kBlock, l + i0 * k + b0, k, x + b0 * k + b0, k, h, w, i0 - b0);
        kern.gemm_add(x + i0 * k + b0, k, neg_dinv.data() + ib * kBlock * kBlock, kBlock, t, kBlock, h, w, h);
      }
    };
    for (int64_t item = b; item < e; ++item) {
      double* t = scratch.data() + item * kBlock * kBlock;
      solve_block_column(item, t);
      if (blocks - 1 - item != item) solve_block_column(blocks - 1 - item, t);
    }
  });
}

}  // namespace

bool InverseUpperCholesky(std::vector<double>* h, int64_t k, unsigned threads, std::vector<double>* u) {
  const PtqKernels& kern = PtqKernelsFor();
  std::vector<double>& a = *h;
  std::reverse(a.begin(), a.end());  // p = J h J
  for (int64_t b0 = 0; b0 < k; b0 += kBlock) {
    const int64_t b1 = std::min(k, b0 + kBlock);
    if (!FactorPanel(a.data(), k, b0, b1, threads, kern)) return false;
    UpdateTrailing(a.data(), k, b0, b1, threads, kern);
  }
  u->assign(static_cast<size_t>(k * k), 0.0);
  InvertLower(a.data(), k, threads, kern, u->data());
  std::reverse(u->begin(), u->end());  // u = J l^-1 J
  return true;
}

}  // namespace axq
