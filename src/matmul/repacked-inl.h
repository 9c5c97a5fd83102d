// Matmul over the row-interleaved layout of repack.h (Q4_0, Q4_1, Q8_0).
// On AVX3_DL each 64-byte chunk is 16 rows x 4 codes: vpdpbusd against a
// broadcast activation quad leaves one partial sum per row in each i32
// lane, so no reduction is needed and the f32 epilogue is the one of
// blocks-inl.h, lane = row, bit-identical to the reference. Other targets
// unpack a group of 16 rows back to ggml blocks and run MatmulBlocks.
#if defined(AXQ_MATMUL_REPACKED_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_MATMUL_REPACKED_INL_H_
#undef AXQ_MATMUL_REPACKED_INL_H_
#else
#define AXQ_MATMUL_REPACKED_INL_H_
#endif

#include <algorithm>
#include <cstring>
#include <vector>

#include "hwy/highway.h"
#include "src/matmul/blocks-inl.h"
#include "src/matmul/int8_dot-inl.h"
#include "src/matmul/matmul_kernels.h"
#include "src/matmul/repack.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class F>
struct RepackedFormat {
  static constexpr bool kNibbles = F::kOffset != 128;  // Q4_0, Q4_1
  static constexpr size_t kGroupBlockBytes = F::kBytes * kRepackRows;
  static constexpr size_t kHeader = F::kHasMin ? 64 : 32;
};

#if HWY_TARGET == HWY_AVX3_DL

constexpr int kRepackedActs = 4;
// Ahead of the block being read, in the same group's stream.
constexpr int64_t kRepackedPrefetchBytes = 16384;

// kPrefetch: the group streams from memory (not from a gathered copy).
template <class F, int kC, bool kPrefetch = true>
AXQ_KERNEL_ATTR HWY_INLINE void RepackedGroup(const MatmulProblem& p, const uint8_t* group,
                                              int64_t row, int rows, int64_t n) {
  using R = RepackedFormat<F>;
  const hn::Full512<float> df;
  const hn::Full512<int32_t> di;
  const hn::Full512<uint8_t> du8;
  const hn::Full512<int8_t> di8;
  const hn::Full256<hwy::float16_t> dh;
  hn::Vec512<float> acc[kC];
  for (int c = 0; c < kC; ++c) acc[c] = hn::Zero(df);
  const int64_t blocks = p.k / kLegacyBlock;
  for (int64_t b = 0; b < blocks; ++b) {
    const uint8_t* blk = group + b * R::kGroupBlockBytes;
    if (kPrefetch) {
      for (size_t line = 0; line < R::kGroupBlockBytes; line += 64) {
        __builtin_prefetch(blk + kRepackedPrefetchBytes + line, 0, 2);
      }
    }
    const hn::Vec512<float> dw = hn::PromoteTo(df, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(blk)));
    const hn::Vec512<float> mw =
        F::kHasMin ? hn::PromoteTo(df, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(blk + 32)))
                   : hn::Zero(df);
    hn::Vec512<uint8_t> codes[8];
    if (R::kNibbles) {
      const hn::Vec512<uint8_t> low_mask = hn::Set(du8, 0x0F);
      for (int q = 0; q < 4; ++q) {
        const hn::Vec512<uint8_t> v = hn::LoadU(du8, blk + R::kHeader + 64 * q);
        codes[q] = hn::And(v, low_mask);                       // elements 4q..4q+3
        codes[q + 4] = hn::And(hn::ShiftRight<4>(v), low_mask);  // elements 16 + 4q..
      }
    } else {
      for (int q = 0; q < 8; ++q) codes[q] = hn::LoadU(du8, blk + R::kHeader + 64 * q);
    }
#pragma GCC unroll 8
    for (int c = 0; c < kC; ++c) {
      const int8_t* a = p.x.q + (n + c) * p.x.q_stride + b * kLegacyBlock;
      hn::Vec512<int32_t> s0 = hn::Zero(di), s1 = hn::Zero(di);
      for (int q = 0; q < 8; q += 2) {
        int32_t quad0, quad1;
        std::memcpy(&quad0, a + 4 * q, 4);
        std::memcpy(&quad1, a + 4 * q + 4, 4);
        s0 = DotU8I8(s0, codes[q], hn::BitCast(di8, hn::Set(di, quad0)));
        s1 = DotU8I8(s1, codes[q + 1], hn::BitCast(di8, hn::Set(di, quad1)));
      }
      hn::Vec512<int32_t> isum = hn::Add(s0, s1);
      const int64_t at = (n + c) * p.x.blocks + b;
      if (F::kOffset != 0) isum = hn::Sub(isum, hn::Set(di, F::kOffset * p.x.sum[at]));
      acc[c] = AddBlockTerm(df, acc[c], isum, dw, p.x.d[at], mw, F::kHasMin ? p.x.s[at] : 0.0f,
                            F::kHasMin);
    }
  }
  for (int c = 0; c < kC; ++c) StoreGroupOutputs(df, acc[c], p, n + c, row, rows);
}

