// Q2_K, Q4_K and Q5_K Highway kernels (FORMATS.md §3.2); the scalar
// references are q2_k_ref.cc, q4_k_ref.cc, q5_k_ref.cc and Search A in
// kquant_search_a.cc.
//
// Search A cannot be spread over its candidates: a winning candidate moves
// lo, and the next candidate's inverse scale depends on it. So each lane
// runs the whole search of one sub-block (kquant_common-inl.h), and
// kSearchAInterleave vectors of sub-blocks go together so that their
// dependency chains overlap. The scale step is the references' own scalar
// code (kquant_layout.h); requantization and packing are vectorized along
// the elements.
#if defined(AXQ_QUANT_KQUANT_A_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_KQUANT_A_INL_H_
#undef AXQ_QUANT_KQUANT_A_INL_H_
#else
#define AXQ_QUANT_KQUANT_A_INL_H_
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "hwy/highway.h"
#include "src/quant/half.h"
#include "src/quant/kquant_common-inl.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_scales.h"
#include "src/quant/ternary_layout.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

constexpr size_t kSearchAInterleave = 2;
constexpr size_t kSearchABundleMax = kSearchAInterleave * kKqMaxLanes;
// Sub-blocks of one chunk: a bundle, or one Q2_K super-block if larger.
constexpr size_t kSearchAChunkSubs = kSearchABundleMax > 16 ? kSearchABundleMax : 16;

// Search A's answers per sub-block of a chunk: the scale and minv it
// returns, and the candidate (inverse scale, lo) whose codes it kept. The
// codes are rebuilt from those only where requantization keeps them (a
// stored scale of 0). For an all-equal sub-block the inverse scale is 0,
// which rebuilds its zero codes (every x - lo is then a zero).
struct SearchAOutput {
  float scale[kSearchAChunkSubs];
  float minv[kSearchAChunkSubs];
  float code_iscale[kSearchAChunkSubs];
  float code_lo[kSearchAChunkSubs];
};

// The codes Search A kept for the n values at x.
inline void SearchACodes(const float* x, int n, int nmax, const SearchAOutput& out, size_t sub, uint8_t* L) {
  for (int i = 0; i < n; ++i) {
    const int l = NearestInt(out.code_iscale[sub] * (x[i] - out.code_lo[sub]));
    L[i] = static_cast<uint8_t>(std::max(0, std::min(nmax, l)));
  }
}

// Step 4's error e(s, m, L) of the candidate codes in lt, per lane.
template <class Format>
HWY_INLINE void ColumnErrors(const float* HWY_RESTRICT xt, const float* HWY_RESTRICT wt, const float* HWY_RESTRICT lt,
                             const KqVF* s, const KqVF* m, KqVF* err) {
  constexpr size_t K = kSearchAInterleave;
  const KqF df;
  const size_t G = hn::Lanes(df);
  for (size_t k = 0; k < K; ++k) err[k] = hn::Zero(df);
  for (int i = 0; i < Format::kSub; ++i) {
    for (size_t k = 0; k < K; ++k) {
      const size_t at = (static_cast<size_t>(i) * K + k) * G;
      const KqVF diff = hn::Sub(hn::Add(hn::Mul(s[k], hn::Load(df, lt + at)), m[k]), hn::Load(df, xt + at));
      const KqVF e = Format::kSearch.mad ? hn::Abs(diff) : hn::Mul(diff, diff);
      err[k] = hn::Add(err[k], hn::Mul(hn::Load(df, wt + at), e));
    }
  }
}

