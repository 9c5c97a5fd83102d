// K-quant (Q2_K, Q3_K, Q4_K, Q5_K, Q6_K) x Q8_K matmul kernels; the scalar
// reference is KQuantKernel in kquants_dot_ref.cc, reproduced bit for bit.
//
// Weight rows are streamed one at a time, a single sequential stream that
// the hardware prefetcher follows (software prefetching measured slower
// here). Each 256-element super-block is decoded once into eight 32-element
// chunks of unsigned codes u in element order, so that activations are read
// in place, plus each chunk's sub-block scales; then for every activation
// row vpmaddubsw forms u * q pair sums in 16-bit lanes (at most 63 * 127 * 2:
// no saturation) and a 16-bit multiply-add with the scales (AVX3_DL:
// vpdpwssd) accumulates them in 32-bit lanes. Codes stored with an offset
// (Q3_K + 4, Q6_K + 32) have offset * sum_s scale_s * bsum_s removed after,
// and the min part is sum_s min_s * bsum_s, both from Q8_K's per-16 code
// sums. 32-bit lanes stay below 2^28 (63 * 127 * 128 * 256 for Q6_K's u).
// The exact per-block sums are kept for a segment of blocks and then
// reduced and put through the reference's f32 epilogue 8 blocks at a time.
// Targets without vpmaddubsw (below AVX2) decode and sum in scalar code as
// the reference does.
#if defined(AXQ_MATMUL_KQUANTS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_MATMUL_KQUANTS_INL_H_
#undef AXQ_MATMUL_KQUANTS_INL_H_
#else
#define AXQ_MATMUL_KQUANTS_INL_H_
#endif

#include <algorithm>
#include <cstring>
#include <vector>

#include "hwy/highway.h"
#include "src/matmul/int8_dot-inl.h"
#include "src/matmul/kquant_blocks.h"
#include "src/matmul/matmul_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if AXQ_NATIVE_INT8_DOT

using VU8 = hn::Vec256<uint8_t>;
using VI16 = hn::Vec256<int16_t>;
using VI32 = hn::Vec256<int32_t>;

// One super-block ready for the dot products.
struct KChunks {
  VU8 codes[8];    // u of elements 32j .. 32j + 31
  VI16 scales[8];  // chunk j's scale for each 16-bit pair-sum lane
  VI16 adjust;     // per-16 multipliers of Q8_K's sums: mins, or scales (offset removal)
  float d, dmin;
};

// v's bits moved by kBits within each byte (left for kBits > 0) and masked:
// a 16-bit shift whose bits crossing into the neighbouring byte `mask`
// removes.
template <int kBits>
HWY_INLINE VU8 MoveBits(VU8 v, uint8_t mask) {
  const hn::Full256<uint16_t> d16;
  const hn::Full256<uint8_t> d8;
  hn::Vec256<uint16_t> w = hn::BitCast(d16, v);
  if constexpr (kBits > 0) {
    w = hn::ShiftLeft<kBits>(w);
  } else if constexpr (kBits < 0) {
    w = hn::ShiftRight<-kBits>(w);
  }
  return hn::And(hn::BitCast(d8, w), hn::Set(d8, mask));
}

AXQ_KERNEL_ATTR HWY_INLINE float HalfAt(const uint8_t* p) { return _cvtsh_ss(LoadLE16(p)); }  // exact

// Chunk scales from 16 per-16 scales (Q2_K, Q3_K, Q6_K): chunk j holds
// scale 2j in its low 128 bits (elements 0..15) and 2j + 1 in the high.
AXQ_KERNEL_ATTR HWY_INLINE void SixteenScales(VI16 s16, KChunks* k) {
  const hn::Full256<int16_t> d16;
  const hn::Full256<uint8_t> d8;
  // Word 2t of the 128-bit block in the low half, word 2t + 1 in the high.
  alignas(32) static constexpr uint8_t kPick[4][32] = {
      {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3},
      {4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7},
      {8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11},
      {12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 12, 13,
       14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15, 14, 15}};
  const VI16 low = hn::ConcatLowerLower(d16, s16, s16);   // scales 0..7 in both halves
  const VI16 high = hn::ConcatUpperUpper(d16, s16, s16);  // 8..15
  for (int t = 0; t < 4; ++t) {
    const VU8 pick = hn::Load(d8, kPick[t]);
    k->scales[t] = hn::BitCast(d16, hn::TableLookupBytes(hn::BitCast(d8, low), pick));
    k->scales[4 + t] = hn::BitCast(d16, hn::TableLookupBytes(hn::BitCast(d8, high), pick));
  }
}

