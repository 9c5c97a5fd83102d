// Matmul kernels for the 32-element block formats Q4_0, Q4_1, Q5_0, Q5_1 and
// Q8_0 against Q8_0/Q8_1 activations; the scalar reference is BlockKernel in
// dot_ref.cc, and these reproduce it bit for bit.
//
// The reference adds each block's term (d_w * d_x) * isum (+ m_w * s_x) to
// an f32 accumulator in block order, so a vector lane must own one output:
// lanes here are weight rows. Per block, every row's exact integer sum is
// formed in its own 8-lane vector (one 32-byte dot), and a transposing sum
// (ConcatEven/ConcatOdd halving) turns a group of those into one vector
// holding one sum per row; the f32 arithmetic then runs per lane as in the
// reference. Targets without an 8-bit dot form the integer sums in scalar
// code and keep the vector epilogue.
#if defined(AXQ_MATMUL_BLOCKS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_MATMUL_BLOCKS_INL_H_
#undef AXQ_MATMUL_BLOCKS_INL_H_
#else
#define AXQ_MATMUL_BLOCKS_INL_H_
#endif

#include <algorithm>
#include <cstring>

#include "hwy/highway.h"
#include "src/matmul/int8_dot-inl.h"
#include "src/matmul/matmul_kernels.h"
#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// --- Formats: where d, m and the codes are, and how codes decode ---------

// Codes as unsigned values u with weight = u - kOffset (Q4_1/Q5_1: weight
// code u with the min added separately).
struct Q4_0Blocks {
  static constexpr int64_t kBytes = kQ4_0Bytes;
  static constexpr int kOffset = 8;
  static constexpr bool kHasMin = false;
  static constexpr int kQs = 2;
  static void Decode(const uint8_t* b, uint8_t* u) {
    for (int j = 0; j < kLegacyHalf; ++j) {
      u[j] = b[kQs + j] & 0x0F;
      u[j + kLegacyHalf] = b[kQs + j] >> 4;
    }
  }
};
struct Q4_1Blocks {
  static constexpr int64_t kBytes = kQ4_1Bytes;
  static constexpr int kOffset = 0;
  static constexpr bool kHasMin = true;
  static constexpr int kQs = 4;
  static void Decode(const uint8_t* b, uint8_t* u) {
    for (int j = 0; j < kLegacyHalf; ++j) {
      u[j] = b[kQs + j] & 0x0F;
      u[j + kLegacyHalf] = b[kQs + j] >> 4;
    }
  }
};
struct Q5_0Blocks {
  static constexpr int64_t kBytes = kQ5_0Bytes;
  static constexpr int kOffset = 16;
  static constexpr bool kHasMin = false;
  static constexpr int kQh = 2;
  static constexpr int kQs = 6;
  static void Decode(const uint8_t* b, uint8_t* u) {
    int codes[kLegacyBlock];
    UnpackFiveBitCodes(b + kQh, b + kQs, codes);
    for (int j = 0; j < kLegacyBlock; ++j) u[j] = static_cast<uint8_t>(codes[j]);
  }
};
struct Q5_1Blocks {
  static constexpr int64_t kBytes = kQ5_1Bytes;
  static constexpr int kOffset = 0;
  static constexpr bool kHasMin = true;
  static constexpr int kQh = 4;
  static constexpr int kQs = 8;
  static void Decode(const uint8_t* b, uint8_t* u) {
    int codes[kLegacyBlock];
    UnpackFiveBitCodes(b + kQh, b + kQs, codes);
    for (int j = 0; j < kLegacyBlock; ++j) u[j] = static_cast<uint8_t>(codes[j]);
  }
};
struct Q8_0Blocks {
  static constexpr int64_t kBytes = kQ8_0Bytes;
  static constexpr int kOffset = 128;  // u = w + 128
  static constexpr bool kHasMin = false;
  static constexpr int kQs = 2;
  static void Decode(const uint8_t* b, uint8_t* u) {
    for (int j = 0; j < kLegacyBlock; ++j) u[j] = static_cast<uint8_t>(b[kQs + j] ^ 0x80);
  }
};

