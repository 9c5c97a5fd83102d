// Q3_K and Q6_K Highway kernels (FORMATS.md §3.2); the scalar references
// are q3_k_ref.cc, q6_k_ref.cc and Searches B and C in kquant_search_bc.cc.
//
// Each lane runs the search of one 16-element sub-block (column layout,
// kquant_common-inl.h), kSearchBCInterleave vectors at a time. Search B's
// candidates are independent of each other until the strict "better than
// the best so far" test, which stays in candidate order. Search C's
// coordinate descent (step 3) is sequential in its elements and changes
// nothing in most sub-blocks: every sub-block is first screened at vector
// width, and only those whose codes step 3 changes are gathered into
// bundles of their own and run it, element by element, until no lane
// changes (a pass without change leaves the state as it was, so the lanes
// that the reference stops earlier are unaffected by the extra passes).
#if defined(AXQ_QUANT_KQUANT_BC_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_KQUANT_BC_INL_H_
#undef AXQ_QUANT_KQUANT_BC_INL_H_
#else
#define AXQ_QUANT_KQUANT_BC_INL_H_
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "hwy/highway.h"
#include "src/quant/half.h"
#include "src/quant/kquant_common-inl.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_search_bc.h"
#include "src/quant/ternary_layout.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

constexpr size_t kSearchBCInterleave = 2;
constexpr size_t kSearchBCBundleMax = kSearchBCInterleave * kKqMaxLanes;
constexpr int kSymSub = kKQuantSubBlock;  // 16
constexpr size_t kSubsPerSuperBlock = kSuperBlock / kSymSub;
// Super-blocks per chunk: 128 sub-blocks, a multiple of every bundle.
constexpr size_t kSymChunkBlocks = 8;
constexpr size_t kSymChunkSubs = kSymChunkBlocks * kSubsPerSuperBlock;
static_assert(kSymChunkSubs % kSearchBCBundleMax == 0, "bundles must tile a chunk");
constexpr float kSymmetricEps = 1e-15f;  // EPS of §3.2

// The searches' answers per sub-block of a chunk: the scale, and what
// rebuilds the codes where requantization keeps them (a stored scale of
// 0): the sub-block is flat (max |x| < EPS: zero codes), or its codes are
// clamp(R(code_iscale * x)) (Search B's winner, Search C's start), or they
// are in Search C's descent buffer (descent_slot).
struct SymmetricOutput {
  float scale[kSymChunkSubs];
  float code_iscale[kSymChunkSubs];
  float flat[kSymChunkSubs];      // 1 or 0
  float descends[kSymChunkSubs];  // Search C: 1 if its step 3 changes codes
  uint16_t descent_slot[kSymChunkSubs];
};

// Column scratch of one bundle: the values and the weights w = x^2 and
// w * x that both searches use.
struct SymmetricColumns {
  HWY_ALIGN float x[kSearchBCBundleMax * kSymSub];
  HWY_ALIGN float w[kSearchBCBundleMax * kSymSub];
  HWY_ALIGN float wx[kSearchBCBundleMax * kSymSub];
};

HWY_INLINE size_t ColumnAt(int i, size_t k) {
  return (static_cast<size_t>(i) * kSearchBCInterleave + k) * hn::Lanes(KqF());
}

// argmaxabs per lane (strict scan from 0, as ArgMaxAbs), the lanes whose
// max |x| is below EPS, and the weights.
HWY_INLINE void PrepareSymmetric(SymmetricColumns* c, KqVF* mx, KqMask* flat) {
  constexpr size_t K = kSearchBCInterleave;
  const KqF df;
  KqVF amax[K];
  for (size_t k = 0; k < K; ++k) mx[k] = amax[k] = hn::Zero(df);
  for (int i = 0; i < kSymSub; ++i) {
    for (size_t k = 0; k < K; ++k) {
      const size_t at = ColumnAt(i, k);
      const KqVF x = hn::Load(df, c->x + at);
      const KqVF ax = hn::Abs(x);
      const KqMask larger = hn::Gt(ax, amax[k]);
      amax[k] = hn::IfThenElse(larger, ax, amax[k]);
      mx[k] = hn::IfThenElse(larger, x, mx[k]);
      const KqVF w = hn::Mul(x, x);
      hn::Store(w, df, c->w + at);
      hn::Store(hn::Mul(w, x), df, c->wx + at);
    }
  }
  for (size_t k = 0; k < K; ++k) flat[k] = hn::Lt(amax[k], hn::Set(df, kSymmetricEps));
}

