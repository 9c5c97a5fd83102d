// NF4 / FP4 Highway kernels; the scalar reference is fourbit_ref.cc. Codes
// come from branch-free comparisons against the same f32 thresholds, so
// every target writes the reference's bytes. A block's last partial part
// (only the last block of a tensor can be short) goes to the reference.
#if defined(AXQ_FLOATQUANT_FOURBIT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_FLOATQUANT_FOURBIT_INL_H_
#undef AXQ_FLOATQUANT_FOURBIT_INL_H_
#else
#define AXQ_FLOATQUANT_FOURBIT_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <cmath>
#include <cstring>

#include "hwy/highway.h"
#include "src/floatquant/floatquant_ref.h"
#include "src/floatquant/fourbit_tables.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using FourF = hn::ScalableTag<float>;
using FourU = hn::RebindToUnsigned<FourF>;
using FourI = hn::RebindToSigned<FourF>;

#if HWY_TARGET <= HWY_AVX3
// 512-bit targets: the same counts by a branch-free binary search, each
// step one lane permute of the threshold table and one comparison, which
// halves the comparisons that bound the linear form below. The tables are
// padded with +inf, which no finite v exceeds.
HWY_INLINE hn::Vec<FourU> CountCrossed16(const float* thresholds16, hn::Vec<FourF> v, int steps) {
  const FourF df;
  const FourU du;
  const FourI di;
  const auto table = hn::LoadU(df, thresholds16);
  // The first step compares with one threshold for all lanes.
  const int first = 1 << (steps - 1);
  auto count = hn::IfThenElseZero(hn::RebindMask(du, hn::Gt(v, hn::Set(df, thresholds16[first - 1]))),
                                  hn::Set(du, static_cast<uint32_t>(first)));
  for (int step = first / 2; step >= 1; step >>= 1) {
    // Crossing t[count + step - 1] means at least `step` more are crossed.
    const auto index = hn::BitCast(di, hn::Add(count, hn::Set(du, static_cast<uint32_t>(step - 1))));
    const auto t = hn::TableLookupLanes(table, hn::IndicesFromVec(df, index));
    count = hn::IfThenElse(hn::RebindMask(du, hn::Gt(v, t)), hn::Add(count, hn::Set(du, step)), count);
  }
  return count;
}

HWY_INLINE hn::Vec<FourU> Nf4Codes512(hn::Vec<FourF> v) {
  alignas(64) static constexpr float kTable[16] = {
      kNf4Thresholds[0],  kNf4Thresholds[1],  kNf4Thresholds[2],  kNf4Thresholds[3],
      kNf4Thresholds[4],  kNf4Thresholds[5],  kNf4Thresholds[6],  kNf4Thresholds[7],
      kNf4Thresholds[8],  kNf4Thresholds[9],  kNf4Thresholds[10], kNf4Thresholds[11],
      kNf4Thresholds[12], kNf4Thresholds[13], kNf4Thresholds[14], HUGE_VALF};
  return CountCrossed16(kTable, v, 4);
}

HWY_INLINE hn::Vec<FourU> Fp4Codes512(hn::Vec<FourF> v) {
  const FourF df;
  const FourU du;
  const FourI di;
  alignas(64) static constexpr float kTable[16] = {
      kFp4Thresholds[0], kFp4Thresholds[1], kFp4Thresholds[2], kFp4Thresholds[3], kFp4Thresholds[4],
      kFp4Thresholds[5], kFp4Thresholds[6], HUGE_VALF,         HUGE_VALF,         HUGE_VALF,
      HUGE_VALF,         HUGE_VALF,         HUGE_VALF,         HUGE_VALF,         HUGE_VALF,
      HUGE_VALF};
  // Magnitude rank -> 3-bit code: the running sums of kFp4Steps.
  alignas(64) static constexpr int32_t kByRank[16] = {0, 1, 6, 7, 4, 5, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0};
  const auto rank = CountCrossed16(kTable, hn::Abs(v), 3);
  const auto code = hn::TableLookupLanes(hn::Load(di, kByRank), hn::IndicesFromVec(di, hn::BitCast(di, rank)));
  const auto sign = hn::IfThenElseZero(hn::RebindMask(du, hn::Lt(v, hn::Zero(df))), hn::Set(du, 8u));
  return hn::Or(hn::BitCast(du, code), sign);
}
#endif  // HWY_TARGET <= HWY_AVX3