// Search A (§3.2, kquant_search_a.cc) on a bundle of K * Lanes sub-blocks
// in column layout (xt values, wt weights; lt is scratch for the candidate
// codes); answers go to out at [first, first + bundle).
template <class Format>
HWY_INLINE void SearchAColumns(const float* HWY_RESTRICT xt, const float* HWY_RESTRICT wt, float* HWY_RESTRICT lt,
                               SearchAOutput* out, size_t first) {
  constexpr size_t K = kSearchAInterleave;
  constexpr int n = Format::kSub;
  constexpr SearchAParams p = Format::kSearch;
  const KqF df;
  const size_t G = hn::Lanes(df);
  const KqVF zero = hn::Zero(df);
  const KqVF nmax = hn::Set(df, static_cast<float>(p.nmax));
  const CodeRange codes(0, p.nmax);
  auto at = [&](int i, size_t k) { return (static_cast<size_t>(i) * K + k) * G; };

  // Step 1: min, max and the weighted sums W and X, from element 0 on.
  KqVF lo[K], hi[K], sum_w[K], sum_x[K];
  for (size_t k = 0; k < K; ++k) {
    const KqVF x = hn::Load(df, xt + at(0, k));
    lo[k] = hi[k] = x;
    sum_w[k] = hn::Load(df, wt + at(0, k));
    sum_x[k] = hn::Mul(sum_w[k], x);
  }
  for (int i = 1; i < n; ++i) {
    for (size_t k = 0; k < K; ++k) {
      const KqVF x = hn::Load(df, xt + at(i, k));
      const KqVF w = hn::Load(df, wt + at(i, k));
      lo[k] = hn::IfThenElse(hn::Lt(x, lo[k]), x, lo[k]);
      hi[k] = hn::IfThenElse(hn::Gt(x, hi[k]), x, hi[k]);
      sum_w[k] = hn::Add(sum_w[k], w);
      sum_x[k] = hn::Add(sum_x[k], hn::Mul(w, x));
    }
  }
  // Step 2. The all-equal lanes run the search on garbage and are
  // overwritten at the end.
  KqMask flat[K];
  KqVF lo0[K];
  for (size_t k = 0; k < K; ++k) {
    lo[k] = hn::IfThenZeroElse(hn::Gt(lo[k], zero), lo[k]);
    flat[k] = hn::Eq(hi[k], lo[k]);
    lo0[k] = lo[k];
  }
  // Step 3: the plain rounding and its error.
  KqVF iscale[K], scale[K], best[K], code_iscale[K], code_lo[K];
  for (size_t k = 0; k < K; ++k) {
    iscale[k] = hn::Div(nmax, hn::Sub(hi[k], lo[k]));
    scale[k] = hn::Div(hn::Set(df, 1.0f), iscale[k]);
    code_iscale[k] = iscale[k];
    code_lo[k] = lo[k];
  }
  for (int i = 0; i < n; ++i) {
    for (size_t k = 0; k < K; ++k) {
      const KqVF x = hn::Load(df, xt + at(i, k));
      hn::Store(NearestIntClamped(hn::Mul(iscale[k], hn::Sub(x, lo[k])), codes), df, lt + at(i, k));
    }
  }
  ColumnErrors<Format>(xt, wt, lt, scale, lo, best);
  // Step 4: the sweep; each candidate starts from the lo of the last win.
  for (int t = 0; t <= p.nstep; ++t) {
    const KqVF numerator = hn::Set(df, p.rmin + p.rdelta * static_cast<float>(t) + static_cast<float>(p.nmax));
    KqVF sum_l[K], sum_l2[K], sum_xl[K];
    for (size_t k = 0; k < K; ++k) {
      iscale[k] = hn::Div(numerator, hn::Sub(hi[k], lo[k]));
      sum_l[k] = sum_l2[k] = sum_xl[k] = zero;
    }
    for (int i = 0; i < n; ++i) {
      for (size_t k = 0; k < K; ++k) {
        const KqVF x = hn::Load(df, xt + at(i, k));
        const KqVF l = NearestIntClamped(hn::Mul(iscale[k], hn::Sub(x, lo[k])), codes);
        hn::Store(l, df, lt + at(i, k));
        const KqVF wl = hn::Mul(hn::Load(df, wt + at(i, k)), l);
        sum_l[k] = hn::Add(sum_l[k], wl);
        sum_l2[k] = hn::Add(sum_l2[k], hn::Mul(wl, l));
        sum_xl[k] = hn::Add(sum_xl[k], hn::Mul(wl, x));
      }
    }
    KqMask valid[K];
    KqVF this_scale[K], this_min[K], err[K];
    for (size_t k = 0; k < K; ++k) {
      const KqVF D = hn::Sub(hn::Mul(sum_w[k], sum_l2[k]), hn::Mul(sum_l[k], sum_l[k]));
      valid[k] = hn::Gt(D, zero);
      this_scale[k] = hn::Div(hn::Sub(hn::Mul(sum_w[k], sum_xl[k]), hn::Mul(sum_x[k], sum_l[k])), D);
      this_min[k] = hn::Div(hn::Sub(hn::Mul(sum_l2[k], sum_x[k]), hn::Mul(sum_l[k], sum_xl[k])), D);
      const KqMask positive = hn::Gt(this_min[k], zero);
      this_min[k] = hn::IfThenZeroElse(positive, this_min[k]);
      this_scale[k] = hn::IfThenElse(positive, hn::Div(sum_xl[k], sum_l2[k]), this_scale[k]);
    }
    ColumnErrors<Format>(xt, wt, lt, this_scale, this_min, err);
    for (size_t k = 0; k < K; ++k) {
      const KqMask win = hn::And(valid[k], hn::Lt(err[k], best[k]));
      best[k] = hn::IfThenElse(win, err[k], best[k]);
      scale[k] = hn::IfThenElse(win, this_scale[k], scale[k]);
      code_iscale[k] = hn::IfThenElse(win, iscale[k], code_iscale[k]);
      code_lo[k] = hn::IfThenElse(win, lo[k], code_lo[k]);
      lo[k] = hn::IfThenElse(win, this_min[k], lo[k]);
    }
  }
  // Step 5, and step 2's answer for the all-equal lanes.
  for (size_t k = 0; k < K; ++k) {
    const size_t j = first + k * G;
    hn::StoreU(hn::IfThenZeroElse(flat[k], scale[k]), df, out->scale + j);
    hn::StoreU(hn::Neg(hn::IfThenElse(flat[k], lo0[k], lo[k])), df, out->minv + j);
    hn::StoreU(hn::IfThenZeroElse(flat[k], code_iscale[k]), df, out->code_iscale + j);
    hn::StoreU(hn::IfThenElse(flat[k], lo0[k], code_lo[k]), df, out->code_lo + j);
  }
}

