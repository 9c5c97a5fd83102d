// The constant tables of bitsandbytes' 4-bit formats (floatquant.h, "NF4
// and FP4"): code values and the f32 decision thresholds that both the
// scalar reference and the Highway kernels compare against, so that their
// codes agree bit for bit.
#ifndef AXQ_FLOATQUANT_FOURBIT_TABLES_H_
#define AXQ_FLOATQUANT_FOURBIT_TABLES_H_

#include <cstdint>

namespace axq {

enum class FourBitKind : int32_t { kNf4 = 0, kFp4 = 1 };

// Index = code. The decimal forms are bitsandbytes' f32 values.
inline constexpr float kNf4Values[16] = {
    -1.0f,
    -0.6961928009986877f,
    -0.5250730514526367f,
    -0.39491748809814453f,
    -0.28444138169288635f,
    -0.18477343022823334f,
    -0.09105003625154495f,
    0.0f,
    0.07958029955625534f,
    0.16093020141124725f,
    0.24611230194568634f,
    0.33791524171829224f,
    0.44070982933044434f,
    0.5626170039176941f,
    0.7229568362236023f,
    1.0f,
};

// Ascending: code = number of thresholds below v. These are bitsandbytes'
// constants (midpoints it computed from the double-precision values), not
// the midpoints of the f32 values above: four differ by one ulp, and these
// give its bytes.
inline constexpr float kNf4Thresholds[15] = {
    -0.8480964004993439f,  -0.6106329262256622f, -0.4599952697753906f,
    -0.33967943489551544f, -0.23460740596055984f, -0.13791173323988914f,
    -0.045525018125772476f, 0.03979014977812767f, 0.1202552504837513f,
    0.2035212516784668f,   0.2920137718319893f,  0.3893125355243683f,
    0.5016634166240692f,   0.6427869200706482f,  0.8614784181118011f,
};

// The 16 FP4 code values: the low three bits pick the magnitude, bit 3 is
// the sign (8 is -0).
inline constexpr float kFp4Values[16] = {
    0.0f,  5.208333333e-03f,  0.66666667f,  1.0f,  0.33333333f,  0.5f,  0.16666667f,  0.25f,
    -0.0f, -5.208333333e-03f, -0.66666667f, -1.0f, -0.33333333f, -0.5f, -0.16666667f, -0.25f,
};

// Thresholds on |v| in ascending magnitude order (bitsandbytes' constants).
inline constexpr float kFp4Thresholds[7] = {
    0.00260417f, 0.0859375f, 0.20833333f, 0.29166667f, 0.4166667f, 0.583333f, 0.8333333f,
};

// Crossing threshold k moves the magnitude code from the k-th to the
// (k+1)-th smallest magnitude: 000 -> 001 -> 110 -> 111 -> 100 -> 101 ->
// 010 -> 011. Summing the steps (mod 2^32) of the thresholds crossed gives
// the code without a table lookup.
inline constexpr uint32_t kFp4Steps[7] = {
    1u, 5u, 1u, static_cast<uint32_t>(-3), 1u, static_cast<uint32_t>(-3), 1u,
};

// Code of 0.0, which pads an odd element count.
inline constexpr uint8_t kNf4ZeroCode = 7;
inline constexpr uint8_t kFp4ZeroCode = 0;

inline const float* FourBitValues(FourBitKind kind) {
  return kind == FourBitKind::kNf4 ? kNf4Values : kFp4Values;
}

// Absmax magnitudes (f32 bits) below this are subnormal: their blocks are
// scaled by 2^64 before 1 / absmax is taken, so that it stays finite.
inline constexpr uint32_t kSmallestNormalBits = 0x00800000u;
inline constexpr float kSubnormalBlockScale = 18446744073709551616.0f;  // 2^64

}  // namespace axq

#endif  // AXQ_FLOATQUANT_FOURBIT_TABLES_H_