// Q4_K/Q5_K: the 12-byte scale/min field (SM of FORMATS.md §3) as bytes
// sc0..sc7, m0..m7, then chunk j's scale sc_j and the mins, each repeated
// for the two Q8_K sums of its sub-block.
AXQ_KERNEL_ATTR HWY_INLINE void ScaleMin6(const uint8_t* field, KChunks* k) {
  uint32_t w[3];
  for (int i = 0; i < 3; ++i) std::memcpy(&w[i], field + 4 * i, 4);
  const uint32_t sc_low = w[0] & 0x3F3F3F3Fu;
  const uint32_t m_low = w[1] & 0x3F3F3F3Fu;
  // Sub-blocks 4..7: low 4 bits in w[2]'s nibbles, top 2 bits in the spare
  // top bits of w[0] (scales) and w[1] (mins).
  const uint32_t sc_high = (w[2] & 0x0F0F0F0Fu) | ((w[0] >> 2) & 0x30303030u);
  const uint32_t m_high = ((w[2] >> 4) & 0x0F0F0F0Fu) | ((w[1] >> 2) & 0x30303030u);
  const hn::Full256<uint8_t> d8;
  const hn::Full256<int16_t> d16;
  // Lane by lane in registers (a vector load of stored lanes would stall
  // on store forwarding).
  const hn::Vec128<uint8_t> bytes{_mm_setr_epi32(static_cast<int>(sc_low), static_cast<int>(sc_high),
                                                 static_cast<int>(m_low), static_cast<int>(m_high))};
  const VU8 both = hn::Combine(d8, bytes, bytes);
  // 0x80 bytes give 0: each byte becomes a zero-extended 16-bit lane.
  alignas(32) static constexpr uint8_t kMins[32] = {
      8,  0x80, 8,  0x80, 9,  0x80, 9,  0x80, 10, 0x80, 10, 0x80, 11, 0x80, 11, 0x80,
      12, 0x80, 12, 0x80, 13, 0x80, 13, 0x80, 14, 0x80, 14, 0x80, 15, 0x80, 15, 0x80};
  k->adjust = hn::BitCast(d16, hn::TableLookupBytesOr0(both, hn::Load(d8, kMins)));
  const hn::Full256<uint16_t> du16;
  for (int j = 0; j < 8; ++j) {
    const VU8 pick = hn::BitCast(d8, hn::Set(du16, static_cast<uint16_t>(0x8000 | j)));
    k->scales[j] = hn::BitCast(d16, hn::TableLookupBytesOr0(both, pick));
  }
}

// --- Decoders: FORMATS.md §3.1 in 32-element chunks ----------------------

AXQ_KERNEL_ATTR HWY_INLINE void DecodeChunks(Q2KLayout, const uint8_t* b, KChunks* k) {
  using L = Q2KLayout;
  const hn::Full256<uint8_t> d8;
  for (int h = 0; h < 2; ++h) {  // element 128h + 32n + l: bits 2n of qs[32h + l]
    const VU8 v = hn::LoadU(d8, b + L::kQs + 32 * h);
    k->codes[4 * h] = hn::And(v, hn::Set(d8, 3));
    k->codes[4 * h + 1] = MoveBits<-2>(v, 3);
    k->codes[4 * h + 2] = MoveBits<-4>(v, 3);
    k->codes[4 * h + 3] = MoveBits<-6>(v, 3);
  }
  const hn::Full256<uint16_t> du16;
  const hn::Full256<int16_t> d16;
  const hn::Vec256<uint16_t> fields = hn::PromoteTo(du16, hn::LoadU(hn::Full128<uint8_t>(), b + L::kScales));
  SixteenScales(hn::BitCast(d16, hn::And(fields, hn::Set(du16, 0x0F))), k);
  k->adjust = hn::BitCast(d16, hn::ShiftRight<4>(fields));  // mins
  k->d = HalfAt(b + L::kD);
  k->dmin = HalfAt(b + L::kDmin);
}

