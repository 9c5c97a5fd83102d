// TQ2_0 and TQ1_0 x Q8_K matmul kernels; the scalar reference is
// BlockKernel with DecodeTq2_0 / DecodeTq1_0 in dot_ref.cc. As in blocks-inl.h, lanes are weight rows: per
// 256-element block each row's exact sum of code * q forms in an 8-lane
// vector, a transposing sum gives one lane per row, and the f32 epilogue
// (d_w * d_x) * (sum - sum_q) runs per lane as in the reference.
#if defined(AXQ_MATMUL_TERNARY_BLOCKS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_MATMUL_TERNARY_BLOCKS_INL_H_
#undef AXQ_MATMUL_TERNARY_BLOCKS_INL_H_
#else
#define AXQ_MATMUL_TERNARY_BLOCKS_INL_H_
#endif

#include <algorithm>
#include <vector>

#include "hwy/highway.h"
#include "src/matmul/blocks-inl.h"
#include "src/matmul/int8_dot-inl.h"
#include "src/matmul/matmul_kernels.h"
#include "src/quant/ternary_layout.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_TARGET <= HWY_AVX2

// Sum over one TQ2_0 block of code * q, codes 0..3 (8 lanes to be added).
// Element 128h + 32n + m sits at bits 2n of qs[32h + m].
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<int32_t> Tq2BlockDot(const uint8_t* qs, const int8_t* act) {
  const hn::Full256<uint8_t> du8;
  const hn::Full256<int8_t> di8;
  const hn::Vec256<uint8_t> three = hn::Set(du8, 3);
  // Four accumulators, one per 2-bit group, so the eight dot products form
  // short dependency chains (integer sums: the order is free).
  const hn::Full256<int32_t> d32;
  hn::Vec256<int32_t> s0 = hn::Zero(d32), s1 = hn::Zero(d32), s2 = hn::Zero(d32), s3 = hn::Zero(d32);
  for (int h = 0; h < 2; ++h) {
    const hn::Vec256<uint8_t> v = hn::LoadU(du8, qs + 32 * h);
    const int8_t* a = act + 128 * h;
    s0 = DotU8I8x32(s0, hn::And(v, three), hn::LoadU(di8, a));
    s1 = DotU8I8x32(s1, hn::And(hn::ShiftRight<2>(v), three), hn::LoadU(di8, a + 32));
    s2 = DotU8I8x32(s2, hn::And(hn::ShiftRight<4>(v), three), hn::LoadU(di8, a + 64));
    s3 = DotU8I8x32(s3, hn::ShiftRight<6>(v), hn::LoadU(di8, a + 96));
  }
  return hn::Add(hn::Add(s0, s1), hn::Add(s2, s3));
}

constexpr int64_t kTernaryPrefetchBytes = 16384;

// Few activation rows: one weight row at a time (a single stream from
// memory), each block's sum reduced on its own and the epilogue in scalar
// f32, the reference's exact operations. `prepare(block)` returns what
// `block_dot(prepared, act)` reads (TQ1_0 decodes its digits there once per
// block, for all activation rows); `block_dot` gives 8 lanes of code * q.
// kActs is the activation row count, fixed so that the accumulators stay in
// registers.
template <int kActs, size_t kBlockBytes, size_t kDOffset, class Prepare, class BlockDot>
AXQ_KERNEL_ATTR HWY_INLINE void TernaryRowsFixed(const MatmulProblem& p, int64_t row_begin, int64_t row_end,
                                                 Prepare& prepare, const BlockDot& block_dot) {
  const hn::Full256<int32_t> d32;
  const int64_t blocks = p.k / kSuperBlock;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const uint8_t* w = p.w + row * p.w_row_bytes;
    float acc[kActs] = {};
    for (int64_t b = 0; b < blocks; ++b) {
      const uint8_t* block = w + b * static_cast<int64_t>(kBlockBytes);
      __builtin_prefetch(block + kTernaryPrefetchBytes, 0, 2);
      __builtin_prefetch(block + kTernaryPrefetchBytes + 64, 0, 2);
      const uint8_t* prepared = prepare(block);
      const float dw = _cvtsh_ss(LoadLE16(block + kDOffset));  // exact, as Fp16ToFp32
      for (int n = 0; n < kActs; ++n) {
        const int8_t* act = p.x.q + n * p.x.q_stride + b * kSuperBlock;
        const int64_t xb = n * p.x.blocks + b;
        const int32_t sum = hn::GetLane(hn::SumOfLanes(d32, block_dot(prepared, act))) - p.x.sum[xb];
        acc[n] = acc[n] + (dw * p.x.d[xb]) * static_cast<float>(sum);
      }
    }
    for (int n = 0; n < kActs; ++n) p.y[n * p.m + row] = acc[n];
  }
}