// Codes (one per u32 lane) of the normalized values v: the number of
// thresholds below v (NF4), or the sign and the magnitude's code (FP4).
template <FourBitKind kKind>
HWY_INLINE hn::Vec<FourU> FourBitCodes(hn::Vec<FourF> v) {
#if HWY_TARGET <= HWY_AVX3
  return kKind == FourBitKind::kNf4 ? Nf4Codes512(v) : Fp4Codes512(v);
#else
  const FourF df;
  const FourU du;
  if (kKind == FourBitKind::kNf4) {
    auto code = hn::Zero(du);
    for (float t : kNf4Thresholds) {
      // A true mask is all ones, i.e. -1: subtracting it counts the threshold.
      code = hn::Sub(code, hn::VecFromMask(du, hn::RebindMask(du, hn::Gt(v, hn::Set(df, t)))));
    }
    return code;
  }
  const auto sign = hn::IfThenElseZero(hn::RebindMask(du, hn::Lt(v, hn::Zero(df))), hn::Set(du, 8u));
  const auto magnitude = hn::Abs(v);
  auto code = hn::Zero(du);
  for (int k = 0; k < 7; ++k) {
    const auto crossed = hn::RebindMask(du, hn::Gt(magnitude, hn::Set(df, kFp4Thresholds[k])));
    code = hn::Add(code, hn::IfThenElseZero(crossed, hn::Set(du, kFp4Steps[k])));
  }
  return hn::Or(code, sign);
#endif
}

#if HWY_TARGET != HWY_SCALAR
// Writes the Lanes(df) codes as Lanes(df)/2 bytes, element 2j in the high
// nibble of byte j.
HWY_INLINE void StorePackedCodes(hn::Vec<FourU> codes, uint8_t* out) {
#if HWY_TARGET <= HWY_AVX3
  // Pairs as u64 lanes (first code in the low half): one shift brings the
  // first code to the high nibble of the low byte, another the second code
  // to its low nibble; then every 8th byte is kept.
  const hn::Repartition<uint64_t, FourU> d64;
  const hn::Full64<uint8_t> d8;
  const auto pairs = hn::BitCast(d64, codes);
  hn::StoreU(hn::TruncateTo(d8, hn::Or(hn::ShiftLeft<4>(pairs), hn::ShiftRight<32>(pairs))), d8, out);
#else
  const FourI di;
  const hn::Rebind<uint8_t, FourF> d8;              // one code per byte
  const hn::Repartition<uint16_t, decltype(d8)> d16;  // two codes per lane, first in the low byte
  const hn::RebindToSigned<decltype(d16)> di16;
  const hn::Rebind<uint8_t, decltype(d16)> d8_half;
  const auto pairs = hn::BitCast(d16, hn::DemoteTo(d8, hn::BitCast(di, codes)));
  const auto packed = hn::Or(hn::ShiftLeft<4>(hn::And(pairs, hn::Set(d16, 0x0F))), hn::ShiftRight<8>(pairs));
  hn::StoreU(hn::DemoteTo(d8_half, hn::BitCast(di16, packed)), d8_half, out);
#endif
}

// The inverse: Lanes(df)/2 bytes to Lanes(df) codes in element order.
HWY_INLINE hn::Vec<FourU> LoadPackedCodes(const uint8_t* in) {
  const FourU du;
  const hn::Rebind<uint8_t, FourF> d8;
  const hn::Repartition<uint16_t, decltype(d8)> d16;
  const hn::Rebind<uint8_t, decltype(d16)> d8_half;
  const auto bytes = hn::PromoteTo(d16, hn::LoadU(d8_half, in));
  // High nibble to the low byte (first element), low nibble to the high byte.
  const auto split = hn::Or(hn::ShiftRight<4>(bytes), hn::ShiftLeft<8>(hn::And(bytes, hn::Set(d16, 0x0F))));
  return hn::PromoteTo(du, hn::BitCast(d8, split));
}