AXQ_KERNEL_ATTR HWY_INLINE void DecodeChunks(Q3KLayout, const uint8_t* b, KChunks* k) {
  using L = Q3KLayout;
  const hn::Full256<uint8_t> d8;
  const VU8 hm = hn::LoadU(d8, b + L::kHmask);  // bit j of hmask[l]: element 32j + l
  const VU8 q0 = hn::LoadU(d8, b + L::kQs), q1 = hn::LoadU(d8, b + L::kQs + 32);
  const VU8 three = hn::Set(d8, 3);
  // u = low 2 bits + 4 * high bit = code + 4.
  k->codes[0] = hn::Or(hn::And(q0, three), MoveBits<2>(hm, 4));
  k->codes[1] = hn::Or(MoveBits<-2>(q0, 3), MoveBits<1>(hm, 4));
  k->codes[2] = hn::Or(MoveBits<-4>(q0, 3), hn::And(hm, hn::Set(d8, 4)));
  k->codes[3] = hn::Or(MoveBits<-6>(q0, 3), MoveBits<-1>(hm, 4));
  k->codes[4] = hn::Or(hn::And(q1, three), MoveBits<-2>(hm, 4));
  k->codes[5] = hn::Or(MoveBits<-2>(q1, 3), MoveBits<-3>(hm, 4));
  k->codes[6] = hn::Or(MoveBits<-4>(q1, 3), MoveBits<-4>(hm, 4));
  k->codes[7] = hn::Or(MoveBits<-6>(q1, 3), MoveBits<-5>(hm, 4));
  // Biased 6-bit scale codes: low 4 bits in the nibbles of bytes 0..7, top
  // 2 bits in bytes 8..11 at 2 * (s / 4) of byte 8 + s % 4.
  uint32_t w[3];
  for (int i = 0; i < 3; ++i) std::memcpy(&w[i], b + L::kScales + 4 * i, 4);
  const uint32_t scale_codes[4] = {
      (w[0] & 0x0F0F0F0Fu) | ((w[2] << 4) & 0x30303030u), (w[1] & 0x0F0F0F0Fu) | ((w[2] << 2) & 0x30303030u),
      ((w[0] >> 4) & 0x0F0F0F0Fu) | (w[2] & 0x30303030u), ((w[1] >> 4) & 0x0F0F0F0Fu) | ((w[2] >> 2) & 0x30303030u)};
  const hn::Full256<int16_t> d16;
  const hn::Vec128<uint8_t> bytes{_mm_setr_epi32(static_cast<int>(scale_codes[0]),
                                                 static_cast<int>(scale_codes[1]),
                                                 static_cast<int>(scale_codes[2]),
                                                 static_cast<int>(scale_codes[3]))};
  const VI16 scales = hn::Sub(hn::BitCast(d16, hn::PromoteTo(hn::Full256<uint16_t>(), bytes)), hn::Set(d16, 32));
  SixteenScales(scales, k);
  k->adjust = scales;
  k->d = HalfAt(b + L::kD);
  k->dmin = 0.0f;
}

// Q4_K/Q5_K: element 64c + l is the low nibble of qs[32c + l] (chunk 2c),
// element 64c + 32 + l its high nibble (chunk 2c + 1).
AXQ_KERNEL_ATTR HWY_INLINE void Nibbles(const uint8_t* qs, KChunks* k) {
  const hn::Full256<uint8_t> d8;
  for (int c = 0; c < 4; ++c) {
    const VU8 v = hn::LoadU(d8, qs + 32 * c);
    k->codes[2 * c] = hn::And(v, hn::Set(d8, 0x0F));
    k->codes[2 * c + 1] = MoveBits<-4>(v, 0x0F);
  }
}

AXQ_KERNEL_ATTR HWY_INLINE void DecodeChunks(Q4KLayout, const uint8_t* b, KChunks* k) {
  using L = Q4KLayout;
  Nibbles(b + L::kQs, k);
  ScaleMin6(b + L::kScales, k);
  k->d = HalfAt(b + L::kD);
  k->dmin = HalfAt(b + L::kDmin);
}