// Sxl = sum (w x) l and Sll = sum (w l) l for l = clamp(R(is x), lo, hi),
// the codes optionally stored to lt. In every lane that is not flat,
// |x| <= |mx| bounds |is x| by |is mx| (1 + 2^-23): the rounding needs no
// wrap, and kLo/kHi say which clamp that bound can reach.
template <bool kLo, bool kHi>
HWY_INLINE void SymmetricSums(const SymmetricColumns& c, const KqVF* is, const CodeRange& range, float* lt, KqVF* sxl,
                              KqVF* sll) {
  constexpr size_t K = kSearchBCInterleave;
  const KqF df;
  for (size_t k = 0; k < K; ++k) sxl[k] = sll[k] = hn::Zero(df);
  for (int i = 0; i < kSymSub; ++i) {
    for (size_t k = 0; k < K; ++k) {
      const size_t at = ColumnAt(i, k);
      const KqVF l = NearestIntClampedSmall<kLo, kHi>(hn::Mul(is[k], hn::Load(df, c.x + at)), range);
      if (lt != nullptr) hn::Store(l, df, lt + at);
      sxl[k] = hn::Add(sxl[k], hn::Mul(hn::Load(df, c.wx + at), l));
      sll[k] = hn::Add(sll[k], hn::Mul(hn::Mul(hn::Load(df, c.w + at), l), l));
    }
  }
}

// Search B's sums for is = -(32 + 0.1 t)/mx: |is x| <= 31.4 (1 + 2^-22)
// rounds into [-31, 31] for t <= -6; up to 32.4 (1 + 2^-22) for t <= 4
// can round to 32 but not below -32; beyond, both clamps matter.
HWY_INLINE void SearchBSums(const SymmetricColumns& c, int t, const KqVF* is, KqVF* sxl, KqVF* sll) {
  const CodeRange range(-32, 31);
  if (t <= -6) {
    SymmetricSums<false, false>(c, is, range, nullptr, sxl, sll);
  } else if (t <= 4) {
    SymmetricSums<false, true>(c, is, range, nullptr, sxl, sll);
  } else {
    SymmetricSums<true, true>(c, is, range, nullptr, sxl, sll);
  }
}

// Search B (§3.2) on a bundle; answers to out at [first, first + bundle).
HWY_INLINE void SearchBColumns(SymmetricColumns* c, SymmetricOutput* out, size_t first) {
  constexpr size_t K = kSearchBCInterleave;
  constexpr float kNmax = 32.0f;
  const KqF df;
  const KqVF zero = hn::Zero(df);
  KqVF mx[K];
  KqMask flat[K];
  PrepareSymmetric(c, mx, flat);
  // Step 2.
  KqVF is[K], sxl[K], sll[K], scale[K], best[K], code_iscale[K];
  for (size_t k = 0; k < K; ++k) is[k] = hn::Div(hn::Set(df, -kNmax), mx[k]);
  SearchBSums(*c, 0, is, sxl, sll);
  for (size_t k = 0; k < K; ++k) {
    scale[k] = hn::IfThenElse(hn::Eq(sll[k], zero), zero, hn::Div(sxl[k], sll[k]));
    best[k] = hn::Mul(scale[k], sxl[k]);
    code_iscale[k] = is[k];
  }
  // Step 3.
  for (int t = -9; t <= 9; ++t) {
    if (t == 0) continue;
    const KqVF numerator = hn::Set(df, -(kNmax + 0.1f * static_cast<float>(t)));
    for (size_t k = 0; k < K; ++k) is[k] = hn::Div(numerator, mx[k]);
    SearchBSums(*c, t, is, sxl, sll);
    for (size_t k = 0; k < K; ++k) {
      const KqMask better = hn::And(hn::Gt(sll[k], zero), hn::Gt(hn::Mul(sxl[k], sxl[k]), hn::Mul(best[k], sll[k])));
      scale[k] = hn::IfThenElse(better, hn::Div(sxl[k], sll[k]), scale[k]);
      best[k] = hn::IfThenElse(better, hn::Mul(scale[k], sxl[k]), best[k]);
      code_iscale[k] = hn::IfThenElse(better, is[k], code_iscale[k]);
    }
  }
  const size_t G = hn::Lanes(df);
  for (size_t k = 0; k < K; ++k) {
    const size_t j = first + k * G;
    hn::StoreU(hn::IfThenZeroElse(flat[k], scale[k]), df, out->scale + j);
    hn::StoreU(code_iscale[k], df, out->code_iscale + j);
    hn::StoreU(hn::IfThenElseZero(flat[k], hn::Set(df, 1.0f)), df, out->flat + j);
  }
}

