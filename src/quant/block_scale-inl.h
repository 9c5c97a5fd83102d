// Scale selection for the 32-element block formats, one block at a time or
// a group of blocks at once, and the row driver that combines both.
//
// The group path puts block b of a group of G = (f32 lanes) blocks in lane
// b: per-block reductions become one transposed reduction, and the scale
// arithmetic (division, reciprocal, fp16 rounding) runs once per group
// instead of once per block, in the same IEEE operations as the reference.
// Blocks whose bytes depend on more than those lane values (non-finite
// input, tied signed maxima, zero extremes, overflowing reciprocals) take
// the per-block path, which is exact for every input.
#if defined(AXQ_QUANT_BLOCK_SCALE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_QUANT_BLOCK_SCALE_INL_H_
#undef AXQ_QUANT_BLOCK_SCALE_INL_H_
#else
#define AXQ_QUANT_BLOCK_SCALE_INL_H_
#endif

#include <cstdint>

#include "src/quant/half-inl.h"
#include "src/quant/legacy-inl.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

constexpr float kMaxFinite = 3.402823466e+38f;

// The scale of one block: d, its reciprocal, the minimum (affine formats)
// and their stored fp16 forms.
struct BlockScale {
  float d = 0, id = 0, min = 0;
  uint16_t d16 = 0, m16 = 0;
};

// How a block is written once ScaleBlock has looked at it.
enum class BlockPath {
  kNonFinite,  // NaN/Inf inside: the caller reports it, writes nothing
  kReference,  // degenerate scale: the scalar reference writes the block
  kVector,     // BlockScale filled: the format's StoreBlock writes it
};

// 1/d as the references compute it; false when d or 1/d is not finite
// (subnormal d), where the reference's x86 conversion rules apply.
HWY_INLINE bool ReciprocalScale(BlockScale* s) {
  s->id = s->d != 0.0f ? 1.0f / s->d : 0.0f;
  return (s->id < 0.0f ? -s->id : s->id) <= kMaxFinite && (s->d < 0.0f ? -s->d : s->d) <= kMaxFinite;
}

// Q4_0/Q5_0: d = (first element of largest magnitude) * step, step = -1/8 or
// -1/16 (multiplying by a power of two rounds like ggml's division).
HWY_INLINE BlockPath SymmetricBlockScale(const float* x, float step, BlockScale* s) {
  const uint32_t abs_max = BlockAbsMaxBits(x);
  if (IsNonFiniteBits(abs_max)) return BlockPath::kNonFinite;
  s->d = BlockFirstLargest(x, abs_max) * step;
  if (!ReciprocalScale(s)) return BlockPath::kReference;
  s->d16 = Fp32ToFp16(s->d);
  return BlockPath::kVector;
}

// Q4_1/Q5_1: d = (max - min) / levels, m = min.
HWY_INLINE BlockPath AffineBlockScale(const float* x, float levels, BlockScale* s) {
  if (IsNonFiniteBits(BlockAbsMaxBits(x))) return BlockPath::kNonFinite;
  float max;
  BlockMinMaxVec(x, &s->min, &max);
  s->d = (max - s->min) / levels;
  if (!ReciprocalScale(s)) return BlockPath::kReference;
  s->d16 = Fp32ToFp16(s->d);
  s->m16 = Fp32ToFp16(s->min);
  return BlockPath::kVector;
}

// Q8_0/Q8_1: d = max|x| / 127.
HWY_INLINE BlockPath AbsMaxBlockScale(const float* x, float levels, BlockScale* s) {
  const uint32_t abs_max = BlockAbsMaxBits(x);
  if (IsNonFiniteBits(abs_max)) return BlockPath::kNonFinite;
  s->d = BitsFloat(abs_max) / levels;
  if (!ReciprocalScale(s)) return BlockPath::kReference;
  s->d16 = Fp32ToFp16(s->d);
  return BlockPath::kVector;
}

// ---------------------------------------------------------------------------
// Groups

constexpr size_t kGroup = hn::MaxLanes(LegacyF());  // blocks per group

// The scales of one group, lane b = block b, and the blocks that must take
// the per-block path (bit b of per_block).
struct GroupScales {
  float d[kGroup], id[kGroup], min[kGroup];
  uint16_t d16[kGroup], m16[kGroup];
  uint64_t per_block;
  BlockScale Get(size_t b) const {
    BlockScale s;
    s.d = d[b];
    s.id = id[b];
    s.min = min[b];
    s.d16 = d16[b];
    s.m16 = m16[b];
    return s;
  }
};

