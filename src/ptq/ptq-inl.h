// Highway kernels of the PTQ linear algebra (contract and references in
// ptq_kernels.h / ptq_ref.cc). The matrix update is register-blocked: a
// tile of 4 rows by 4 vectors of C stays in registers while the depth
// loop streams one broadcast of A and four vectors of B per step, and
// column panels keep B's part in L2 across all rows.
#if defined(AXQ_PTQ_PTQ_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_PTQ_PTQ_INL_H_
#undef AXQ_PTQ_PTQ_INL_H_
#else
#define AXQ_PTQ_PTQ_INL_H_
#endif

#include <cstdint>

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using PqD = hn::ScalableTag<double>;
using PqV = hn::Vec<PqD>;

// Columns of one panel: with depth <= 256, B's part is at most 512 KiB.
constexpr int64_t kPanelColumns = 256;

// C rows i..i+3, columns j..j+4N: the register tile.
HWY_INLINE void PqTile4x4(double* c, int64_t ldc, const double* a, int64_t lda, const double* b, int64_t ldb,
                          int64_t depth) {
  const PqD d;
  const size_t N = hn::Lanes(d);
  PqV c00 = hn::LoadU(d, c), c01 = hn::LoadU(d, c + N), c02 = hn::LoadU(d, c + 2 * N),
      c03 = hn::LoadU(d, c + 3 * N);
  PqV c10 = hn::LoadU(d, c + ldc), c11 = hn::LoadU(d, c + ldc + N), c12 = hn::LoadU(d, c + ldc + 2 * N),
      c13 = hn::LoadU(d, c + ldc + 3 * N);
  PqV c20 = hn::LoadU(d, c + 2 * ldc), c21 = hn::LoadU(d, c + 2 * ldc + N),
      c22 = hn::LoadU(d, c + 2 * ldc + 2 * N), c23 = hn::LoadU(d, c + 2 * ldc + 3 * N);
  PqV c30 = hn::LoadU(d, c + 3 * ldc), c31 = hn::LoadU(d, c + 3 * ldc + N),
      c32 = hn::LoadU(d, c + 3 * ldc + 2 * N), c33 = hn::LoadU(d, c + 3 * ldc + 3 * N);
  for (int64_t p = 0; p < depth; ++p) {
    const double* bp = b + p * ldb;
    const PqV b0 = hn::LoadU(d, bp), b1 = hn::LoadU(d, bp + N), b2 = hn::LoadU(d, bp + 2 * N),
              b3 = hn::LoadU(d, bp + 3 * N);
    const PqV a0 = hn::Set(d, a[p]);
    c00 = hn::MulAdd(a0, b0, c00);
    c01 = hn::MulAdd(a0, b1, c01);
    c02 = hn::MulAdd(a0, b2, c02);
    c03 = hn::MulAdd(a0, b3, c03);
    const PqV a1 = hn::Set(d, a[lda + p]);
    c10 = hn::MulAdd(a1, b0, c10);
    c11 = hn::MulAdd(a1, b1, c11);
    c12 = hn::MulAdd(a1, b2, c12);
    c13 = hn::MulAdd(a1, b3, c13);
    const PqV a2 = hn::Set(d, a[2 * lda + p]);
    c20 = hn::MulAdd(a2, b0, c20);
    c21 = hn::MulAdd(a2, b1, c21);
    c22 = hn::MulAdd(a2, b2, c22);
    c23 = hn::MulAdd(a2, b3, c23);
    const PqV a3 = hn::Set(d, a[3 * lda + p]);
    c30 = hn::MulAdd(a3, b0, c30);
    c31 = hn::MulAdd(a3, b1, c31);
    c32 = hn::MulAdd(a3, b2, c32);
    c33 = hn::MulAdd(a3, b3, c33);
  }
  hn::StoreU(c00, d, c), hn::StoreU(c01, d, c + N), hn::StoreU(c02, d, c + 2 * N), hn::StoreU(c03, d, c + 3 * N);
  hn::StoreU(c10, d, c + ldc), hn::StoreU(c11, d, c + ldc + N), hn::StoreU(c12, d, c + ldc + 2 * N),
      hn::StoreU(c13, d, c + ldc + 3 * N);
  hn::StoreU(c20, d, c + 2 * ldc), hn::StoreU(c21, d, c + 2 * ldc + N), hn::StoreU(c22, d, c + 2 * ldc + 2 * N),
      hn::StoreU(c23, d, c + 2 * ldc + 3 * N);
  hn::StoreU(c30, d, c + 3 * ldc), hn::StoreU(c31, d, c + 3 * ldc + N), hn::StoreU(c32, d, c + 3 * ldc + 2 * N),
      hn::StoreU(c33, d, c + 3 * ldc + 3 * N);
}