// Search C (§3.2), first look at a bundle: steps 1, 2 and 4 as if step 3
// changed nothing, and which sub-blocks step 3 may change. Step 3's
// first pass keeps its starting sums for as long as it changes nothing, so
// the proposal for every element can be made against those sums at once:
// a sub-block where none is taken leaves step 3 as it entered (most do).
HWY_INLINE void SearchCScreenColumns(SymmetricColumns* c, SymmetricOutput* out, size_t first) {
  constexpr size_t K = kSearchBCInterleave;
  const KqF df;
  const KqVF zero = hn::Zero(df);
  const CodeRange range(-4, 3);
  KqVF mx[K], is[K], sxl[K], sll[K], sxl2[K];
  KqMask flat[K], takes[K];
  PrepareSymmetric(c, mx, flat);
  for (size_t k = 0; k < K; ++k) is[k] = hn::Div(hn::Set(df, -4.0f), mx[k]);
  SymmetricSums<false, true>(*c, is, range, nullptr, sxl, sll);  // R(is x) >= -4
  for (size_t k = 0; k < K; ++k) {
    sxl2[k] = hn::Mul(sxl[k], sxl[k]);
    takes[k] = hn::FirstN(df, 0);
  }
  for (int i = 0; i < kSymSub; ++i) {
    for (size_t k = 0; k < K; ++k) {
      const size_t at = ColumnAt(i, k);
      const KqVF x = hn::Load(df, c->x + at);
      const KqVF w = hn::Load(df, c->w + at);
      const KqVF wx = hn::Load(df, c->wx + at);
      const KqVF old = NearestIntClampedSmall<false, true>(hn::Mul(is[k], x), range);
      const KqVF a = hn::Sub(sxl[k], hn::Mul(wx, old));
      const KqVF b = hn::Sub(sll[k], hn::Mul(hn::Mul(w, old), old));
      const KqVF n = NearestIntClamped(hn::Div(hn::Mul(x, b), a), range);
      const KqVF a2 = hn::Add(a, hn::Mul(wx, n));
      const KqVF b2 = hn::Add(b, hn::Mul(hn::Mul(w, n), n));
      KqMask take = hn::And(hn::Gt(a, zero), hn::Not(hn::Eq(n, old)));
      take = hn::And(take, hn::Gt(b2, zero));
      take = hn::And(take, hn::Gt(hn::Mul(hn::Mul(a2, a2), sll[k]), hn::Mul(sxl2[k], b2)));
      takes[k] = hn::Or(takes[k], take);
    }
  }
  const size_t G = hn::Lanes(df);
  for (size_t k = 0; k < K; ++k) {
    const size_t j = first + k * G;
    const KqVF scale = hn::IfThenElse(hn::Gt(sll[k], zero), hn::Div(sxl[k], sll[k]), zero);
    hn::StoreU(hn::IfThenZeroElse(flat[k], scale), df, out->scale + j);
    hn::StoreU(is[k], df, out->code_iscale + j);
    hn::StoreU(hn::IfThenElseZero(flat[k], hn::Set(df, 1.0f)), df, out->flat + j);
    hn::StoreU(hn::IfThenElseZero(hn::AndNot(flat[k], takes[k]), hn::Set(df, 1.0f)), df, out->descends + j);
  }
}