// Requantizes n values at x against a stored scale a and min b (step 3):
// clamp(R((x + b) / a), 0, nmax).
HWY_INLINE void RequantizeAffine(const float* x, int n, float a, float b, int nmax, uint8_t* L) {
  const KqF df;
  const KqVF va = hn::Set(df, a);
  const KqVF vb = hn::Set(df, b);
  const CodeRange codes(0, nmax);
  for (int i = 0; i < n; i += static_cast<int>(hn::Lanes(df))) {
    const KqVF v = hn::Div(hn::Add(hn::LoadU(df, x + i), vb), va);
    StoreCodes(NearestIntClamped(v, codes), L + i);
  }
}

// Q4_K/Q5_K steps 2 and 3 for one super-block: the scale bytes and the 256
// final codes.
template <class Format>
HWY_INLINE void FinishScaleMin6(const float* x, const SearchAOutput& out, size_t first, uint8_t* block, uint8_t* L) {
  constexpr int nmax = Format::kSearch.nmax;
  uint8_t* scales = block + kQ4_KScalesOffset;
  EncodeScaleMin6(out.scale + first, out.minv + first, block, scales);
  const float d = Fp16ToFp32(LoadLE16(block));
  const float dmin = Fp16ToFp32(LoadLE16(block + 2));
  for (int s = 0; s < kSuperBlock / kScaleMin6Sub; ++s) {
    uint8_t sc6, m6;
    UnpackScaleMin6(s, scales, &sc6, &m6);
    const float a = d * static_cast<float>(sc6);
    const float* xs = x + kScaleMin6Sub * s;
    uint8_t* Ls = L + kScaleMin6Sub * s;
    if (a == 0.0f) {
      SearchACodes(xs, kScaleMin6Sub, nmax, out, first + static_cast<size_t>(s), Ls);
    } else {
      RequantizeAffine(xs, kScaleMin6Sub, a, dmin * static_cast<float>(m6), nmax, Ls);
    }
  }
}