// --- Row groups: weight rows as vector lanes ------------------------------

// Pointers to rows [row, row + lanes) of the weights; those past `rows`
// (the end of the range) repeat the first, and their results are dropped.
HWY_INLINE void GroupRowPointers(const MatmulProblem& p, int64_t row, int rows, int64_t lanes,
                                 const uint8_t** w) {
  for (int64_t r = 0; r < lanes; ++r) w[r] = p.w + (row + (r < rows ? r : 0)) * p.w_row_bytes;
}

// y[n][row + r] = lane r of acc for r < rows.
template <class DF>
HWY_INLINE void StoreGroupOutputs(DF df, hn::Vec<DF> acc, const MatmulProblem& p, int64_t n,
                                  int64_t row, int rows) {
  HWY_ALIGN float out[hn::MaxLanes(DF())];
  hn::Store(acc, df, out);
  for (int r = 0; r < rows; ++r) p.y[n * p.m + row + r] = out[r];
}

// --- The per-lane f32 epilogue, shared by both paths ---------------------

// acc + (dw * dx) * isum [+ mw * sx], per lane, exactly as the reference.
template <class DF, class VI>
HWY_INLINE hn::Vec<DF> AddBlockTerm(DF df, hn::Vec<DF> acc, VI isum, hn::Vec<DF> dw, float dx,
                                    hn::Vec<DF> mw, float sx, bool has_min) {
  hn::Vec<DF> term = hn::Mul(hn::Mul(dw, hn::Set(df, dx)), hn::ConvertTo(df, isum));
  if (has_min) term = hn::Add(term, hn::Mul(mw, hn::Set(df, sx)));
  return hn::Add(acc, term);
}

// f16 fields at byte `offset` of block b of each row of a group, as f32.
// (f16 to f32 is exact, so the conversion instruction gives the reference's
// Fp16ToFp32 values.)
template <class DF>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec<DF> LoadHalfField(DF df, const uint8_t* const* rows, int64_t block_offset) {
  constexpr size_t kMax = hn::MaxLanes(DF());
  const hn::Rebind<hwy::float16_t, DF> dh;
  HWY_ALIGN uint16_t bits[kMax];
  for (size_t r = 0; r < hn::Lanes(df); ++r) std::memcpy(&bits[r], rows[r] + block_offset, 2);
  return hn::PromoteTo(df, hn::Load(dh, reinterpret_cast<const hwy::float16_t*>(bits)));
}

// Rows as lanes with the integer sums formed by `sum(block, act, act_sum)`
// in scalar code (exact, offset already removed) and the vector epilogue:
// the path of targets without an 8-bit dot product. d (and m after it when
// has_min) sit at d_offset of each block.
template <class Sum>
HWY_INLINE void PortableBlockMatmul(const MatmulProblem& p, int64_t row_begin, int64_t row_end,
                                   int64_t block_elems, int64_t block_bytes, int64_t d_offset,
                                   bool has_min, Sum&& sum) {
  const hn::ScalableTag<float> df;
  const hn::RebindToSigned<decltype(df)> di;
  constexpr size_t kMax = hn::MaxLanes(decltype(df)());
  const int64_t lanes = static_cast<int64_t>(hn::Lanes(df));
  const int64_t blocks = p.k / block_elems;
  for (int64_t row = row_begin; row < row_end; row += lanes) {
    const int rows = static_cast<int>(std::min<int64_t>(lanes, row_end - row));
    const uint8_t* w[kMax];
    GroupRowPointers(p, row, rows, lanes, w);
    for (int64_t n = 0; n < p.x.rows; ++n) {
      const int8_t* act = p.x.q + n * p.x.q_stride;
      hn::Vec<decltype(df)> acc = hn::Zero(df);
      for (int64_t b = 0; b < blocks; ++b) {
        const int64_t xb = n * p.x.blocks + b;
        HWY_ALIGN int32_t sums[kMax];
        for (int64_t r = 0; r < lanes; ++r) {
          sums[r] = sum(w[r] + b * block_bytes, act + b * block_elems, p.x.sum[xb]);
        }
        const int64_t at = b * block_bytes + d_offset;
        const hn::Vec<decltype(df)> dw = LoadHalfField(df, w, at);
        const hn::Vec<decltype(df)> mw = has_min ? LoadHalfField(df, w, at + 2) : hn::Zero(df);
        acc = AddBlockTerm(df, acc, hn::Load(di, sums), dw, p.x.d[xb], mw, has_min ? p.x.s[xb] : 0.0f,
                           has_min);
      }
      StoreGroupOutputs(df, acc, p, n, row, rows);
    }
  }
}