// One row of C over columns [0, n): whole vectors, then scalars.
HWY_INLINE void PqRow(double* c, const double* a, const double* b, int64_t ldb, int64_t n, int64_t depth) {
  const PqD d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  int64_t j = 0;
  for (; j + N <= n; j += N) {
    PqV acc = hn::LoadU(d, c + j);
    for (int64_t p = 0; p < depth; ++p) acc = hn::MulAdd(hn::Set(d, a[p]), hn::LoadU(d, b + p * ldb + j), acc);
    hn::StoreU(acc, d, c + j);
  }
  for (; j < n; ++j) {
    double acc = c[j];
    for (int64_t p = 0; p < depth; ++p) acc += a[p] * b[p * ldb + j];
    c[j] = acc;
  }
}

HWY_INLINE void PqGemmAdd(double* c, int64_t ldc, const double* a, int64_t lda, const double* b, int64_t ldb,
                          int64_t m, int64_t n, int64_t depth) {
  const PqD d;
  const int64_t tile = 4 * static_cast<int64_t>(hn::Lanes(d));
  for (int64_t jb = 0; jb < n; jb += kPanelColumns) {
    const int64_t width = n - jb < kPanelColumns ? n - jb : kPanelColumns;
    const int64_t tiled = width - width % tile;
    int64_t i = 0;
    for (; i + 4 <= m; i += 4) {
      for (int64_t j = 0; j < tiled; j += tile) {
        PqTile4x4(c + i * ldc + jb + j, ldc, a + i * lda, lda, b + jb + j, ldb, depth);
      }
      for (int64_t r = 0; r < 4; ++r) {
        PqRow(c + (i + r) * ldc + jb + tiled, a + (i + r) * lda, b + jb + tiled, ldb, width - tiled, depth);
      }
    }
    for (; i < m; ++i) PqRow(c + i * ldc + jb, a + i * lda, b + jb, ldb, width, depth);
  }
}

// sum a[i] b[i] in four vector accumulators, for f32 or f64.
template <typename T>
HWY_INLINE T PqDot(const T* a, const T* b, int64_t n) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  auto s0 = hn::Zero(d), s1 = hn::Zero(d), s2 = hn::Zero(d), s3 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    s0 = hn::MulAdd(hn::LoadU(d, a + i), hn::LoadU(d, b + i), s0);
    s1 = hn::MulAdd(hn::LoadU(d, a + i + N), hn::LoadU(d, b + i + N), s1);
    s2 = hn::MulAdd(hn::LoadU(d, a + i + 2 * N), hn::LoadU(d, b + i + 2 * N), s2);
    s3 = hn::MulAdd(hn::LoadU(d, a + i + 3 * N), hn::LoadU(d, b + i + 3 * N), s3);
  }
  for (; i + N <= n; i += N) s0 = hn::MulAdd(hn::LoadU(d, a + i), hn::LoadU(d, b + i), s0);
  T sum = hn::GetLane(hn::SumOfLanes(d, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3))));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

HWY_INLINE void PqAxpy(double alpha, const double* x, double* y, int64_t n) {
  const PqD d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  const PqV va = hn::Set(d, alpha);
  int64_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::MulAdd(va, hn::LoadU(d, x + i), hn::LoadU(d, y + i)), d, y + i);
  for (; i < n; ++i) y[i] += alpha * x[i];
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_PTQ_PTQ_INL_H_