// Search C in full on a bundle of descending sub-blocks: the final codes
// l (-4..3) stay in lt, the scales go to scale[0..bundle).
HWY_INLINE void SearchCDescentColumns(SymmetricColumns* c, float* HWY_RESTRICT lt, float* scale_out) {
  constexpr size_t K = kSearchBCInterleave;
  constexpr int kMaxPasses = 5;
  const KqF df;
  const KqVF zero = hn::Zero(df);
  const CodeRange range(-4, 3);
  KqVF mx[K], is[K], sxl[K], sll[K];
  KqMask flat[K];
  PrepareSymmetric(c, mx, flat);
  for (size_t k = 0; k < K; ++k) is[k] = hn::Div(hn::Set(df, -4.0f), mx[k]);
  SymmetricSums<false, true>(*c, is, range, lt, sxl, sll);
  // Step 3: one code at a time; the new code (x b) / a is unbounded, so its
  // rounding wraps as the reference's does. A pass without change leaves
  // the state as it was, so running more passes than a lane needs is
  // harmless.
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    KqMask changed[K];
    for (size_t k = 0; k < K; ++k) changed[k] = hn::FirstN(df, 0);
    for (int i = 0; i < kSymSub; ++i) {
      for (size_t k = 0; k < K; ++k) {
        const size_t at = ColumnAt(i, k);
        const KqVF x = hn::Load(df, c->x + at);
        const KqVF w = hn::Load(df, c->w + at);
        const KqVF wx = hn::Load(df, c->wx + at);
        const KqVF old = hn::Load(df, lt + at);
        const KqVF a = hn::Sub(sxl[k], hn::Mul(wx, old));
        const KqVF b = hn::Sub(sll[k], hn::Mul(hn::Mul(w, old), old));
        const KqVF n = NearestIntClamped(hn::Div(hn::Mul(x, b), a), range);
        const KqVF a2 = hn::Add(a, hn::Mul(wx, n));
        const KqVF b2 = hn::Add(b, hn::Mul(hn::Mul(w, n), n));
        KqMask take = hn::And(hn::Gt(a, zero), hn::Not(hn::Eq(n, old)));
        take = hn::And(take, hn::Gt(b2, zero));
        take = hn::And(take, hn::Gt(hn::Mul(hn::Mul(a2, a2), sll[k]), hn::Mul(hn::Mul(sxl[k], sxl[k]), b2)));
        take = hn::AndNot(flat[k], take);
        hn::Store(hn::IfThenElse(take, n, old), df, lt + at);
        sxl[k] = hn::IfThenElse(take, a2, sxl[k]);
        sll[k] = hn::IfThenElse(take, b2, sll[k]);
        changed[k] = hn::Or(changed[k], take);
      }
    }
    bool any = false;
    for (size_t k = 0; k < K; ++k) any |= !hn::AllFalse(df, changed[k]);
    if (!any) break;
  }
  // Step 4.
  const size_t G = hn::Lanes(df);
  for (size_t k = 0; k < K; ++k) {
    hn::StoreU(hn::IfThenElse(hn::Gt(sll[k], zero), hn::Div(sxl[k], sll[k]), zero), df, scale_out + k * G);
  }
}

// Requantizes the 16 values at x against a stored scale a (step 3):
// clamp(R(x / a), lo, hi) - lo.
HWY_INLINE void RequantizeSymmetric(const float* x, float a, int lo, int hi, uint8_t* L) {
  const KqF df;
  const KqVF va = hn::Set(df, a);
  const CodeRange range(lo, hi);
  const float bias = static_cast<float>(-lo);
  for (int i = 0; i < kSymSub; i += static_cast<int>(hn::Lanes(df))) {
    const KqVF l = NearestIntClamped(hn::Div(hn::LoadU(df, x + i), va), range);
    StoreCodes(hn::Add(l, hn::Set(df, bias)), L + i);
  }
}