#if HWY_TARGET <= HWY_AVX2  // 8-bit dot products on 32-byte blocks

// f16 bit patterns (in the low 16 bits of each i32 lane) as f32.
template <class DF, class VI>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec<DF> HalvesToFloat(DF df, VI bits) {
  const hn::Rebind<uint16_t, DF> du16;
  const hn::Rebind<hwy::float16_t, DF> dh;
  const hn::RebindToSigned<DF> di;
  return hn::PromoteTo(df, hn::BitCast(dh, hn::DemoteTo(du16, hn::BitCast(di, bits))));
}

// Codes of block `b` (32 bytes, element order) as unsigned bytes.
template <class F>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<uint8_t> BlockCodes(const uint8_t* b);

template <>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<uint8_t> BlockCodes<Q8_0Blocks>(const uint8_t* b) {
  const hn::Full256<uint8_t> d;
  return hn::Xor(hn::LoadU(d, b + Q8_0Blocks::kQs), hn::Set(d, 0x80));
}

template <int kQs>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<uint8_t> NibbleCodes(const uint8_t* b) {
  const hn::Full128<uint8_t> d128;
  const hn::Full256<uint8_t> d;
  const hn::Vec128<uint8_t> packed = hn::LoadU(d128, b + kQs);
  const hn::Vec128<uint8_t> low = hn::And(packed, hn::Set(d128, 0x0F));
  const hn::Vec128<uint8_t> high = hn::ShiftRight<4>(packed);
  return hn::Combine(d, high, low);
}

// The fifth bit of each of 32 codes: bit j of the 32-bit qh, as 16 or 0.
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<uint8_t> FifthBits(const uint8_t* qh) {
  const hn::Full256<uint8_t> d;
  uint32_t bits;
  std::memcpy(&bits, qh, 4);
  // Byte j of the vector gets byte j / 8 of qh, then is tested for bit j % 8.
  const hn::Vec256<uint8_t> spread = hn::BitCast(d, hn::Set(hn::Full256<uint32_t>(), bits));
  alignas(32) static constexpr uint8_t kByteOf[32] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                       2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3};
  alignas(32) static constexpr uint8_t kBit[32] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,
                                                    1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
  const hn::Vec256<uint8_t> bytes = hn::TableLookupBytes(spread, hn::Load(d, kByteOf));
  const hn::Vec256<uint8_t> bit = hn::Load(d, kBit);
  return hn::IfThenElseZero(hn::Eq(hn::And(bytes, bit), bit), hn::Set(d, 16));
}

template <>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<uint8_t> BlockCodes<Q4_0Blocks>(const uint8_t* b) {
  return NibbleCodes<Q4_0Blocks::kQs>(b);
}
template <>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<uint8_t> BlockCodes<Q4_1Blocks>(const uint8_t* b) {
  return NibbleCodes<Q4_1Blocks::kQs>(b);
}
template <>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<uint8_t> BlockCodes<Q5_0Blocks>(const uint8_t* b) {
  return hn::Or(NibbleCodes<Q5_0Blocks::kQs>(b), FifthBits(b + Q5_0Blocks::kQh));
}
template <>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<uint8_t> BlockCodes<Q5_1Blocks>(const uint8_t* b) {
  return hn::Or(NibbleCodes<Q5_1Blocks::kQs>(b), FifthBits(b + Q5_1Blocks::kQh));
}