AXQ_KERNEL_ATTR HWY_INLINE void DecodeChunks(Q5KLayout, const uint8_t* b, KChunks* k) {
  using L = Q5KLayout;
  Nibbles(b + L::kQs, k);
  const VU8 qh = hn::LoadU(hn::Full256<uint8_t>(), b + L::kQh);  // bit j of qh[l]: element 32j + l
  k->codes[0] = hn::Or(k->codes[0], MoveBits<4>(qh, 0x10));
  k->codes[1] = hn::Or(k->codes[1], MoveBits<3>(qh, 0x10));
  k->codes[2] = hn::Or(k->codes[2], MoveBits<2>(qh, 0x10));
  k->codes[3] = hn::Or(k->codes[3], MoveBits<1>(qh, 0x10));
  k->codes[4] = hn::Or(k->codes[4], MoveBits<0>(qh, 0x10));
  k->codes[5] = hn::Or(k->codes[5], MoveBits<-1>(qh, 0x10));
  k->codes[6] = hn::Or(k->codes[6], MoveBits<-2>(qh, 0x10));
  k->codes[7] = hn::Or(k->codes[7], MoveBits<-3>(qh, 0x10));
  ScaleMin6(b + L::kScales, k);
  k->d = HalfAt(b + L::kD);
  k->dmin = HalfAt(b + L::kDmin);
}

AXQ_KERNEL_ATTR HWY_INLINE void DecodeChunks(Q6KLayout, const uint8_t* b, KChunks* k) {
  using L = Q6KLayout;
  const hn::Full256<uint8_t> d8;
  const VU8 low_mask = hn::Set(d8, 0x0F);
  for (int h = 0; h < 2; ++h) {
    // Element 128h + 32n + l: nibble of ql[64h + l + 32 (n & 1)] (low for
    // n < 2) and bits 2n of qh[32h + l] on top; u = code + 32.
    const VU8 l0 = hn::LoadU(d8, b + L::kQl + 64 * h), l1 = hn::LoadU(d8, b + L::kQl + 64 * h + 32);
    const VU8 hh = hn::LoadU(d8, b + L::kQh + 32 * h);
    k->codes[4 * h] = hn::Or(hn::And(l0, low_mask), MoveBits<4>(hh, 0x30));
    k->codes[4 * h + 1] = hn::Or(hn::And(l1, low_mask), MoveBits<2>(hh, 0x30));
    k->codes[4 * h + 2] = hn::Or(MoveBits<-4>(l0, 0x0F), hn::And(hh, hn::Set(d8, 0x30)));
    k->codes[4 * h + 3] = hn::Or(MoveBits<-4>(l1, 0x0F), MoveBits<-2>(hh, 0x30));
  }
  const VI16 scales = hn::PromoteTo(hn::Full256<int16_t>(),
                                    hn::LoadU(hn::Full128<int8_t>(), reinterpret_cast<const int8_t*>(b + L::kScales)));
  SixteenScales(scales, k);
  k->adjust = scales;
  k->d = HalfAt(b + L::kD);
  k->dmin = 0.0f;
}

// --- Dot products and reduction -------------------------------------------

// acc + (u * q pair sums) * scale, in 32-bit lanes.
AXQ_KERNEL_ATTR HWY_INLINE VI32 ScaledDot(VI32 acc, VU8 codes, const int8_t* act, VI16 scale) {
  const __m256i pairs =
      _mm256_maddubs_epi16(codes.raw, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(act)));
#if HWY_TARGET == HWY_AVX3_DL
  // EVEX spelled out: see DotU8I8x32 in int8_dot-inl.h.
  __m256i sum = acc.raw;
  asm("%{evex%} vpdpwssd %[s], %[p], %[sum]" : [sum] "+v"(sum) : [p] "v"(pairs), [s] "v"(scale.raw));
  return VI32{sum};
#else
  return VI32{_mm256_add_epi32(acc.raw, _mm256_madd_epi16(pairs, scale.raw))};
#endif
}

// sumi (and summ, or the offset removed from sumi) of one block against
// one activation row's 256 codes and 16 sums, in 8 lanes each.
template <class L>
AXQ_KERNEL_ATTR HWY_INLINE void ActivationSums(const KChunks& k, const int8_t* act, const int16_t* sum16,
                                               VI32* sumi, VI32* summ) {
  const hn::Full256<int32_t> d32;
  VI32 even = hn::Zero(d32), odd = hn::Zero(d32);  // two dependency chains
  for (int j = 0; j < 8; j += 2) {
    even = ScaledDot(even, k.codes[j], act + 32 * j, k.scales[j]);
    odd = ScaledDot(odd, k.codes[j + 1], act + 32 * (j + 1), k.scales[j + 1]);
  }
  VI32 dot = hn::Add(even, odd);
  const __m256i sums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sum16));
  const VI32 adjust{_mm256_madd_epi16(k.adjust.raw, sums)};
  if constexpr (L::kHasMin) {
    *summ = adjust;
  } else {
    static_assert(L::kCodeOffset == 4 || L::kCodeOffset == 32, "offset removal is a shift");
    dot = hn::Sub(dot, hn::ShiftLeft<L::kCodeOffset == 4 ? 2 : 5>(adjust));
  }
  *sumi = dot;
}

