// I2_S x I8_S matmul kernel; the scalar reference is I2sKernel in dot_ref.cc.
// Integer sums are exact, so any order gives the reference's result.
//
// Each 64 weight bytes hold two 128-blocks; shifting them by 6, 4, 2, 0 and
// masking gives the 2-bit codes of 32-element groups 0..3 of both blocks,
// which PreparedActivations lays out contiguously (I2sActivationPosition).
// A tile of weight rows x activation rows shares every unpacked code vector
// and every activation load.
#if defined(AXQ_MATMUL_I2S_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_MATMUL_I2S_INL_H_
#undef AXQ_MATMUL_I2S_INL_H_
#else
#define AXQ_MATMUL_I2S_INL_H_
#endif

#include "hwy/highway.h"
#include "src/matmul/int8_dot-inl.h"
#include "src/matmul/matmul_kernels.h"
#include "src/quant/ternary_layout.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_TARGET <= HWY_AVX3
constexpr int kI2sTileRows = 4;  // 16 accumulators of 32 registers
constexpr int kI2sTileActs = 4;
#else
constexpr int kI2sTileRows = 2;
constexpr int kI2sTileActs = 2;
#endif

// Weights are streamed once. A single core keeps few L1 misses in flight,
// so the weights are requested into L2 (locality 2 = prefetcht1) this far
// ahead, several rows into the future (rows are contiguous); measured best
// on the development machine (AMD EPYC, DDR5), within the noise of 12-16 KiB.
constexpr int64_t kI2sPrefetchBytes = 16384;

// The last 128-block of an odd-length row sits in natural order.
HWY_INLINE int64_t I2sTailDot(const uint8_t* w, const int8_t* a, int64_t k) {
  const int64_t first = k - kI2sBlock;
  const uint8_t* codes = w + first / 4;
  int64_t dot = 0;
  for (int i = 0; i < kI2sBlock; ++i) dot += I2sCode(codes, i) * a[first + i];
  return dot;
}

#if AXQ_NATIVE_INT8_DOT

// vpdpbusd takes codes up to 255 without saturating, so on AVX3_DL the codes
// can stay at their bit position (up to 192); vpmaddubsw's 16-bit pairs
// would saturate at that size.
constexpr bool kMaskedGroups = HWY_TARGET == HWY_AVX3_DL;

// kG accumulators per (row, activation) pair: with a single activation row
// the four groups of a chunk feed separate dependency chains.
template <int kShift, int kR, int kC, int kG, class DU8, class DI8, class V32>
AXQ_KERNEL_ATTR HWY_INLINE void I2sGroup(DU8 du8, DI8 di8, const hn::Vec<DU8>* w, const int8_t* const* act,
                         int64_t offset, V32 (*acc)[kC][kG]) {
  constexpr int g = (6 - kShift) / 2 % kG;
  hn::Vec<DU8> codes[kR];
  if (kMaskedGroups && kG == 4) {
    // code << kShift, left in place: one AND instead of a shift and an AND;
    // the group's accumulator is scaled back at the end.
    const hn::Vec<DU8> mask = hn::Set(du8, static_cast<uint8_t>(3 << kShift));
    for (int r = 0; r < kR; ++r) codes[r] = hn::And(w[r], mask);
  } else {
    const hn::Vec<DU8> three = hn::Set(du8, 3);
    for (int r = 0; r < kR; ++r) codes[r] = hn::And(hn::ShiftRight<kShift>(w[r]), three);
  }
  for (int c = 0; c < kC; ++c) {
    const hn::Vec<DI8> a = hn::LoadU(di8, act[c] + offset);
    for (int r = 0; r < kR; ++r) acc[r][c][g] = DotU8I8(acc[r][c][g], codes[r], a);
  }
}

template <int kR, int kC>
AXQ_KERNEL_ATTR HWY_INLINE void I2sTileDots(const uint8_t* const* w, const int8_t* const* act, int64_t k,
                            int64_t (*raw)[kC]) {
  const hn::ScalableTag<uint8_t> du8;
  const hn::Repartition<int8_t, decltype(du8)> di8;
  const hn::Repartition<int32_t, decltype(du8)> di32;
  using V32 = hn::Vec<decltype(di32)>;
  constexpr int kG = kC == 1 ? 4 : 1;
  V32 acc[kR][kC][kG];
  for (int r = 0; r < kR; ++r) {
    for (int c = 0; c < kC; ++c) {
      for (int g = 0; g < kG; ++g) acc[r][c][g] = hn::Zero(di32);
    }
  }
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(du8));
  for (int64_t pair = 0; pair < k / 256; ++pair) {
    for (int64_t o = 0; o < 64; o += lanes) {
      hn::Vec<decltype(du8)> wv[kR];
      for (int r = 0; r < kR; ++r) {
        __builtin_prefetch(w[r] + pair * 64 + o + kI2sPrefetchBytes, 0, 2);
        wv[r] = hn::LoadU(du8, w[r] + pair * 64 + o);
      }
      const int64_t base = pair * 256 + o;
      I2sGroup<6, kR, kC, kG>(du8, di8, wv, act, base, acc);
      I2sGroup<4, kR, kC, kG>(du8, di8, wv, act, base + 64, acc);
      I2sGroup<2, kR, kC, kG>(du8, di8, wv, act, base + 128, acc);
      I2sGroup<0, kR, kC, kG>(du8, di8, wv, act, base + 192, acc);
    }
  }
  for (int r = 0; r < kR; ++r) {
    for (int c = 0; c < kC; ++c) {
      if (kMaskedGroups && kG == 4) {
        // Group g's sums carry a factor 2^(6 - 2g); every one is a multiple
        // of it, so the shifts are exact.
        V32 total = hn::ShiftRight<6>(acc[r][c][0]);
        total = hn::Add(total, hn::ShiftRight<4>(acc[r][c][1]));
        total = hn::Add(total, hn::ShiftRight<2>(acc[r][c][2]));
        total = hn::Add(total, acc[r][c][3]);
        raw[r][c] = hn::GetLane(hn::SumOfLanes(di32, total));
      } else {
        V32 total = acc[r][c][0];
        for (int g = 1; g < kG; ++g) total = hn::Add(total, acc[r][c][g]);
        raw[r][c] = hn::GetLane(hn::SumOfLanes(di32, total));
      }
    }
  }
}

