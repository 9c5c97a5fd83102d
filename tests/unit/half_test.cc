// The scalar fp16 conversions of the references against the CPU's own F16C
// instructions, which FORMATS.md §1.2 records as identical to ggml's
// converters (F16C keeps NaN payloads where ggml writes sign | 0x7E00).
#include <cstdint>
#include <cstring>

#include <immintrin.h>

#include "gtest/gtest.h"
#include "src/quant/half.h"

namespace {

__attribute__((target("f16c"))) uint16_t HardwareToHalf(float v) {
  return static_cast<uint16_t>(_cvtss_sh(v, 0));  // round to nearest even
}

__attribute__((target("f16c"))) float HardwareToFloat(uint16_t h) { return _cvtsh_ss(h); }

bool CpuHasF16c() { return __builtin_cpu_supports("avx2"); }  // every AVX2 CPU has F16C

TEST(Half, WideningMatchesF16cForEveryHalf) {
  if (!CpuHasF16c()) GTEST_SKIP() << "no F16C on this CPU";
  for (uint32_t h = 0; h < 65536; ++h) {
    const float want = HardwareToFloat(static_cast<uint16_t>(h));
    const float got = axq::Fp16ToFp32(static_cast<uint16_t>(h));
    ASSERT_EQ(axq::FloatBits(got), axq::FloatBits(want)) << std::hex << h;
  }
}

TEST(Half, NarrowingMatchesF16cAcrossTheFloatRange) {
  if (!CpuHasF16c()) GTEST_SKIP() << "no F16C on this CPU";
  // A prime stride visits every exponent and many mantissas (17 M inputs),
  // plus every boundary the rounding cares about.
  for (uint64_t u = 0; u < (1ull << 32); u += 251) {
    const uint32_t bits = static_cast<uint32_t>(u);
    const float v = axq::BitsFloat(bits);
    const uint16_t got = axq::Fp32ToFp16(v);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) {
      ASSERT_EQ(got, ((bits >> 16) & 0x8000u) | 0x7E00u) << std::hex << bits;
    } else {
      ASSERT_EQ(got, HardwareToHalf(v)) << std::hex << bits;
    }
  }
  for (float v : {65504.0f, 65519.99f, 65520.0f, 6.1035156e-05f, 5.9604645e-08f, 2.9802322e-08f,
                  2.9802326e-08f, 1.0f + 0x1.0p-11f, 1.0f + 0x1.8p-11f}) {
    ASSERT_EQ(axq::Fp32ToFp16(v), HardwareToHalf(v)) << v;
    ASSERT_EQ(axq::Fp32ToFp16(-v), HardwareToHalf(-v)) << v;
  }
}

TEST(Half, Bf16RoundsToNearestEvenAndQuietsNan) {
  EXPECT_EQ(axq::Fp32ToBf16(axq::BitsFloat(0x3F808000u)), 0x3F80);  // tie, even stays
  EXPECT_EQ(axq::Fp32ToBf16(axq::BitsFloat(0x3F818000u)), 0x3F82);  // tie, odd rounds up
  EXPECT_EQ(axq::Fp32ToBf16(axq::BitsFloat(0x3F808001u)), 0x3F81);
  EXPECT_EQ(axq::Fp32ToBf16(axq::BitsFloat(0x7F7FFFFFu)), 0x7F80);  // overflow to inf
  EXPECT_EQ(axq::Fp32ToBf16(axq::BitsFloat(0x00000001u)), 0x0000);  // subnormal rounds
  EXPECT_EQ(axq::Fp32ToBf16(axq::BitsFloat(0x7F800001u)), 0x7FC0);  // sNaN quieted
  EXPECT_EQ(axq::Fp32ToBf16(axq::BitsFloat(0xFFA00000u)), 0xFFE0);
  EXPECT_EQ(axq::FloatBits(axq::Bf16ToFp32(0x7F81)), 0x7F810000u);
}

}  // namespace