// Lane j: the sum of the 8 lanes of v[j]. (Interleaves and adds: vphaddd
// is slow on some CPUs, 2 cycles on Zen 4.)
AXQ_KERNEL_ATTR HWY_INLINE VI32 SumLanes8(const VI32* v) {
  __m256i quad[2];
  for (int q = 0; q < 2; ++q) {
    // Lanes 0..3 of each half: the pairwise sums of v[4q] .. v[4q + 3].
    const __m256i a = _mm256_add_epi32(_mm256_unpacklo_epi32(v[4 * q].raw, v[4 * q + 1].raw),
                                       _mm256_unpackhi_epi32(v[4 * q].raw, v[4 * q + 1].raw));
    const __m256i b = _mm256_add_epi32(_mm256_unpacklo_epi32(v[4 * q + 2].raw, v[4 * q + 3].raw),
                                       _mm256_unpackhi_epi32(v[4 * q + 2].raw, v[4 * q + 3].raw));
    quad[q] = _mm256_add_epi32(_mm256_unpacklo_epi64(a, b), _mm256_unpackhi_epi64(a, b));
  }
  // quad[q]: v[4q + j] summed over each 128-bit half in lane j of that half.
  return VI32{_mm256_add_epi32(_mm256_permute2x128_si256(quad[0], quad[1], 0x20),
                               _mm256_permute2x128_si256(quad[0], quad[1], 0x31))};
}

// Blocks are handled in segments: every block of a segment is decoded once
// and its 8-lane sums against every activation row are stored; then each
// activation row's f32 epilogue runs over the segment, 8 blocks per vector.
// The blocks thus form no dependency chain, and the reductions and the
// epilogue are shared by 8 blocks.
constexpr int64_t kSegmentBlocks = 16;

struct SegmentBuffers {
  explicit SegmentBuffers(int64_t acts) : sums(static_cast<size_t>(acts * kSegmentBlocks * 16)) {}
  std::vector<int32_t> sums;  // [act][block][sumi 8 | summ 8]
  float dw[kSegmentBlocks];
  float dmin[kSegmentBlocks];
};

// acc + the terms of blocks first .. first + count - 1 of activation row n,
// added in block order; sums as SegmentBuffers::sums for that row. Vectors
// are loaded from where they lie (building them lane by lane through the
// stack would stall on store forwarding), except in a last partial group.
template <class L>
AXQ_KERNEL_ATTR HWY_INLINE float SegmentEpilogue(const MatmulProblem& p, const SegmentBuffers& seg,
                                                 const int32_t* sums, int64_t n, int64_t first, int64_t count,
                                                 float acc) {
  const hn::Full256<float> df;
  const hn::Full256<int32_t> d32;
  const float* dx_row = p.x.d + n * p.x.blocks + first;
  for (int64_t i0 = 0; i0 < count; i0 += 8) {
    const int64_t here = std::min<int64_t>(8, count - i0);
    VI32 sumi[8], summ[8];
    hn::Vec256<float> dx, dw, dmin;
    if (here == 8) {
      for (int64_t j = 0; j < 8; ++j) {
        sumi[j] = hn::LoadU(d32, sums + (i0 + j) * 16);
        summ[j] = hn::LoadU(d32, sums + (i0 + j) * 16 + 8);
      }
      dx = hn::LoadU(df, dx_row + i0);
      dw = hn::LoadU(df, seg.dw + i0);
      dmin = hn::LoadU(df, seg.dmin + i0);
    } else {
      HWY_ALIGN float part[3][8] = {};
      for (int64_t j = 0; j < 8; ++j) {
        const bool used = j < here;
        sumi[j] = used ? hn::LoadU(d32, sums + (i0 + j) * 16) : hn::Zero(d32);
        summ[j] = used ? hn::LoadU(d32, sums + (i0 + j) * 16 + 8) : hn::Zero(d32);
        if (used) {
          part[0][j] = dx_row[i0 + j];
          part[1][j] = seg.dw[i0 + j];
          part[2][j] = seg.dmin[i0 + j];
        }
      }
      dx = hn::Load(df, part[0]);
      dw = hn::Load(df, part[1]);
      dmin = hn::Load(df, part[2]);
    }
    hn::Vec256<float> term = hn::Mul(hn::Mul(dw, dx), hn::ConvertTo(df, SumLanes8(sumi)));
    if (L::kHasMin) term = hn::Sub(term, hn::Mul(hn::Mul(dmin, dx), hn::ConvertTo(df, SumLanes8(summ))));
    HWY_ALIGN float terms[8];
    hn::Store(term, df, terms);
    for (int64_t j = 0; j < here; ++j) acc = acc + terms[j];
  }
  return acc;
}