// Integer dot of one block's codes with 32 activation codes, in 8 lanes.
template <class F>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<int32_t> BlockDot(hn::Vec256<uint8_t> codes,
                                                        const int8_t* act) {
  const hn::Full256<int8_t> di8;
  const hn::Full256<int32_t> di32;
#if HWY_TARGET != HWY_AVX3_DL
  if (F::kOffset == 128) {  // u = w + 128 would saturate vpmaddubsw: use w
    const hn::Vec256<int8_t> w = hn::BitCast(di8, hn::Xor(codes, hn::Set(hn::Full256<uint8_t>(), 0x80)));
    return DotI8I8x32(hn::Zero(di32), w, hn::LoadU(di8, act));
  }
#endif
  return DotU8I8x32(hn::Zero(di32), codes, hn::LoadU(di8, act));
}

#if HWY_TARGET <= HWY_AVX3
constexpr int kGroupRows = 16;  // one zmm of f32 lanes
#else
constexpr int kGroupRows = 8;
#endif
constexpr int kGroupActs = 4;

// Sums each row's 8 lanes: sums[r] holds row r. Result lane r = row r.
template <class D>
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec<D> TransposeSum(D d, hn::Vec<D>* v, int count) {
  for (; count > 1; count /= 2) {
    for (int i = 0; i < count / 2; ++i) {
      v[i] = hn::Add(hn::ConcatEven(d, v[2 * i + 1], v[2 * i]), hn::ConcatOdd(d, v[2 * i + 1], v[2 * i]));
    }
  }
  return v[0];
}

// One lane per row from `count` rows' 8-lane partial sums (count even, at
// most kGroupRows): 512-bit targets first pair the rows into full vectors.
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec<hn::CappedTag<int32_t, kGroupRows>> RowSums(hn::Vec256<int32_t>* parts,
                                                                              int count) {
#if HWY_TARGET <= HWY_AVX3
  const hn::Full512<int32_t> d512;
  hn::Vec512<int32_t> pairs[kGroupRows / 2];
  for (int r = 0; r < count; r += 2) pairs[r / 2] = hn::Combine(d512, parts[r + 1], parts[r]);
  return TransposeSum(d512, pairs, count / 2);
#else
  return TransposeSum(hn::Full256<int32_t>(), parts, count);
#endif
}

template <int kC>
struct GroupAccumulators {};