template <size_t kBlockBytes, size_t kDOffset, class Prepare, class BlockDot>
AXQ_KERNEL_ATTR HWY_INLINE void TernarySingleRows(const MatmulProblem& p, int64_t row_begin, int64_t row_end,
                                                  Prepare prepare, BlockDot block_dot) {
  static_assert(kGroupActs == 4, "one case per activation row count below kGroupActs");
  switch (p.x.rows) {
    case 1:
      return TernaryRowsFixed<1, kBlockBytes, kDOffset>(p, row_begin, row_end, prepare, block_dot);
    case 2:
      return TernaryRowsFixed<2, kBlockBytes, kDOffset>(p, row_begin, row_end, prepare, block_dot);
    default:
      return TernaryRowsFixed<3, kBlockBytes, kDOffset>(p, row_begin, row_end, prepare, block_dot);
  }
}

// TQ2_0 codes are read in place.
struct Tq2Prepare {
  HWY_INLINE const uint8_t* operator()(const uint8_t* block) const { return block; }
};
struct Tq2Dot {
  AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<int32_t> operator()(const uint8_t* qs, const int8_t* act) const {
    return Tq2BlockDot(qs, act);
  }
};

AXQ_KERNEL_ATTR HWY_NOINLINE void MatmulTq2(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  if (p.x.rows < kGroupActs) {
    TernarySingleRows<kTq2_0Bytes, kTq2_0DOffset>(p, row_begin, row_end, Tq2Prepare(), Tq2Dot());
    return;
  }
  const hn::CappedTag<float, kGroupRows> df;
  const hn::RebindToSigned<decltype(df)> di;
  const int64_t blocks = p.k / kSuperBlock;
  for (int64_t row = row_begin; row < row_end; row += kGroupRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kGroupRows, row_end - row));
    const uint8_t* w[kGroupRows];
    GroupRowPointers(p, row, rows, kGroupRows, w);
    for (int64_t n = 0; n < p.x.rows; ++n) {
      const int8_t* act = p.x.q + n * p.x.q_stride;
      hn::Vec<decltype(df)> acc = hn::Zero(df);
      for (int64_t b = 0; b < blocks; ++b) {
        const int64_t at = b * static_cast<int64_t>(kTq2_0Bytes);
        hn::Vec256<int32_t> parts[kGroupRows];
        for (int r = 0; r < kGroupRows; ++r) {
#if HWY_TARGET <= HWY_AVX3
          __builtin_prefetch(w[r] + at + 1024, 0, 2);
#endif
          parts[r] = Tq2BlockDot(w[r] + at, act + b * kSuperBlock);
        }
        hn::Vec<decltype(di)> isum = RowSums(parts, kGroupRows);
        const int64_t xb = n * p.x.blocks + b;
        isum = hn::Sub(isum, hn::Set(di, p.x.sum[xb]));  // codes are trits + 1
        acc = AddBlockTerm(df, acc, isum, LoadHalfField(df, w, at + kTq2_0DOffset), p.x.d[xb],
                           hn::Zero(df), 0.0f, false);
      }
      StoreGroupOutputs(df, acc, p, n, row, rows);
    }
  }
}

#else  // no 8-bit dot: scalar integer sums, vector epilogue

HWY_NOINLINE void MatmulTq2(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  PortableBlockMatmul(p, row_begin, row_end, kSuperBlock, kTq2_0Bytes, kTq2_0DOffset, false,
                      [](const uint8_t* qs, const int8_t* act, int32_t act_sum) {
                        int32_t s = 0;
                        for (int i = 0; i < kSuperBlock; ++i) s += Tq2Code(qs, i) * act[i];
                        return s - act_sum;  // codes are trits + 1
                      });
}

#endif

// TQ1_0: base-3 digits cost several operations each to extract, so every
// row's block is decoded once into 256 codes (in element order: FORMATS.md
// §3.2) and reused by all activation rows; accumulators for all of them
// live in `acc` (one group-sized vector per activation row).
#if HWY_TARGET <= HWY_AVX2
// DecodeTq1Codes (ternary_layout.h) in 16-bit lanes: digit n of byte b is
// ((b * 3^n mod 256) * 3) >> 8.
AXQ_KERNEL_ATTR HWY_INLINE void DecodeTq1CodesSimd(const uint8_t* block, uint8_t* codes) {
  const hn::Full256<uint16_t> d16;
  const hn::Full256<int16_t> di16;
  const hn::Full128<uint8_t> d8;
  static constexpr uint16_t kPow3[5] = {1, 3, 9, 27, 81};
  // qs[0..15], qs[16..31] (elements 32n + m) and qs[32..47] (160 + 16n + m).
  const hn::Vec256<uint16_t> parts[3] = {hn::PromoteTo(d16, hn::LoadU(d8, block)),
                                         hn::PromoteTo(d16, hn::LoadU(d8, block + 16)),
                                         hn::PromoteTo(d16, hn::LoadU(d8, block + 32))};
  for (int n = 0; n < 5; ++n) {
    const hn::Vec256<uint16_t> pow3 = hn::Set(d16, kPow3[n]);
    for (int part = 0; part < 3; ++part) {
      const hn::Vec256<uint16_t> shifted = hn::And(hn::Mul(parts[part], pow3), hn::Set(d16, 0xFF));
      const hn::Vec256<uint16_t> digit = hn::ShiftRight<8>(hn::Mul(shifted, hn::Set(d16, 3)));
      uint8_t* dst = part < 2 ? codes + 32 * n + 16 * part : codes + 160 + 16 * n;
      hn::StoreU(hn::DemoteTo(d8, hn::BitCast(di16, digit)), d8, dst);
    }
  }
  for (int j = 0; j < 4; ++j) {
    for (int n = 0; n < 4; ++n) codes[240 + 4 * n + j] = static_cast<uint8_t>(Tq1Digit(block[48 + j], n));
  }
}
#define AXQ_DECODE_TQ1 DecodeTq1CodesSimd