struct Q2_KFormat {
  static constexpr int kSub = kQ2_KSub;
  static constexpr SearchAParams kSearch = kQ2_KSearch;
  static constexpr size_t kBytes = kQ2_KBytes;

  // w = |x|.
  static void Weights(const float* HWY_RESTRICT xt, float* HWY_RESTRICT wt, size_t bundle) {
    const KqF df;
    for (size_t i = 0; i < kSub * bundle; i += hn::Lanes(df)) hn::Store(hn::Abs(hn::Load(df, xt + i)), df, wt + i);
  }

  static void Finish(const float* x, const SearchAOutput& out, size_t first, uint8_t* block) {
    EncodeQ2_KScales(out.scale + first, out.minv + first, block);
    const float d = Fp16ToFp32(LoadLE16(block + kQ2_KDOffset));
    const float dmin = Fp16ToFp32(LoadLE16(block + kQ2_KDminOffset));
    HWY_ALIGN uint8_t L[kSuperBlock];
    for (int s = 0; s < kSuperBlock / kSub; ++s) {
      const float a = d * static_cast<float>(block[s] & 0x0F);
      if (a == 0.0f) {
        SearchACodes(x + kSub * s, kSub, kSearch.nmax, out, first + static_cast<size_t>(s), L + kSub * s);
      } else {
        RequantizeAffine(x + kSub * s, kSub, a, dmin * static_cast<float>(block[s] >> 4), kSearch.nmax, L + kSub * s);
      }
    }
    // Step 4: element 128h + 32f + l at bits 2f of qs[32h + l].
    for (int h = 0; h < 2; ++h) PackFields<2, 4>(L + 128 * h, 32, 0x03, block + kQ2_KQsOffset + 32 * h);
  }
};

// Q4_K and Q5_K weights: w = sqrt(sum(x^2) / 32) + |x| per sub-block.
HWY_INLINE void RmsPlusAbsWeights(const float* HWY_RESTRICT xt, float* HWY_RESTRICT wt, size_t bundle) {
  const KqF df;
  for (size_t j = 0; j < bundle; j += hn::Lanes(df)) {
    KqVF sum_x2 = hn::Zero(df);
    for (int i = 0; i < kScaleMin6Sub; ++i) {
      const KqVF x = hn::Load(df, xt + i * bundle + j);
      sum_x2 = hn::Add(sum_x2, hn::Mul(x, x));
    }
    const KqVF av = hn::Sqrt(hn::Div(sum_x2, hn::Set(df, static_cast<float>(kScaleMin6Sub))));
    for (int i = 0; i < kScaleMin6Sub; ++i) {
      hn::Store(hn::Add(av, hn::Abs(hn::Load(df, xt + i * bundle + j))), df, wt + i * bundle + j);
    }
  }
}

struct Q4_KFormat {
  static constexpr int kSub = kScaleMin6Sub;
  static constexpr SearchAParams kSearch = kQ4_KSearch;
  static constexpr size_t kBytes = kQ4_KBytes;

  static void Weights(const float* HWY_RESTRICT xt, float* HWY_RESTRICT wt, size_t bundle) {
    RmsPlusAbsWeights(xt, wt, bundle);
  }