// v[0..G) each reduced to one value with `op`, result lane b = v[b]. Pairs
// of vectors are folded with ConcatEven/ConcatOdd, which keep lane order, so
// after log2(G) rounds every block owns exactly one lane. v is clobbered.
template <class D, class Op>
HWY_INLINE hn::Vec<D> ReduceEachToLane(D d, hn::Vec<D>* v, Op op) {
#if HWY_TARGET == HWY_SCALAR
  (void)d;
  (void)op;
#else
  for (size_t count = kGroup; count > 1; count /= 2) {
    for (size_t i = 0; i < count / 2; ++i) {
      v[i] = op(hn::ConcatEven(d, v[2 * i + 1], v[2 * i]), hn::ConcatOdd(d, v[2 * i + 1], v[2 * i]));
    }
  }
#endif
  return v[0];
}

HWY_INLINE VecI GroupAbsMaxBits(const float* x) {
  const LegacyF df;
  const LegacyI di;
  VecI bits[kGroup];
  for (size_t b = 0; b < kGroup; ++b) {
    bits[b] = hn::Zero(di);
    for (size_t i = 0; i < kLegacyBlock; i += hn::Lanes(df)) {
      bits[b] = hn::Max(bits[b], hn::BitCast(di, hn::Abs(hn::LoadU(df, x + b * kLegacyBlock + i))));
    }
  }
  return ReduceEachToLane(di, bits, [](VecI a, VecI b) { return hn::Max(a, b); });
}

// Signed minimum and maximum of every block; false if the group holds a
// NaN or Inf anywhere (vector Min/Max would not propagate a NaN).
HWY_INLINE bool GroupMinMax(const float* x, VecF* min, VecF* max) {
  const LegacyF df;
  const LegacyI di;
  VecF lo[kGroup], hi[kGroup];
  VecI abs_bits = hn::Zero(di);
  for (size_t b = 0; b < kGroup; ++b) {
    const float* block = x + b * kLegacyBlock;
    lo[b] = hi[b] = hn::LoadU(df, block);
    abs_bits = hn::Max(abs_bits, hn::BitCast(di, hn::Abs(lo[b])));
    for (size_t i = hn::Lanes(df); i < kLegacyBlock; i += hn::Lanes(df)) {
      const VecF v = hn::LoadU(df, block + i);
      lo[b] = hn::Min(lo[b], v);
      hi[b] = hn::Max(hi[b], v);
      abs_bits = hn::Max(abs_bits, hn::BitCast(di, hn::Abs(v)));
    }
  }
  if (!hn::AllFalse(di, hn::Gt(abs_bits, hn::Set(di, 0x7F7FFFFF)))) return false;
  *min = ReduceEachToLane(df, lo, [](VecF a, VecF b) { return hn::Min(a, b); });
  *max = ReduceEachToLane(df, hi, [](VecF a, VecF b) { return hn::Max(a, b); });
  return true;
}

// Shared tail of the group scales: id = d ? 1/d : 0, the fp16 forms, and
// the blocks whose reciprocal (or d) is not finite join `per_block`.
HWY_INLINE void FinishGroupScales(VecF d, VecF min, hn::Mask<LegacyF> per_block, GroupScales* s) {
  const LegacyF df;
  const LegacyI di;
  const hn::Rebind<uint16_t, LegacyF> du16;
  const VecF zero = hn::Zero(df);
  const VecF id = hn::IfThenZeroElse(hn::Eq(d, zero), hn::Div(hn::Set(df, 1.0f), d));
  const VecF limit = hn::Set(df, kMaxFinite);
  per_block = hn::Or(per_block, hn::Or(hn::Gt(hn::Abs(id), limit), hn::Gt(hn::Abs(d), limit)));
  s->per_block = MaskBits(hn::RebindMask(di, per_block));
  hn::StoreU(d, df, s->d);
  hn::StoreU(id, df, s->id);
  hn::StoreU(min, df, s->min);
  hn::StoreU(hn::DemoteTo(du16, hn::BitCast(di, Fp32ToFp16Bits(d))), du16, s->d16);
  hn::StoreU(hn::DemoteTo(du16, hn::BitCast(di, Fp32ToFp16Bits(min))), du16, s->m16);
}

// Group form of SymmetricBlockScale. The first element of largest
// magnitude is the block maximum or minimum, whichever reaches it; when
// both do (x and -x in one block) only the element order decides, so those
// blocks go per block.
HWY_INLINE bool SymmetricGroupScales(const float* x, float step, GroupScales* s) {
  const LegacyF df;
  VecF min, max;
  if (!GroupMinMax(x, &min, &max)) return false;
  const VecF neg_min = hn::Neg(min);
  const VecF amax = hn::Max(max, neg_min);
  const auto positive = hn::Eq(max, amax);
  const auto all_zero = hn::Eq(amax, hn::Zero(df));
  const auto tie = hn::AndNot(all_zero, hn::And(positive, hn::Eq(neg_min, amax)));
  // ggml starts from +0.0, which an all-zero block keeps.
  const VecF largest = hn::IfThenZeroElse(all_zero, hn::IfThenElse(positive, max, min));
  FinishGroupScales(hn::Mul(largest, hn::Set(df, step)), min, tie, s);
  return true;
}