// Sum over 256 decoded codes times activations, four accumulators.
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<int32_t> CodesDot256(const uint8_t* codes, const int8_t* act) {
  const hn::Full256<uint8_t> du8;
  const hn::Full256<int8_t> di8;
  const hn::Full256<int32_t> d32;
  hn::Vec256<int32_t> s[4] = {hn::Zero(d32), hn::Zero(d32), hn::Zero(d32), hn::Zero(d32)};
  for (int c = 0; c < 8; ++c) s[c % 4] = DotU8I8x32(s[c % 4], hn::LoadU(du8, codes + 32 * c), hn::LoadU(di8, act + 32 * c));
  return hn::Add(hn::Add(s[0], s[1]), hn::Add(s[2], s[3]));
}

// TQ1_0 digits are decoded once per block into `codes`.
struct Tq1Prepare {
  HWY_ALIGN uint8_t codes[kSuperBlock];
  AXQ_KERNEL_ATTR HWY_INLINE const uint8_t* operator()(const uint8_t* block) {
    DecodeTq1CodesSimd(block, codes);
    return codes;
  }
};
struct CodesDot {
  AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<int32_t> operator()(const uint8_t* codes, const int8_t* act) const {
    return CodesDot256(codes, act);
  }
};

#else
#define AXQ_DECODE_TQ1 DecodeTq1Codes
#endif

AXQ_KERNEL_ATTR HWY_NOINLINE void MatmulTq1(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
#if HWY_TARGET <= HWY_AVX2
  if (p.x.rows < kGroupActs) {
    TernarySingleRows<kTq1_0Bytes, kTq1_0DOffset>(p, row_begin, row_end, Tq1Prepare(), CodesDot());
    return;
  }
#endif
  const hn::ScalableTag<float> df;
  const hn::RebindToSigned<decltype(df)> di;
  constexpr size_t kMax = hn::MaxLanes(decltype(df)());
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  const int64_t blocks = p.k / kSuperBlock;
  std::vector<float> acc(static_cast<size_t>(p.x.rows * lanes));
  std::vector<uint8_t> codes(static_cast<size_t>(kMax * kSuperBlock));
  for (int64_t row = row_begin; row < row_end; row += lanes) {
    const int rows = static_cast<int>(std::min<int64_t>(lanes, row_end - row));
    const uint8_t* w[kMax];
    GroupRowPointers(p, row, rows, lanes, w);
    std::fill(acc.begin(), acc.end(), 0.0f);
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t at = b * static_cast<int64_t>(kTq1_0Bytes);
      for (int64_t r = 0; r < lanes; ++r) AXQ_DECODE_TQ1(w[r] + at, codes.data() + r * kSuperBlock);
      const hn::Vec<decltype(df)> dw = LoadHalfField(df, w, at + kTq1_0DOffset);
      for (int64_t n = 0; n < p.x.rows; ++n) {
        const int8_t* act = p.x.q + n * p.x.q_stride + b * kSuperBlock;
        const int64_t xb = n * p.x.blocks + b;
        HWY_ALIGN int32_t sums[kMax];
#if HWY_TARGET <= HWY_AVX2
        hn::Vec256<int32_t> parts[kGroupRows];  // lanes == kGroupRows here
        for (int64_t r = 0; r < lanes; ++r) parts[r] = CodesDot256(codes.data() + r * kSuperBlock, act);
        hn::Store(RowSums(parts, static_cast<int>(lanes)), di, sums);
#else
        for (int64_t r = 0; r < lanes; ++r) {
          int32_t s = 0;
          for (int i = 0; i < kSuperBlock; ++i) s += codes[static_cast<size_t>(r * kSuperBlock + i)] * act[i];
          sums[r] = s;
        }
#endif
        const hn::Vec<decltype(di)> isum = hn::Sub(hn::Load(di, sums), hn::Set(di, p.x.sum[xb]));
        float* a = acc.data() + n * lanes;
        hn::StoreU(AddBlockTerm(df, hn::LoadU(df, a), isum, dw, p.x.d[xb], hn::Zero(df), 0.0f, false), df, a);
      }
    }
    for (int64_t n = 0; n < p.x.rows; ++n) {
      for (int r = 0; r < rows; ++r) p.y[n * p.m + row + r] = acc[static_cast<size_t>(n * lanes + r)];
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#undef AXQ_DECODE_TQ1

#endif  // AXQ_MATMUL_TERNARY_BLOCKS_INL_H_