  static void Finish(const float* x, const SearchAOutput& out, size_t first, uint8_t* block) {
    HWY_ALIGN uint8_t L[kSuperBlock];
    FinishScaleMin6<Q4_KFormat>(x, out, first, block, L);
    // Elements 64c + l and 64c + 32 + l share qs[32c + l].
    for (int c = 0; c < 4; ++c) PackFields<4, 2>(L + 64 * c, 32, 0x0F, block + kQ4_KQsOffset + 32 * c);
  }
};

struct Q5_KFormat {
  static constexpr int kSub = kScaleMin6Sub;
  static constexpr SearchAParams kSearch = kQ5_KSearch;
  static constexpr size_t kBytes = kQ5_KBytes;

  static void Weights(const float* HWY_RESTRICT xt, float* HWY_RESTRICT wt, size_t bundle) {
    RmsPlusAbsWeights(xt, wt, bundle);
  }

  static void Finish(const float* x, const SearchAOutput& out, size_t first, uint8_t* block) {
    HWY_ALIGN uint8_t L[kSuperBlock];
    FinishScaleMin6<Q5_KFormat>(x, out, first, block, L);
    // Low nibbles as Q4_K; bit 4 of element 32f + l is bit f of qh[l].
    for (int c = 0; c < 4; ++c) PackFields<4, 2>(L + 64 * c, 32, 0x0F, block + kQ5_KQsOffset + 32 * c);
    PackBitPlane(L, 4, block + kQ5_KQhOffset);
  }
};

// The row driver: chunks of super-blocks whose sub-blocks fill whole
// bundles (or one super-block, on narrow targets); the finiteness check
// runs on each chunk before its search, which prefetches the next chunk.
template <class Format>
HWY_INLINE bool QuantizeRowSearchA(const float* x, uint8_t* y, int64_t k) {
  constexpr size_t n = static_cast<size_t>(Format::kSub);
  constexpr size_t kSubsPerBlock = kSuperBlock / n;
  const size_t bundle = kSearchAInterleave * hn::Lanes(KqF());
  const int64_t chunk_blocks = static_cast<int64_t>(bundle >= kSubsPerBlock ? bundle / kSubsPerBlock : 1);
  HWY_ALIGN float xt[kSearchABundleMax * n];
  HWY_ALIGN float wt[kSearchABundleMax * n];
  HWY_ALIGN float lt[kSearchABundleMax * n];
  SearchAOutput out;
  const int64_t blocks = k / kSuperBlock;
  for (int64_t b = 0; b < blocks; b += chunk_blocks) {
    const size_t count = static_cast<size_t>(std::min(chunk_blocks, blocks - b));
    const float* cx = x + b * kSuperBlock;
    if (!KqAllFinite(cx, count * kSuperBlock)) return false;
    const size_t next = static_cast<size_t>(std::min(chunk_blocks, blocks - b - static_cast<int64_t>(count)));
    const size_t subs = count * kSubsPerBlock;
    for (size_t j = 0; j < subs; j += bundle) {
      if (j * n < next * kSuperBlock) {
        KqPrefetch(cx + count * kSuperBlock + j * n, std::min(bundle * n, next * kSuperBlock - j * n));
      }
      ToColumns(cx + j * n, n, std::min(bundle, subs - j), bundle, xt);
      Format::Weights(xt, wt, bundle);
      SearchAColumns<Format>(xt, wt, lt, &out, j);
    }
    for (size_t s = 0; s < count; ++s) {
      Format::Finish(cx + s * kSuperBlock, out, s * kSubsPerBlock, y + (static_cast<size_t>(b) + s) * Format::kBytes);
    }
  }
  return true;
}