// The codes a search kept for sub-block j (16 values at x), biased.
inline void SearchedCodes(const float* x, const SymmetricOutput& out, size_t j, int lo, int hi, uint8_t* L) {
  for (int i = 0; i < kSymSub; ++i) {
    const int l = NearestInt(out.code_iscale[j] * x[i]);
    L[i] = out.flat[j] != 0.0f ? 0 : static_cast<uint8_t>((l < lo ? lo : (l > hi ? hi : l)) - lo);
  }
}

// Q3_K steps 2-4 of one super-block; descent_codes holds the descending
// sub-blocks' codes, slot s at (s - s % bundle) * 16 + i * bundle + s % bundle.
HWY_INLINE void FinishQ3_K(const float* x, const SymmetricOutput& out, size_t first, const float* descent_codes,
                           size_t bundle, uint8_t* block) {
  EncodeQ3_KScales(out.scale + first, block);
  const uint8_t* scales = block + kQ3_KScalesOffset;
  const float d = Fp16ToFp32(LoadLE16(block + kQ3_KDOffset));
  HWY_ALIGN uint8_t L[kSuperBlock];
  for (int s = 0; s < static_cast<int>(kSubsPerSuperBlock); ++s) {
    const float a = d * static_cast<float>(Q3_KScaleCode(scales, s) - 32);
    const float* xs = x + kSymSub * s;
    uint8_t* Ls = L + kSymSub * s;
    const size_t j = first + static_cast<size_t>(s);
    if (a != 0.0f) {
      RequantizeSymmetric(xs, a, -4, 3, Ls);
    } else if (out.descends[j] != 0.0f) {
      const size_t slot = out.descent_slot[j];
      const float* column = descent_codes + (slot - slot % bundle) * kSymSub + slot % bundle;
      for (int i = 0; i < kSymSub; ++i) Ls[i] = static_cast<uint8_t>(static_cast<int>(column[i * bundle]) + 4);
    } else {
      SearchedCodes(xs, out, j, -4, 3, Ls);  // flat: unbiased zeros
    }
  }
  // Step 4: bit 2 to hmask, low two bits to qs.
  PackBitPlane(L, 2, block + kQ3_KHmaskOffset);
  for (int h = 0; h < 2; ++h) PackFields<2, 4>(L + 128 * h, 32, 0x03, block + kQ3_KQsOffset + 32 * h);
}

// Q6_K steps 2-3 and packing of one super-block.
HWY_INLINE void FinishQ6_K(const float* x, const SymmetricOutput& out, size_t first, uint8_t* block) {
  if (!EncodeQ6_KScales(out.scale + first, block)) return;  // the zero block
  const int8_t* scales = reinterpret_cast<const int8_t*>(block + kQ6_KScalesOffset);
  const float d = Fp16ToFp32(LoadLE16(block + kQ6_KDOffset));
  HWY_ALIGN uint8_t L[kSuperBlock];
  for (int s = 0; s < static_cast<int>(kSubsPerSuperBlock); ++s) {
    const float a = d * static_cast<float>(scales[s]);
    const float* xs = x + kSymSub * s;
    uint8_t* Ls = L + kSymSub * s;
    if (a != 0.0f) {
      RequantizeSymmetric(xs, a, -32, 31, Ls);
    } else {
      SearchedCodes(xs, out, first + static_cast<size_t>(s), -32, 31, Ls);
    }
  }
  // Element 128h + 32f + l: low nibble in ql[64h + 32(f & 1) + l] (high
  // nibble for f >= 2), high two bits at bits 2f of qh[32h + l].
  for (int h = 0; h < 2; ++h) {
    uint8_t* ql = block + kQ6_KQlOffset + 64 * h;
    PackFields<4, 2>(L + 128 * h, 64, 0x0F, ql);
    PackFields<4, 2>(L + 128 * h + 32, 64, 0x0F, ql + 32);
    PackFields<2, 4, 4>(L + 128 * h, 32, 0x03, block + kQ6_KQhOffset + 32 * h);
  }
}