template <class F>
AXQ_KERNEL_ATTR HWY_NOINLINE void MatmulRepacked(const MatmulProblem& p, int64_t row_begin,
                                                 int64_t row_end) {
  using R = RepackedFormat<F>;
  const int64_t blocks = p.k / kLegacyBlock;
  for (int64_t row = row_begin; row < row_end; row += kRepackRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRepackRows, row_end - row));
    const uint8_t* group = p.w + (row / kRepackRows) * blocks * R::kGroupBlockBytes;
    int64_t n = 0;
    for (; n + kRepackedActs <= p.x.rows; n += kRepackedActs) {
      RepackedGroup<F, kRepackedActs>(p, group, row, rows, n);
    }
    for (; n < p.x.rows; ++n) RepackedGroup<F, 1>(p, group, row, rows, n);
  }
}

// Plain (ggml-layout) weights through the same kernel: each group of 16
// rows is first gathered into the interleaved layout, one 4-byte gather per
// 64-byte chunk, in a buffer that stays in L2 while every activation row
// passes over it.
template <class F>
AXQ_KERNEL_ATTR HWY_INLINE void GatherGroup(const uint8_t* const* w, int64_t blocks, uint8_t* out) {
  using R = RepackedFormat<F>;
  const hn::Full512<int32_t> di;
  const hn::Full512<uint32_t> du;
  const hn::Full256<uint16_t> du16;
  HWY_ALIGN int32_t offset_values[kRepackRows];
  for (int r = 0; r < kRepackRows; ++r) offset_values[r] = static_cast<int32_t>(w[r] - w[0]);
  const hn::Vec512<int32_t> offsets = hn::Load(di, offset_values);
  constexpr int kQs = F::kHasMin ? 4 : 2;
  constexpr int kChunks = R::kNibbles ? 4 : 8;
  for (int64_t b = 0; b < blocks; ++b) {
    const uint8_t* first = w[0] + b * F::kBytes;
    uint8_t* blk = out + b * R::kGroupBlockBytes;
    const hn::Vec512<uint32_t> fields =
        hn::BitCast(du, hn::GatherOffset(di, reinterpret_cast<const int32_t*>(first), offsets));
    hn::StoreU(hn::DemoteTo(du16, hn::BitCast(di, hn::And(fields, hn::Set(du, 0xFFFF)))), du16,
               reinterpret_cast<uint16_t*>(blk));
    if (F::kHasMin) {
      hn::StoreU(hn::DemoteTo(du16, hn::BitCast(di, hn::ShiftRight<16>(fields))), du16,
                 reinterpret_cast<uint16_t*>(blk + 32));
    }
    for (int q = 0; q < kChunks; ++q) {
      hn::Vec512<int32_t> codes =
          hn::GatherOffset(di, reinterpret_cast<const int32_t*>(first + kQs + 4 * q), offsets);
      if (!R::kNibbles) codes = hn::Xor(codes, hn::Set(di, static_cast<int32_t>(0x80808080u)));
      hn::StoreU(codes, di, reinterpret_cast<int32_t*>(blk + R::kHeader + 64 * q));
    }
  }
}

template <class F>
AXQ_KERNEL_ATTR HWY_NOINLINE void MatmulGathered(const MatmulProblem& p, int64_t row_begin,
                                                 int64_t row_end) {
  using R = RepackedFormat<F>;
  const int64_t blocks = p.k / kLegacyBlock;
  std::vector<uint8_t> group(static_cast<size_t>(blocks) * R::kGroupBlockBytes + 64);
  for (int64_t row = row_begin; row < row_end; row += kRepackRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRepackRows, row_end - row));
    const uint8_t* w[kRepackRows];
    GroupRowPointers(p, row, rows, kRepackRows, w);
    GatherGroup<F>(w, blocks, group.data());
    int64_t n = 0;
    for (; n + kRepackedActs <= p.x.rows; n += kRepackedActs) {
      RepackedGroup<F, kRepackedActs, false>(p, group.data(), row, rows, n);
    }
    for (; n < p.x.rows; ++n) RepackedGroup<F, 1, false>(p, group.data(), row, rows, n);
  }
}

// Whether MatmulGathered pays: gathering 16 rows costs about as much as
// eight activation rows of the plain kernel's per-block reduction, which
// it saves. Its int32 offsets must also reach the last row of a group.
inline bool GatherPays(const MatmulProblem& p) {
  return p.x.rows >= 8 && p.w_row_bytes * (kRepackRows - 1) < (int64_t{1} << 31);
}

#else  // unpack each group, then the plain kernel

template <class F>
AXQ_KERNEL_ATTR HWY_NOINLINE void MatmulRepacked(const MatmulProblem& p, int64_t row_begin,
                                                 int64_t row_end) {
  const int64_t blocks = p.k / kLegacyBlock;
  const axq_type type = F::kOffset == 128 ? AXQ_TYPE_Q8_0
                        : F::kHasMin     ? AXQ_TYPE_Q4_1
                                         : AXQ_TYPE_Q4_0;
  const RepackShape shape{type, p.m, blocks, static_cast<size_t>(F::kBytes)};
  std::vector<uint8_t> plain(static_cast<size_t>(kRepackRows * blocks * F::kBytes));
  for (int64_t row = row_begin; row < row_end; row += kRepackRows) {
    const int64_t rows = std::min<int64_t>(kRepackRows, row_end - row);
    UnrepackGroups(shape, p.w, row / kRepackRows, 1, plain.data());
    MatmulProblem group = p;
    group.w = plain.data();
    group.w_row_bytes = blocks * F::kBytes;
    group.y = p.y + row;  // y keeps its row stride p.m
    MatmulBlocks<F>(group, 0, rows);
  }
}

#endif

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_MATMUL_REPACKED_INL_H_