HWY_INLINE bool QuantizeRowQ2_K(const float* x, uint8_t* y, int64_t k) {
  return QuantizeRowSearchA<Q2_KFormat>(x, y, k);
}
HWY_INLINE bool QuantizeRowQ4_K(const float* x, uint8_t* y, int64_t k) {
  return QuantizeRowSearchA<Q4_KFormat>(x, y, k);
}
HWY_INLINE bool QuantizeRowQ5_K(const float* x, uint8_t* y, int64_t k) {
  return QuantizeRowSearchA<Q5_KFormat>(x, y, k);
}

// ---------------------------------------------------------------------------
// Dequantization (§3.1): y = dl * q - ml, Mul then Sub as the references.

HWY_INLINE void StoreAffine(KqVI codes, float dl, float ml, float* y) {
  const KqF df;
  hn::StoreU(hn::Sub(hn::Mul(hn::Set(df, dl), hn::ConvertTo(df, codes)), hn::Set(df, ml)), df, y);
}

HWY_INLINE void DequantizeRowQ2_K(const uint8_t* x, float* y, int64_t k) {
  const size_t N = hn::Lanes(KqF());
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kQ2_KBytes, y += kSuperBlock) {
    const float d = Fp16ToFp32(LoadLE16(x + kQ2_KDOffset));
    const float dmin = Fp16ToFp32(LoadLE16(x + kQ2_KDminOffset));
    for (int s = 0; s < kSuperBlock / kQ2_KSub; ++s) {
      const float dl = d * static_cast<float>(x[s] & 0x0F);
      const float ml = dmin * static_cast<float>(x[s] >> 4);
      // Sub-block s = elements 128h + 32f + 16(s % 2) + j.
      const uint8_t* q = x + kQ2_KQsOffset + 32 * (s / 8) + 16 * (s % 2);
      const int shift = 2 * ((s % 8) / 2);
      for (size_t j = 0; j < static_cast<size_t>(kQ2_KSub); j += N) {
        StoreAffine(CodeBits(q + j, shift, 3), dl, ml, y + kQ2_KSub * s + j);
      }
    }
  }
}

// Q4_K (kQh == 0) and Q5_K: sub-block s reads nibble s % 2 of qs[32(s/2) + l]
// and, for Q5_K, bit s of qh[l] as bit 4.
template <size_t kBytes, size_t kQsOffset, size_t kQhOffset>
HWY_INLINE void DequantizeRowScaleMin6(const uint8_t* x, float* y, int64_t k) {
  const size_t N = hn::Lanes(KqF());
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kBytes, y += kSuperBlock) {
    const float d = Fp16ToFp32(LoadLE16(x));
    const float dmin = Fp16ToFp32(LoadLE16(x + 2));
    for (int s = 0; s < kSuperBlock / kScaleMin6Sub; ++s) {
      uint8_t sc, m;
      UnpackScaleMin6(s, x + kQ4_KScalesOffset, &sc, &m);
      const float ds = d * static_cast<float>(sc);
      const float ms = dmin * static_cast<float>(m);
      const uint8_t* q = x + kQsOffset + 32 * (s / 2);
      for (size_t l = 0; l < static_cast<size_t>(kScaleMin6Sub); l += N) {
        KqVI codes = CodeBits(q + l, 4 * (s % 2), 0x0F);
        if (kQhOffset != 0) codes = hn::Or(codes, hn::ShiftLeft<4>(CodeBits(x + kQhOffset + l, s, 1)));
        StoreAffine(codes, ds, ms, y + kScaleMin6Sub * s + l);
      }
    }
  }
}

HWY_INLINE void DequantizeRowQ4_K(const uint8_t* x, float* y, int64_t k) {
  DequantizeRowScaleMin6<kQ4_KBytes, kQ4_KQsOffset, 0>(x, y, k);
}
HWY_INLINE void DequantizeRowQ5_K(const uint8_t* x, float* y, int64_t k) {
  DequantizeRowScaleMin6<kQ5_KBytes, kQ5_KQsOffset, kQ5_KQhOffset>(x, y, k);
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_KQUANT_A_INL_H_