template <class L>
AXQ_KERNEL_ATTR HWY_NOINLINE void MatmulKQuant(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  const hn::Full256<int32_t> d32;
  const int64_t blocks = p.k / kSuperBlock;
  const int64_t acts = p.x.rows;
  SegmentBuffers seg(acts);
  std::vector<float> acc(static_cast<size_t>(acts));
  for (int64_t row = row_begin; row < row_end; ++row) {
    const uint8_t* w = p.w + row * p.w_row_bytes;
    std::fill(acc.begin(), acc.end(), 0.0f);
    for (int64_t first = 0; first < blocks; first += kSegmentBlocks) {
      const int64_t count = std::min(kSegmentBlocks, blocks - first);
      for (int64_t i = 0; i < count; ++i) {
        const int64_t b = first + i;
        const uint8_t* block = w + b * L::kBytes;
        KChunks k;
        DecodeChunks(L(), block, &k);
        seg.dw[i] = k.d;
        seg.dmin[i] = k.dmin;
        for (int64_t n = 0; n < acts; ++n) {
          VI32 sumi, summ = hn::Zero(d32);
          ActivationSums<L>(k, p.x.q + n * p.x.q_stride + b * kSuperBlock, p.x.sum16 + (n * p.x.blocks + b) * kQ8KSums,
                            &sumi, &summ);
          int32_t* out = seg.sums.data() + (n * kSegmentBlocks + i) * 16;
          hn::StoreU(sumi, d32, out);
          hn::StoreU(summ, d32, out + 8);
        }
      }
      for (int64_t n = 0; n < acts; ++n) {
        acc[static_cast<size_t>(n)] = SegmentEpilogue<L>(p, seg, seg.sums.data() + n * kSegmentBlocks * 16, n, first,
                                                         count, acc[static_cast<size_t>(n)]);
      }
    }
    for (int64_t n = 0; n < acts; ++n) p.y[n * p.m + row] = acc[static_cast<size_t>(n)];
  }
}

#else  // no vpmaddubsw: scalar decode and sums, as the reference

template <class L>
HWY_NOINLINE void MatmulKQuant(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  const int64_t blocks = p.k / kSuperBlock;
  std::vector<float> acc(static_cast<size_t>(p.x.rows));
  KQuantDecoded block;
  for (int64_t row = row_begin; row < row_end; ++row) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    for (int64_t b = 0; b < blocks; ++b) {
      DecodeKBlock(L(), p.w + row * p.w_row_bytes + b * L::kBytes, &block);
      for (int64_t n = 0; n < p.x.rows; ++n) {
        const int64_t xb = n * p.x.blocks + b;
        int32_t sumi = 0, summ = 0;
        KBlockSums<L>(block, p.x.q + n * p.x.q_stride + b * kSuperBlock, p.x.sum16 + xb * kQ8KSums, &sumi,
                      &summ);
        float term = (block.d * p.x.d[xb]) * static_cast<float>(sumi);
        if (L::kHasMin) term = term - (block.dmin * p.x.d[xb]) * static_cast<float>(summ);
        acc[static_cast<size_t>(n)] = acc[static_cast<size_t>(n)] + term;
      }
    }
    for (int64_t n = 0; n < p.x.rows; ++n) p.y[n * p.m + row] = acc[static_cast<size_t>(n)];
  }
}

#endif

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_MATMUL_KQUANTS_INL_H_