// table[code] for every lane; table holds 16 floats.
HWY_INLINE hn::Vec<FourF> LookUp16(const float* table, hn::Vec<FourU> codes) {
  const FourF df;
  const FourI di;
#if HWY_TARGET <= HWY_AVX3
  if (hn::Lanes(df) == 16) {
    return hn::TableLookupLanes(hn::LoadU(df, table), hn::IndicesFromVec(df, hn::BitCast(di, codes)));
  }
#endif
  return hn::GatherIndex(df, table, hn::BitCast(di, codes));
}
#endif  // HWY_TARGET != HWY_SCALAR

// The blocks of x: absmax and packed codes. False if x holds NaN/Inf.
template <FourBitKind kKind>
HWY_INLINE bool QuantizeFourBit(const float* x, size_t n, size_t block, uint8_t* packed, float* absmax) {
#if HWY_TARGET == HWY_SCALAR
  return quantize_4bit_ref(x, n, block, kKind, packed, absmax);
#else
  const FourF df;
  const FourU du;
  const FourI di;
  const size_t lanes = hn::Lanes(df);  // divides every block size (>= 32)
  const size_t full_blocks = n / block;
  for (size_t b = 0; b < full_blocks; ++b) {
    const float* xb = x + b * block;
    // Max of |x| as integers: exact, order-free, and NaN/Inf sort above
    // every finite magnitude.
    auto max_bits = hn::Zero(di);
    for (size_t i = 0; i < block; i += lanes) {
      const auto magnitude = hn::And(hn::BitCast(du, hn::LoadU(df, xb + i)), hn::Set(du, 0x7FFFFFFFu));
      max_bits = hn::Max(max_bits, hn::BitCast(di, magnitude));
    }
    const int32_t amax_bits = hn::GetLane(hn::MaxOfLanes(di, max_bits));
    if (amax_bits >= 0x7F800000) return false;
    float amax;
    std::memcpy(&amax, &amax_bits, sizeof(amax));
    absmax[b] = amax;
    const float pre = static_cast<uint32_t>(amax_bits) < kSmallestNormalBits ? kSubnormalBlockScale : 1.0f;
    const auto vpre = hn::Set(df, pre);
    const auto vinv = hn::Set(df, amax_bits == 0 ? 0.0f : 1.0f / (amax * pre));
    uint8_t* out = packed + b * block / 2;
    for (size_t i = 0; i < block; i += lanes) {
      const auto v = hn::Mul(hn::Mul(hn::LoadU(df, xb + i), vpre), vinv);
      StorePackedCodes(FourBitCodes<kKind>(v), out + i / 2);
    }
  }
  const size_t done = full_blocks * block;
  if (done < n) {
    const size_t rest = n - done;
    for (size_t i = done; i < n; ++i) {
      if (!std::isfinite(x[i])) return false;
    }
    quantize_4bit_block_ref(x + done, rest, kKind, packed + done / 2, absmax + full_blocks);
  }
  return true;
#endif
}

// y[i] = value(code i) * absmax of its block.
template <FourBitKind kKind>
HWY_INLINE void DequantizeFourBit(const uint8_t* packed, size_t n, size_t block, const float* absmax, float* y) {
#if HWY_TARGET == HWY_SCALAR
  dequantize_4bit_ref(packed, n, block, kKind, absmax, y);
#else
  const FourF df;
  const size_t lanes = hn::Lanes(df);
  const float* values = FourBitValues(kKind);
  const size_t full_blocks = n / block;
  HWY_ALIGN float table[16];
  for (size_t b = 0; b < full_blocks; ++b) {
    // The same product value * absmax as the reference, made once per code.
    for (int c = 0; c < 16; ++c) table[c] = values[c] * absmax[b];
    const uint8_t* in = packed + b * block / 2;
    float* out = y + b * block;
    for (size_t i = 0; i < block; i += lanes) {
      hn::StoreU(LookUp16(table, LoadPackedCodes(in + i / 2)), df, out + i);
    }
  }
  const size_t done = full_blocks * block;
  if (done < n) {
    dequantize_4bit_ref(packed + done / 2, n - done, block, kKind, absmax + full_blocks, y + done);
  }
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_FLOATQUANT_FOURBIT_INL_H_