// Group form of AffineBlockScale. A zero extreme goes per block: its sign
// is the first zero of the block (BlockMinMaxVec).
HWY_INLINE bool AffineGroupScales(const float* x, float levels, GroupScales* s) {
  const LegacyF df;
  VecF min, max;
  if (!GroupMinMax(x, &min, &max)) return false;
  const VecF zero = hn::Zero(df);
  const auto zero_extreme = hn::Or(hn::Eq(min, zero), hn::Eq(max, zero));
  FinishGroupScales(hn::Div(hn::Sub(max, min), hn::Set(df, levels)), min, zero_extreme, s);
  return true;
}

// Group form of AbsMaxBlockScale.
HWY_INLINE bool AbsMaxGroupScales(const float* x, float levels, GroupScales* s) {
  const LegacyF df;
  const LegacyI di;
  const VecI bits = GroupAbsMaxBits(x);
  if (!hn::AllFalse(di, hn::Gt(bits, hn::Set(di, 0x7F7FFFFF)))) return false;
  FinishGroupScales(hn::Div(hn::BitCast(df, bits), hn::Set(df, levels)), hn::Zero(df),
                    hn::FirstN(df, 0), s);
  return true;
}

// The scale choice of each format family, as a base of its Format struct.
// Integers because C++17 has no float template arguments.
template <int kHalfRange>  // d = largest / -kHalfRange (8 for Q4_0, 16 for Q5_0)
struct SymmetricScaling {
  static constexpr float kStep = -1.0f / kHalfRange;  // a power of two: exact
  static BlockPath ScaleBlock(const float* x, BlockScale* s) { return SymmetricBlockScale(x, kStep, s); }
  static bool ScaleGroup(const float* x, GroupScales* g) { return SymmetricGroupScales(x, kStep, g); }
};

template <int kLevels>  // d = (max - min) / kLevels (15 for Q4_1, 31 for Q5_1)
struct AffineScaling {
  static BlockPath ScaleBlock(const float* x, BlockScale* s) { return AffineBlockScale(x, kLevels, s); }
  static bool ScaleGroup(const float* x, GroupScales* g) { return AffineGroupScales(x, kLevels, g); }
};

template <int kLevels>  // d = max|x| / kLevels (127 for Q8_0, Q8_1)
struct AbsMaxScaling {
  static BlockPath ScaleBlock(const float* x, BlockScale* s) { return AbsMaxBlockScale(x, kLevels, s); }
  static bool ScaleGroup(const float* x, GroupScales* g) { return AbsMaxGroupScales(x, kLevels, g); }
};

// ---------------------------------------------------------------------------
// Row driver

// A format supplies: kBytes (bytes per block); ScaleBlock(x, &scale) ->
// BlockPath; ScaleGroup(x, &group) -> false if the group must go per block;
// StoreBlock(x, scale, y) writing the whole block; Reference(x, y, k).
template <class Format>
HWY_INLINE bool QuantizeBlockAlone(const float* x, uint8_t* y) {
  BlockScale scale;
  const BlockPath path = Format::ScaleBlock(x, &scale);
  if (path == BlockPath::kVector) {
    Format::StoreBlock(x, scale, y);
  } else if (path == BlockPath::kReference) {
    Format::Reference(x, y, kLegacyBlock);
  }
  return path != BlockPath::kNonFinite;
}

// Returns false if the row holds NaN/Inf (those blocks are left unwritten).
template <class Format>
HWY_INLINE bool QuantizeRowGrouped(const float* x, uint8_t* y, int64_t k) {
  const int64_t blocks = k / kLegacyBlock;
  bool all_finite = true;
  int64_t b = 0;
  GroupScales group;
  for (; b + static_cast<int64_t>(kGroup) <= blocks; b += kGroup) {
    const float* gx = x + b * kLegacyBlock;
    uint8_t* gy = y + b * Format::kBytes;
    const uint64_t per_block = Format::ScaleGroup(gx, &group) ? group.per_block : ~uint64_t{0};
    for (size_t j = 0; j < kGroup; ++j) {
      if ((per_block >> j) & 1) {
        all_finite &= QuantizeBlockAlone<Format>(gx + j * kLegacyBlock, gy + j * Format::kBytes);
      } else {
        Format::StoreBlock(gx + j * kLegacyBlock, group.Get(j), gy + j * Format::kBytes);
      }
    }
  }
  for (; b < blocks; ++b) {
    all_finite &= QuantizeBlockAlone<Format>(x + b * kLegacyBlock, y + b * Format::kBytes);
  }
  return all_finite;
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_QUANT_BLOCK_SCALE_INL_H_