// The row drivers work in chunks of kSymChunkBlocks super-blocks: check
// them for NaN/Inf, search them bundle by bundle (prefetching the next
// chunk meanwhile), then finish each super-block.
// Searches every sub-block of the chunk of `count` super-blocks at cx,
// bundle by bundle (search(columns, out, first sub-block)), prefetching the
// `next` super-blocks meanwhile.
template <class Search>
HWY_INLINE void SearchChunk(const float* cx, size_t count, size_t next, SymmetricColumns* columns,
                            SymmetricOutput* out, const Search& search) {
  const size_t bundle = kSearchBCInterleave * hn::Lanes(KqF());
  const size_t subs = count * kSubsPerSuperBlock;
  for (size_t j = 0; j < subs; j += bundle) {
    if (j * kSymSub < next * kSuperBlock) {
      KqPrefetch(cx + count * kSuperBlock + j * kSymSub, std::min(bundle * kSymSub, next * kSuperBlock - j * kSymSub));
    }
    ToColumns(cx + j * kSymSub, kSymSub, std::min(bundle, subs - j), bundle, columns->x);
    search(columns, out, j);
  }
}

HWY_INLINE bool QuantizeRowQ6_K(const float* x, uint8_t* y, int64_t k) {
  SymmetricColumns columns;
  SymmetricOutput out;
  const int64_t blocks = k / kSuperBlock;
  for (int64_t b = 0; b < blocks; b += kSymChunkBlocks) {
    const size_t count = static_cast<size_t>(std::min<int64_t>(kSymChunkBlocks, blocks - b));
    const float* cx = x + b * kSuperBlock;
    if (!KqAllFinite(cx, count * kSuperBlock)) return false;
    const size_t next =
        static_cast<size_t>(std::min<int64_t>(kSymChunkBlocks, blocks - b - static_cast<int64_t>(count)));
    SearchChunk(cx, count, next, &columns, &out,
                [](SymmetricColumns* c, SymmetricOutput* o, size_t j) { SearchBColumns(c, o, j); });
    for (size_t s = 0; s < count; ++s) {
      FinishQ6_K(cx + s * kSuperBlock, out, s * kSubsPerSuperBlock, y + (static_cast<size_t>(b) + s) * kQ6_KBytes);
    }
  }
  return true;
}