#else  // portable: 16-bit lanes

template <int kShift, int kR, int kC, class D16, class V32>
HWY_INLINE void I2sGroup(D16 d16, const hn::Vec<D16>* w, const int8_t* const* act,
                         int64_t offset, V32 (*acc0)[kC], V32 (*acc1)[kC]) {
  const hn::Rebind<int8_t, D16> di8;
  const hn::Vec<D16> three = hn::Set(d16, 3);
  hn::Vec<D16> codes[kR];
  for (int r = 0; r < kR; ++r) codes[r] = hn::And(hn::ShiftRight<kShift>(w[r]), three);
  for (int c = 0; c < kC; ++c) {
    const hn::Vec<D16> a = hn::PromoteTo(d16, hn::LoadU(di8, act[c] + offset));
    for (int r = 0; r < kR; ++r) PortableDot(d16, codes[r], a, acc0[r][c], acc1[r][c]);
  }
}

template <int kR, int kC>
AXQ_KERNEL_ATTR HWY_INLINE void I2sTileDots(const uint8_t* const* w, const int8_t* const* act, int64_t k,
                            int64_t (*raw)[kC]) {
  const hn::ScalableTag<int16_t> d16;
  const hn::Rebind<uint8_t, decltype(d16)> du8;
  const hn::Rebind<uint16_t, decltype(d16)> du16;
  const hn::Repartition<int32_t, decltype(d16)> di32;
  using V32 = hn::Vec<decltype(di32)>;
  V32 acc0[kR][kC], acc1[kR][kC];
  for (int r = 0; r < kR; ++r) {
    for (int c = 0; c < kC; ++c) acc0[r][c] = acc1[r][c] = hn::Zero(di32);
  }
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(d16));
  for (int64_t pair = 0; pair < k / 256; ++pair) {
    for (int64_t o = 0; o < 64; o += lanes) {
      hn::Vec<decltype(d16)> wv[kR];
      for (int r = 0; r < kR; ++r) {
        wv[r] = hn::BitCast(d16, hn::PromoteTo(du16, hn::LoadU(du8, w[r] + pair * 64 + o)));
      }
      const int64_t base = pair * 256 + o;
      I2sGroup<6, kR, kC>(d16, wv, act, base, acc0, acc1);
      I2sGroup<4, kR, kC>(d16, wv, act, base + 64, acc0, acc1);
      I2sGroup<2, kR, kC>(d16, wv, act, base + 128, acc0, acc1);
      I2sGroup<0, kR, kC>(d16, wv, act, base + 192, acc0, acc1);
    }
  }
  for (int r = 0; r < kR; ++r) {
    for (int c = 0; c < kC; ++c) {
      raw[r][c] = hn::GetLane(hn::SumOfLanes(di32, hn::Add(acc0[r][c], acc1[r][c])));
    }
  }
}

#endif  // AXQ_NATIVE_INT8_DOT

// Rows [row, row + kR) against activation rows [n, n + kC).
template <int kR, int kC>
AXQ_KERNEL_ATTR HWY_INLINE void I2sTile(const MatmulProblem& p, int64_t row, int64_t n) {
  const uint8_t* w[kR];
  const int8_t* act[kC];
  for (int r = 0; r < kR; ++r) w[r] = p.w + (row + r) * p.w_row_bytes;
  for (int c = 0; c < kC; ++c) act[c] = p.x.q + (n + c) * p.x.q_stride;
  int64_t raw[kR][kC];
  I2sTileDots<kR, kC>(w, act, p.k, raw);
  const bool odd_block = (p.k / kI2sBlock) % 2 != 0;
  for (int r = 0; r < kR; ++r) {
    for (int c = 0; c < kC; ++c) {
      const int64_t dot = raw[r][c] + (odd_block ? I2sTailDot(w[r], act[c], p.k) : 0);
      // bitnet.cpp's epilogue, in f32 left to right.
      p.y[(n + c) * p.m + row + r] =
          (static_cast<float>(dot) - static_cast<float>(p.x.sum[n + c])) / p.x.d[n + c] *
          p.w_scale;
    }
  }
}

template <int kR>
AXQ_KERNEL_ATTR HWY_INLINE void I2sRows(const MatmulProblem& p, int64_t row) {
  int64_t n = 0;
  for (; n + kI2sTileActs <= p.x.rows; n += kI2sTileActs) I2sTile<kR, kI2sTileActs>(p, row, n);
  for (; n < p.x.rows; ++n) I2sTile<kR, 1>(p, row, n);
}

AXQ_KERNEL_ATTR HWY_NOINLINE void MatmulI2s(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  int64_t row = row_begin;
  if (p.x.rows < kI2sTileActs) {
    // Memory-bound: one weight row at a time streams best.
    for (; row < row_end; ++row) I2sRows<1>(p, row);
    return;
  }
  for (; row + kI2sTileRows <= row_end; row += kI2sTileRows) I2sRows<kI2sTileRows>(p, row);
  for (; row < row_end; ++row) I2sRows<1>(p, row);
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_MATMUL_I2S_INL_H_
