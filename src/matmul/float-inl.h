// F32, F16 and BF16 matmul kernels; the scalar reference is FloatKernel in
// dot_ref.cc. The reference sums in 16 interleaved f32 lanes (element k in
// lane k mod 16, products added without fusing) and then adds lanes j and
// j + h for h = 8, 4, 2, 1. Here those 16 lanes are 16 / Lanes vectors, the
// same on every target, so every target gives the same bits.
#if defined(AXQ_MATMUL_FLOAT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_MATMUL_FLOAT_INL_H_
#undef AXQ_MATMUL_FLOAT_INL_H_
#else
#define AXQ_MATMUL_FLOAT_INL_H_
#endif

#include <algorithm>
#include <cstring>

#include "hwy/highway.h"
#include "src/matmul/matmul_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr int kFloatLanes = 16;
using FloatTag = hn::CappedTag<float, kFloatLanes>;

// Weight element types: how 16-lane slices load as f32.
struct F32Weights {
  using T = float;
  static hn::Vec<FloatTag> Load(FloatTag df, const T* p) { return hn::LoadU(df, p); }
};
struct F16Weights {
  using T = hwy::float16_t;
  static hn::Vec<FloatTag> Load(FloatTag df, const T* p) {
    return hn::PromoteTo(df, hn::LoadU(hn::Rebind<T, FloatTag>(), p));
  }
};
struct Bf16Weights {
  using T = hwy::bfloat16_t;
  static hn::Vec<FloatTag> Load(FloatTag df, const T* p) {
    return hn::PromoteTo(df, hn::LoadU(hn::Rebind<T, FloatTag>(), p));
  }
};

// 16 KiB of F32 weights, 8 KiB of F16/BF16, ahead of use.
constexpr int64_t kFloatPrefetchElems = 4096;

#if HWY_TARGET <= HWY_AVX3
constexpr int kFloatTileRows = 4;
constexpr int kFloatTileActs = 4;
#else
constexpr int kFloatTileRows = 2;
constexpr int kFloatTileActs = 2;
#endif

template <class W, int kR, int kC>
HWY_INLINE void FloatTile(const MatmulProblem& p, int64_t row, int64_t n) {
  const FloatTag df;
  constexpr size_t kMaxLanes = hn::MaxLanes(FloatTag());
  constexpr int kVecs = kFloatLanes / static_cast<int>(kMaxLanes) > 0
                            ? kFloatLanes / static_cast<int>(kMaxLanes) : 1;
  const int vecs = kFloatLanes / static_cast<int>(hn::Lanes(df));
  hn::Vec<FloatTag> acc[kR][kC][kVecs];
  for (int r = 0; r < kR; ++r) {
    for (int c = 0; c < kC; ++c) {
      for (int v = 0; v < vecs; ++v) acc[r][c][v] = hn::Zero(df);
    }
  }
  const typename W::T* w[kR];
  const float* x[kC];
  for (int r = 0; r < kR; ++r) w[r] = reinterpret_cast<const typename W::T*>(p.w + (row + r) * p.w_row_bytes);
  for (int c = 0; c < kC; ++c) x[c] = p.x.f + (n + c) * p.x.f_stride;
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  const int64_t whole = p.k / kFloatLanes * kFloatLanes;
  auto step = [&](const typename W::T* const* wp, const float* const* xp, int64_t i) {
    // Rows stream from memory: ask for them in L2 well ahead (as the
    // integer kernels do); one line per 16 elements is enough for F16/BF16.
    for (int r = 0; r < kR; ++r) __builtin_prefetch(wp[r] + i + kFloatPrefetchElems, 0, 2);
    if (sizeof(typename W::T) == 4) {
      for (int r = 0; r < kR; ++r) __builtin_prefetch(wp[r] + i + kFloatPrefetchElems + 8, 0, 2);
    }
    for (int v = 0; v < vecs; ++v) {
      hn::Vec<FloatTag> wv[kR];
      for (int r = 0; r < kR; ++r) wv[r] = W::Load(df, wp[r] + i + v * lanes);
      for (int c = 0; c < kC; ++c) {
        const hn::Vec<FloatTag> xv = hn::LoadU(df, xp[c] + i + v * lanes);
        for (int r = 0; r < kR; ++r) acc[r][c][v] = hn::Add(acc[r][c][v], hn::Mul(wv[r], xv));
      }
    }
  };
  for (int64_t i = 0; i < whole; i += kFloatLanes) step(w, x, i);
  if (whole < p.k) {
    // The reference's zero padding: copies of the last partial 16.
    typename W::T wt[kR][kFloatLanes];
    HWY_ALIGN float xt[kC][kFloatLanes];
    const typename W::T* wp[kR];
    const float* xp[kC];
    const size_t rest = static_cast<size_t>(p.k - whole);
    for (int r = 0; r < kR; ++r) {
      std::memset(wt[r], 0, sizeof(wt[r]));
      std::memcpy(wt[r], w[r] + whole, rest * sizeof(typename W::T));
      wp[r] = wt[r];
    }
    for (int c = 0; c < kC; ++c) {
      std::memset(xt[c], 0, sizeof(xt[c]));
      std::memcpy(xt[c], x[c] + whole, rest * sizeof(float));
      xp[c] = xt[c];
    }
    step(wp, xp, 0);
  }
  for (int r = 0; r < kR; ++r) {
    for (int c = 0; c < kC; ++c) {
      HWY_ALIGN float sums[kFloatLanes];
      for (int v = 0; v < vecs; ++v) hn::Store(acc[r][c][v], df, sums + v * lanes);
      for (int h = kFloatLanes / 2; h >= 1; h /= 2) {
        for (int j = 0; j < h; ++j) sums[j] = sums[j] + sums[j + h];
      }
      p.y[(n + c) * p.m + row + r] = sums[0];
    }
  }
}

template <class W, int kR>
HWY_INLINE void FloatRows(const MatmulProblem& p, int64_t row) {
  int64_t n = 0;
  for (; n + kFloatTileActs <= p.x.rows; n += kFloatTileActs) FloatTile<W, kR, kFloatTileActs>(p, row, n);
  for (; n < p.x.rows; ++n) FloatTile<W, kR, 1>(p, row, n);
}

template <class W>
HWY_NOINLINE void MatmulFloat(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  int64_t row = row_begin;
  if (p.x.rows < kFloatTileActs) {  // memory-bound: one row streams best
    for (; row < row_end; ++row) FloatRows<W, 1>(p, row);
    return;
  }
  for (; row + kFloatTileRows <= row_end; row += kFloatTileRows) FloatRows<W, kFloatTileRows>(p, row);
  for (; row < row_end; ++row) FloatRows<W, 1>(p, row);
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_MATMUL_FLOAT_INL_H_