// Q3_K searches twice: every sub-block is screened (SearchCScreenColumns),
// then only the descending ones, gathered into full bundles, run step 3.
HWY_INLINE bool QuantizeRowQ3_K(const float* x, uint8_t* y, int64_t k) {
  const size_t bundle = kSearchBCInterleave * hn::Lanes(KqF());
  SymmetricColumns columns;
  SymmetricOutput out;
  HWY_ALIGN float descent_codes[kSymChunkSubs * kSymSub];
  HWY_ALIGN float descent_scales[kSymChunkSubs];
  uint16_t descending[kSymChunkSubs];
  const int64_t blocks = k / kSuperBlock;
  for (int64_t b = 0; b < blocks; b += kSymChunkBlocks) {
    const size_t count = static_cast<size_t>(std::min<int64_t>(kSymChunkBlocks, blocks - b));
    const float* cx = x + b * kSuperBlock;
    if (!KqAllFinite(cx, count * kSuperBlock)) return false;
    const size_t next =
        static_cast<size_t>(std::min<int64_t>(kSymChunkBlocks, blocks - b - static_cast<int64_t>(count)));
    const size_t subs = count * kSubsPerSuperBlock;
    SearchChunk(cx, count, next, &columns, &out,
                [](SymmetricColumns* c, SymmetricOutput* o, size_t j) { SearchCScreenColumns(c, o, j); });
    size_t descents = 0;
    for (size_t j = 0; j < subs; ++j) {  // without branches: unpredictable
      out.descent_slot[j] = static_cast<uint16_t>(descents);
      descending[descents] = static_cast<uint16_t>(j);
      descents += out.descends[j] != 0.0f ? 1 : 0;
    }
    for (size_t slot = 0; slot < descents; slot += bundle) {
      const size_t n = std::min(bundle, descents - slot);
      ToColumnsIndexed(cx, kSymSub, descending + slot, n, bundle, columns.x);
      SearchCDescentColumns(&columns, descent_codes + slot * kSymSub, descent_scales + slot);
      for (size_t i = 0; i < n; ++i) out.scale[descending[slot + i]] = descent_scales[slot + i];
    }
    for (size_t s = 0; s < count; ++s) {
      FinishQ3_K(cx + s * kSuperBlock, out, s * kSubsPerSuperBlock, descent_codes, bundle,
                 y + (static_cast<size_t>(b) + s) * kQ3_KBytes);
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Dequantization (§3.1): y = dl * q.

HWY_INLINE void StoreScaled(KqVI q, float dl, float* y) {
  const KqF df;
  hn::StoreU(hn::Mul(hn::Set(df, dl), hn::ConvertTo(df, q)), df, y);
}

// Sub-block s holds elements 128h + 32f + 16(s % 2) + j with h = s / 8,
// f = (s % 8) / 2: byte 32h + 16(s % 2) + j of a 2-bit plane, bits 2f.
HWY_INLINE void DequantizeRowQ3_K(const uint8_t* x, float* y, int64_t k) {
  const KqI di;
  const size_t N = hn::Lanes(KqF());
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kQ3_KBytes, y += kSuperBlock) {
    const float d = Fp16ToFp32(LoadLE16(x + kQ3_KDOffset));
    for (int s = 0; s < static_cast<int>(kSubsPerSuperBlock); ++s) {
      const float dl = d * static_cast<float>(Q3_KScaleCode(x + kQ3_KScalesOffset, s) - 32);
      const int l0 = 16 * (s % 2);
      const uint8_t* qs = x + kQ3_KQsOffset + 32 * (s / 8) + l0;
      // The high bit of element i is bit i / 32 = s / 2 of hmask[i % 32].
      const uint8_t* hmask = x + kQ3_KHmaskOffset + l0;
      for (size_t j = 0; j < static_cast<size_t>(kSymSub); j += N) {
        const KqVI low = CodeBits(qs + j, 2 * ((s % 8) / 2), 3);
        const KqVI high = CodeBits(hmask + j, s / 2, 1);
        StoreScaled(hn::Sub(hn::Or(low, hn::ShiftLeft<2>(high)), hn::Set(di, 4)), dl, y + kSymSub * s + j);
      }
    }
  }
}

HWY_INLINE void DequantizeRowQ6_K(const uint8_t* x, float* y, int64_t k) {
  const KqI di;
  const size_t N = hn::Lanes(KqF());
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kQ6_KBytes, y += kSuperBlock) {
    const float d = Fp16ToFp32(LoadLE16(x + kQ6_KDOffset));
    const int8_t* scales = reinterpret_cast<const int8_t*>(x + kQ6_KScalesOffset);
    for (int s = 0; s < static_cast<int>(kSubsPerSuperBlock); ++s) {
      const float dl = d * static_cast<float>(scales[s]);
      const int h = s / 8;
      const int f = (s % 8) / 2;
      const int l0 = 16 * (s % 2);
      const uint8_t* ql = x + kQ6_KQlOffset + 64 * h + 32 * (f & 1) + l0;
      const uint8_t* qh = x + kQ6_KQhOffset + 32 * h + l0;
      for (size_t j = 0; j < static_cast<size_t>(kSymSub); j += N) {
        const KqVI low = CodeBits(ql + j, f < 2 ? 0 : 4, 0x0F);
        const KqVI high = CodeBits(qh + j, 2 * f, 3);
        StoreScaled(hn::Sub(hn::Or(low, hn::ShiftLeft<4>(high)), hn::Set(di, 32)), dl, y + kSymSub * s + j);
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_KQUANT_BC_INL_H_