// Rows [row, row + kGroupRows) (pointers repeat the first row past `rows`)
// against activation rows [n, n + kC).
template <class F, int kC>
AXQ_KERNEL_ATTR HWY_INLINE void BlockGroup(const MatmulProblem& p, const uint8_t* const* w, int64_t row,
                                           int rows, int64_t n) {
  const hn::CappedTag<float, kGroupRows> df;
  const hn::RebindToSigned<decltype(df)> di;
  hn::Vec<decltype(df)> acc[kC];
  for (int c = 0; c < kC; ++c) acc[c] = hn::Zero(df);
  const int64_t blocks = p.k / kLegacyBlock;
  const int8_t* act[kC];
  const float* dx[kC];
  const float* sx[kC];
  const int32_t* sum[kC];
  for (int c = 0; c < kC; ++c) {
    act[c] = p.x.q + (n + c) * p.x.q_stride;
    dx[c] = p.x.d + (n + c) * p.x.blocks;
    sx[c] = F::kHasMin ? p.x.s + (n + c) * p.x.blocks : nullptr;
    sum[c] = p.x.sum + (n + c) * p.x.blocks;
  }
  // Row offsets from the first row fit the gather's int32 offsets unless
  // rows are enormous (over 128 MiB each).
  const bool gather = (w[kGroupRows - 1] - w[0]) < (int64_t{1} << 31) && w[kGroupRows - 1] >= w[0];
  HWY_ALIGN int32_t offset_values[kGroupRows];
  for (int r = 0; r < kGroupRows; ++r) offset_values[r] = gather ? static_cast<int32_t>(w[r] - w[0]) : 0;
  const hn::Vec<decltype(di)> offsets = hn::Load(di, offset_values);
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t at = b * F::kBytes;
    hn::Vec256<uint8_t> codes[kGroupRows];
    for (int r = 0; r < kGroupRows; ++r) {
      __builtin_prefetch(w[r] + at + 4096, 0, 2);
      codes[r] = BlockCodes<F>(w[r] + at);
    }
    hn::Vec<decltype(df)> dw, mw;
    if (gather) {
      // d (and m after it) of every row in one gather of 4 bytes per row.
      const hn::Vec<decltype(di)> fields = hn::GatherOffset(di, reinterpret_cast<const int32_t*>(w[0] + at), offsets);
      dw = HalvesToFloat(df, hn::And(fields, hn::Set(di, 0xFFFF)));
      mw = F::kHasMin ? HalvesToFloat(df, hn::ShiftRight<16>(hn::BitCast(hn::RebindToUnsigned<decltype(di)>(), fields)))
                      : hn::Zero(df);
    } else {
      dw = LoadHalfField(df, w, at);
      mw = F::kHasMin ? LoadHalfField(df, w, at + 2) : hn::Zero(df);
    }
    // Unrolled so that the accumulators stay in registers.
#pragma GCC unroll 8
    for (int c = 0; c < kC; ++c) {
      hn::Vec256<int32_t> parts[kGroupRows];
      for (int r = 0; r < kGroupRows; ++r) parts[r] = BlockDot<F>(codes[r], act[c] + b * kLegacyBlock);
      hn::Vec<decltype(di)> isum = RowSums(parts, kGroupRows);
      if (F::kOffset != 0 && !(F::kOffset == 128 && HWY_TARGET != HWY_AVX3_DL)) {
        isum = hn::Sub(isum, hn::Set(di, F::kOffset * sum[c][b]));
      }
      acc[c] = AddBlockTerm(df, acc[c], isum, dw, dx[c][b], mw, F::kHasMin ? sx[c][b] : 0.0f, F::kHasMin);
    }
  }
  for (int c = 0; c < kC; ++c) StoreGroupOutputs(df, acc[c], p, n + c, row, rows);
}

template <class F>
AXQ_KERNEL_ATTR HWY_NOINLINE void MatmulBlocks(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  for (int64_t row = row_begin; row < row_end; row += kGroupRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kGroupRows, row_end - row));
    const uint8_t* w[kGroupRows];
    GroupRowPointers(p, row, rows, kGroupRows, w);
    int64_t n = 0;
    for (; n + kGroupActs <= p.x.rows; n += kGroupActs) BlockGroup<F, kGroupActs>(p, w, row, rows, n);
    for (; n < p.x.rows; ++n) BlockGroup<F, 1>(p, w, row, rows, n);
  }
}

#else  // no 8-bit dot: scalar integer sums, vector epilogue

template <class F>
HWY_NOINLINE void MatmulBlocks(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  PortableBlockMatmul(p, row_begin, row_end, kLegacyBlock, F::kBytes, 0, F::kHasMin,
                      [](const uint8_t* block, const int8_t* act, int32_t act_sum) {
                        uint8_t u[kLegacyBlock];
                        F::Decode(block, u);
                        int32_t s = 0;
                        for (int j = 0; j < kLegacyBlock; ++j) s += u[j] * act[j];
                        return s - F::kOffset * act_sum;
                      });
}

#endif

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_MATMUL_BLOCKS_INL_H_
