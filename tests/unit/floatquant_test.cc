// The float formats through the public API (axq/floatquant.h), checked
// against values this file computes on its own: FP8 values from the bit
// fields, exact midpoints built from bits, nearest-value searches; NF4/FP4
// codes, packing, absmax and double quantization from the tables.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

// ---------------------------------------------------------------- helpers

uint32_t BitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

float FromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

bool SameFloat(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) && std::signbit(a) == std::signbit(b);
  return BitsOf(a) == BitsOf(b);
}

void ExpectFailure(axq_status got, axq_status want) {
  EXPECT_EQ(got, want);
  EXPECT_STRNE(axq_last_error(), "");
}

std::vector<float> Gaussian(size_t n, uint64_t seed, float scale = 1.0f) {
  axq_test::Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.Gaussian() * scale;
  return v;
}

// ------------------------------------------------------------------ FP8

struct Fp8Case {
  int32_t format;
  int mantissa_bits;
  int bias;
  double max_finite;
  uint8_t max_code;
  uint8_t nan_code;
  bool has_inf;
};
const Fp8Case kE4M3 = {AXQ_FP8_E4M3, 3, 7, 448.0, 0x7E, 0x7F, false};
const Fp8Case kE5M2 = {AXQ_FP8_E5M2, 2, 15, 57344.0, 0x7B, 0x7E, true};

enum class CodeClass { kFinite, kInf, kNan };

CodeClass ClassOf(const Fp8Case& f, uint8_t code) {
  const int exponent = (code & 0x7F) >> f.mantissa_bits;
  const int mantissa = code & ((1 << f.mantissa_bits) - 1);
  const int top = (1 << (7 - f.mantissa_bits)) - 1;
  if (f.has_inf) {
    if (exponent == top) return mantissa == 0 ? CodeClass::kInf : CodeClass::kNan;
    return CodeClass::kFinite;
  }
  return (code & 0x7F) == 0x7F ? CodeClass::kNan : CodeClass::kFinite;
}

// Value of a finite code from its fields, in double (exact).
double FieldValue(const Fp8Case& f, uint8_t code) {
  const int exponent = (code & 0x7F) >> f.mantissa_bits;
  const int mantissa = code & ((1 << f.mantissa_bits) - 1);
  const double scale = std::pow(2.0, -f.mantissa_bits);
  const double magnitude = exponent == 0 ? mantissa * scale * std::pow(2.0, 1 - f.bias)
                                         : (1.0 + mantissa * scale) * std::pow(2.0, exponent - f.bias);
  return (code & 0x80) ? -magnitude : magnitude;
}

std::vector<float> DecodeAll(const Fp8Case& f, float scale = 1.0f) {
  std::vector<uint8_t> codes(256);
  for (int c = 0; c < 256; ++c) codes[c] = static_cast<uint8_t>(c);
  std::vector<float> out(256);
  EXPECT_EQ(axq_fp8_decode(out.data(), 256, codes.data(), f.format, scale), AXQ_OK);
  return out;
}

uint8_t Encode1(const Fp8Case& f, float x, float scale = 1.0f) {
  uint8_t code = 0xAA;
  EXPECT_EQ(axq_fp8_encode(&code, 1, &x, f.format, scale), AXQ_OK);
  return code;
}

// The nearest finite code to x by exhaustive search; ties to the code with
// an even mantissa; beyond the largest finite, saturation.
uint8_t NearestCode(const Fp8Case& f, float x) {
  if (std::isnan(x)) return f.nan_code;
  const uint8_t sign = std::signbit(x) ? 0x80 : 0x00;
  const double a = std::fabs(static_cast<double>(x));
  if (std::isinf(a)) return sign | (f.has_inf ? 0x7C : f.max_code);
  int best = 0;
  double best_distance = INFINITY;
  for (int c = 0; c <= f.max_code; ++c) {
    const double d = std::fabs(FieldValue(f, static_cast<uint8_t>(c)) - a);
    if (d < best_distance || (d == best_distance && c % 2 == 0)) {
      best = c;
      best_distance = d;
    }
  }
  // Past max + half a step the IEEE rounding would leave the range: saturate.
  return static_cast<uint8_t>(sign | best);
}

class Fp8Format : public ::testing::TestWithParam<Fp8Case> {};

TEST_P(Fp8Format, DecodesEveryCodeToItsFieldValue) {
  const Fp8Case f = GetParam();
  const std::vector<float> got = DecodeAll(f);
  for (int c = 0; c < 256; ++c) {
    SCOPED_TRACE(c);
    const uint8_t code = static_cast<uint8_t>(c);
    switch (ClassOf(f, code)) {
      case CodeClass::kNan:
        EXPECT_TRUE(std::isnan(got[c]));
        EXPECT_EQ(std::signbit(got[c]), (c & 0x80) != 0);
        break;
      case CodeClass::kInf:
        EXPECT_EQ(got[c], (c & 0x80) ? -INFINITY : INFINITY);
        break;
      case CodeClass::kFinite:
        EXPECT_TRUE(SameFloat(got[c], static_cast<float>(FieldValue(f, code))));
        break;
    }
  }
  EXPECT_EQ(got[f.max_code], static_cast<float>(f.max_finite));
  EXPECT_TRUE(SameFloat(got[0x80], -0.0f));
}

TEST_P(Fp8Format, EveryCodeRoundTripsAndNanBecomesCanonical) {
  const Fp8Case f = GetParam();
  const std::vector<float> values = DecodeAll(f);
  std::vector<uint8_t> back(256, 0xAA);
  ASSERT_EQ(axq_fp8_encode(back.data(), 256, values.data(), f.format, 1.0f), AXQ_OK);
  int nan_codes = 0;
  for (int c = 0; c < 256; ++c) {
    SCOPED_TRACE(c);
    if (ClassOf(f, static_cast<uint8_t>(c)) == CodeClass::kNan) {
      EXPECT_EQ(back[c], f.nan_code);
      ++nan_codes;
    } else {
      EXPECT_EQ(back[c], c);
    }
  }
  EXPECT_EQ(nan_codes, f.has_inf ? 6 : 2);
}

// Midpoints between neighbouring codes, built from bits: in the normal
// range the f32 pattern of the lower value plus the bit just below its last
// FP8 mantissa bit; in the subnormal range (2m+1) half-steps, exact.
TEST_P(Fp8Format, TiesRoundToEvenAndNeighboursOfTiesToNearest) {
  const Fp8Case f = GetParam();
  const int m_bits = f.mantissa_bits;
  int ties = 0;
  for (int c = 0; c < f.max_code; ++c) {
    const int exponent = c >> m_bits;
    const int mantissa = c & ((1 << m_bits) - 1);
    float mid;
    if (exponent == 0) {
      mid = std::ldexp(static_cast<float>(2 * mantissa + 1), 1 - f.bias - m_bits - 1);
    } else {
      const uint32_t lower = (static_cast<uint32_t>(exponent - f.bias + 127) << 23) |
                             (static_cast<uint32_t>(mantissa) << (23 - m_bits));
      mid = FromBits(lower | (1u << (22 - m_bits)));
    }
    const double lower_value = FieldValue(f, static_cast<uint8_t>(c));
    const double upper_value = FieldValue(f, static_cast<uint8_t>(c + 1));
    ASSERT_EQ(static_cast<double>(mid), (lower_value + upper_value) / 2) << c;
    const uint8_t even = static_cast<uint8_t>(c % 2 == 0 ? c : c + 1);
    for (float sign : {1.0f, -1.0f}) {
      SCOPED_TRACE(std::to_string(c) + (sign < 0 ? " negative" : ""));
      const uint8_t s = sign < 0 ? 0x80 : 0x00;
      EXPECT_EQ(Encode1(f, sign * mid), s | even);
      EXPECT_EQ(Encode1(f, sign * std::nextafter(mid, 0.0f)), s | c);
      EXPECT_EQ(Encode1(f, sign * std::nextafter(mid, INFINITY)), s | (c + 1));
    }
    ++ties;
  }
  EXPECT_EQ(ties, f.max_code);
}

TEST_P(Fp8Format, MatchesExhaustiveNearestSearch) {
  const Fp8Case f = GetParam();
  axq_test::Rng rng(17 + f.format);
  std::vector<float> x;
  for (int i = 0; i < 20000; ++i) {
    const int e = static_cast<int>(rng.Next() % 40) - 24;
    x.push_back(std::ldexp(rng.Gaussian(), e) * static_cast<float>(f.max_finite > 1000 ? 64 : 1));
  }
  std::vector<uint8_t> got(x.size());
  ASSERT_EQ(axq_fp8_encode(got.data(), got.size(), x.data(), f.format, 1.0f), AXQ_OK);
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(got[i], NearestCode(f, x[i])) << x[i];
}

TEST_P(Fp8Format, ScaleDividesBeforeEncodingAndMultipliesAfterDecoding) {
  const Fp8Case f = GetParam();
  const std::vector<float> x = Gaussian(999, 5, 3.0f);
  const float scale = 0.0137f;
  std::vector<uint8_t> scaled(x.size()), plain(x.size());
  std::vector<float> quotient(x.size());
  for (size_t i = 0; i < x.size(); ++i) quotient[i] = x[i] / scale;
  ASSERT_EQ(axq_fp8_encode(scaled.data(), x.size(), x.data(), f.format, scale), AXQ_OK);
  ASSERT_EQ(axq_fp8_encode(plain.data(), x.size(), quotient.data(), f.format, 1.0f), AXQ_OK);
  EXPECT_EQ(scaled, plain);
  const std::vector<float> unit = DecodeAll(f);
  const std::vector<float> times = DecodeAll(f, scale);
  for (int c = 0; c < 256; ++c) EXPECT_TRUE(SameFloat(times[c], unit[c] * scale)) << c;
}

INSTANTIATE_TEST_SUITE_P(Formats, Fp8Format, ::testing::Values(kE4M3, kE5M2),
                         [](const ::testing::TestParamInfo<Fp8Case>& info) {
                           return std::string(info.param.format == AXQ_FP8_E4M3 ? "E4M3" : "E5M2");
                         });

TEST(Fp8, E4M3SaturatesFiniteAndInfiniteValues) {
  EXPECT_EQ(Encode1(kE4M3, 448.0f), 0x7E);
  EXPECT_EQ(Encode1(kE4M3, 464.0f), 0x7E);  // tie 448/480: even is 448
  EXPECT_EQ(Encode1(kE4M3, 465.0f), 0x7E);  // would round to 480: saturates
  EXPECT_EQ(Encode1(kE4M3, 1e30f), 0x7E);
  EXPECT_EQ(Encode1(kE4M3, std::numeric_limits<float>::max()), 0x7E);
  EXPECT_EQ(Encode1(kE4M3, -1e30f), 0xFE);
  EXPECT_EQ(Encode1(kE4M3, INFINITY), 0x7E);
  EXPECT_EQ(Encode1(kE4M3, -INFINITY), 0xFE);
  EXPECT_EQ(Encode1(kE4M3, 1.0f, 1e-30f), 0x7E);  // the quotient overflows to inf: still finite input
}

TEST(Fp8, E5M2SaturatesFiniteValuesAndKeepsInfinities) {
  EXPECT_EQ(Encode1(kE5M2, 57344.0f), 0x7B);
  EXPECT_EQ(Encode1(kE5M2, 61439.0f), 0x7B);
  EXPECT_EQ(Encode1(kE5M2, 61440.0f), 0x7B);  // tie 57344/65536: even would overflow
  EXPECT_EQ(Encode1(kE5M2, 1e30f), 0x7B);
  EXPECT_EQ(Encode1(kE5M2, -1e30f), 0xFB);
  EXPECT_EQ(Encode1(kE5M2, INFINITY), 0x7C);
  EXPECT_EQ(Encode1(kE5M2, -INFINITY), 0xFC);
}

TEST(Fp8, SubnormalsAndSignedZeros) {
  // E4M3: step 2^-9, smallest normal 2^-6 = code 8.
  EXPECT_EQ(Encode1(kE4M3, std::ldexp(1.0f, -9)), 0x01);
  EXPECT_EQ(Encode1(kE4M3, std::ldexp(1.0f, -10)), 0x00);  // tie 0 / 2^-9
  EXPECT_EQ(Encode1(kE4M3, std::nextafter(std::ldexp(1.0f, -10), 1.0f)), 0x01);
  EXPECT_EQ(Encode1(kE4M3, std::ldexp(3.0f, -10)), 0x02);   // tie 1 / 2: even
  EXPECT_EQ(Encode1(kE4M3, std::ldexp(15.0f, -10)), 0x08);  // tie 7 / 8 (smallest normal)
  EXPECT_EQ(Encode1(kE4M3, -std::ldexp(5.0f, -9)), 0x85);
  EXPECT_EQ(Encode1(kE4M3, std::ldexp(1.0f, -6)), 0x08);
  // E5M2: step 2^-16, smallest normal 2^-14 = code 4.
  EXPECT_EQ(Encode1(kE5M2, std::ldexp(1.0f, -16)), 0x01);
  EXPECT_EQ(Encode1(kE5M2, std::ldexp(3.0f, -17)), 0x02);
  EXPECT_EQ(Encode1(kE5M2, std::ldexp(7.0f, -17)), 0x04);
  for (const Fp8Case& f : {kE4M3, kE5M2}) {
    EXPECT_EQ(Encode1(f, 0.0f), 0x00);
    EXPECT_EQ(Encode1(f, -0.0f), 0x80);
    EXPECT_EQ(Encode1(f, -1e-30f), 0x80);  // rounds to zero, keeps its sign
    EXPECT_EQ(Encode1(f, std::numeric_limits<float>::denorm_min()), 0x00);
    EXPECT_EQ(Encode1(f, std::nanf("")), f.nan_code);
    EXPECT_EQ(Encode1(f, -std::nanf("")), f.nan_code);
    EXPECT_EQ(Encode1(f, FromBits(0x7F800001u)), f.nan_code);  // signalling payload
  }
}

TEST(Fp8, QuantizePerTensorAndPerRow) {
  const int64_t rows = 5, cols = 37;
  std::vector<float> x = Gaussian(rows * cols, 11, 2.5f);
  std::fill(x.begin() + 2 * cols, x.begin() + 3 * cols, 0.0f);  // an all-zero row
  for (const Fp8Case& f : {kE4M3, kE5M2}) {
    for (int32_t granularity : {AXQ_FP8_PER_TENSOR, AXQ_FP8_PER_ROW}) {
      SCOPED_TRACE(std::to_string(f.format) + "/" + std::to_string(granularity));
      axq_fp8_options_t opts;
      ASSERT_EQ(axq_fp8_options_init(&opts), AXQ_OK);
      EXPECT_EQ(opts.format, AXQ_FP8_E4M3);
      EXPECT_EQ(opts.granularity, AXQ_FP8_PER_TENSOR);
      opts.format = f.format;
      opts.granularity = granularity;
      const size_t n_scales = granularity == AXQ_FP8_PER_ROW ? rows : 1;
      std::vector<uint8_t> codes(rows * cols);
      std::vector<float> scales(n_scales);
      ASSERT_EQ(axq_fp8_quantize(codes.data(), codes.size(), scales.data(), n_scales, x.data(), rows, cols, &opts),
                AXQ_OK);
      for (int64_t r = 0; r < rows; ++r) {
        const size_t s = granularity == AXQ_FP8_PER_ROW ? r : 0;
        float amax = 0.0f;
        const int64_t first = granularity == AXQ_FP8_PER_ROW ? r * cols : 0;
        const int64_t last = granularity == AXQ_FP8_PER_ROW ? (r + 1) * cols : rows * cols;
        for (int64_t i = first; i < last; ++i) amax = std::max(amax, std::fabs(x[i]));
        const float want_scale = amax == 0.0f ? 1.0f : amax / static_cast<float>(f.max_finite);
        ASSERT_EQ(scales[s], want_scale);
        std::vector<uint8_t> want(cols);
        ASSERT_EQ(axq_fp8_encode(want.data(), cols, x.data() + r * cols, f.format, want_scale), AXQ_OK);
        EXPECT_EQ(0, std::memcmp(want.data(), codes.data() + r * cols, cols)) << "row " << r;
      }
      // The largest magnitude lands on +-max.
      const auto it = std::max_element(x.begin(), x.end(), [](float a, float b) { return std::fabs(a) < std::fabs(b); });
      EXPECT_EQ(codes[it - x.begin()] & 0x7F, f.max_code);
      std::vector<float> back(rows * cols);
      ASSERT_EQ(axq_fp8_dequantize(back.data(), back.size(), codes.data(), scales.data(), n_scales, rows, cols, &opts),
                AXQ_OK);
      const std::vector<float> unit = DecodeAll(f);
      for (int64_t i = 0; i < rows * cols; ++i) {
        const float s = scales[granularity == AXQ_FP8_PER_ROW ? i / cols : 0];
        ASSERT_TRUE(SameFloat(back[i], unit[codes[i]] * s)) << i;
        // Relative error of a 3 (2) bit mantissa, or one subnormal step.
        EXPECT_LE(std::fabs(back[i] - x[i]),
                  std::max(std::fabs(x[i]) * std::ldexp(1.0f, -f.mantissa_bits - 1) * 1.0001f,
                           s * std::ldexp(1.0f, -f.bias - f.mantissa_bits) * 1.0001f));
      }
      // Any thread count gives the same bytes.
      for (uint32_t threads : {1u, 2u, 0u}) {
        opts.n_threads = threads;
        std::vector<uint8_t> again(codes.size());
        std::vector<float> again_scales(n_scales);
        ASSERT_EQ(axq_fp8_quantize(again.data(), again.size(), again_scales.data(), n_scales, x.data(), rows, cols,
                                   &opts),
                  AXQ_OK);
        EXPECT_EQ(again, codes);
        EXPECT_EQ(again_scales, scales);
      }
    }
  }
}

TEST(Fp8, ScaleOfATinyTensorNeverUnderflowsToZero) {
  const float x[2] = {std::numeric_limits<float>::denorm_min(), 0.0f};
  uint8_t codes[2];
  float scale = 0.0f;
  ASSERT_EQ(axq_fp8_quantize(codes, 2, &scale, 1, x, 1, 2, nullptr), AXQ_OK);
  EXPECT_EQ(scale, std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(codes[0], 0x38);  // 1.0 in E4M3
  EXPECT_EQ(codes[1], 0x00);
}

TEST(Fp8, RejectsBadArguments) {
  const float x[4] = {1, 2, 3, 4};
  uint8_t codes[4];
  float out[4];
  float scales[2] = {1, 1};
  ExpectFailure(axq_fp8_encode(nullptr, 4, x, AXQ_FP8_E4M3, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_encode(codes, 4, nullptr, AXQ_FP8_E4M3, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_encode(codes, 0, x, AXQ_FP8_E4M3, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_encode(codes, 4, x, 2, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_encode(codes, 4, x, -1, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_encode(codes, 4, x, AXQ_FP8_E4M3, 0), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_encode(codes, 4, x, AXQ_FP8_E4M3, -1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_encode(codes, 4, x, AXQ_FP8_E4M3, NAN), AXQ_ERR_NON_FINITE);
  ExpectFailure(axq_fp8_encode(codes, 4, x, AXQ_FP8_E4M3, INFINITY), AXQ_ERR_NON_FINITE);
  ExpectFailure(axq_fp8_decode(nullptr, 4, codes, AXQ_FP8_E5M2, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_decode(out, 4, nullptr, AXQ_FP8_E5M2, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_decode(out, 0, codes, AXQ_FP8_E5M2, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_decode(out, 4, codes, 7, 1), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_decode(out, 4, codes, AXQ_FP8_E5M2, -INFINITY), AXQ_ERR_NON_FINITE);

  ExpectFailure(axq_fp8_options_init_sized(nullptr, sizeof(axq_fp8_options_t)), AXQ_ERR_INVALID_ARGUMENT);
  axq_fp8_options_t opts;
  ExpectFailure(axq_fp8_options_init_sized(&opts, sizeof(opts) + 4), AXQ_ERR_INVALID_ARGUMENT);
  ASSERT_EQ(axq_fp8_options_init(&opts), AXQ_OK);
  ExpectFailure(axq_fp8_quantize(nullptr, 4, scales, 1, x, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_quantize(codes, 4, nullptr, 1, x, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, nullptr, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_quantize(codes, 3, scales, 1, x, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 2, x, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, x, 0, 4, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, x, 2, -2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, x, INT64_MAX, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  const float bad[4] = {1, NAN, 3, 4};
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, bad, 2, 2, &opts), AXQ_ERR_NON_FINITE);
  EXPECT_NE(std::string(axq_last_error()).find("src[1]"), std::string::npos) << axq_last_error();
  const float inf[4] = {1, 2, 3, -INFINITY};
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, inf, 2, 2, &opts), AXQ_ERR_NON_FINITE);
  opts.granularity = AXQ_FP8_PER_ROW;
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, x, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.granularity = 2;
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, x, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.granularity = AXQ_FP8_PER_TENSOR;
  opts.format = 5;
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, x, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts.format = AXQ_FP8_E4M3;
  opts.struct_size = 2;
  ExpectFailure(axq_fp8_quantize(codes, 4, scales, 1, x, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ASSERT_EQ(axq_fp8_options_init(&opts), AXQ_OK);
  ExpectFailure(axq_fp8_dequantize(nullptr, 4, codes, scales, 1, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_dequantize(out, 4, nullptr, scales, 1, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_dequantize(out, 4, codes, nullptr, 1, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_dequantize(out, 5, codes, scales, 1, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  const float zero_scale = 0.0f, nan_scale = NAN;
  ExpectFailure(axq_fp8_dequantize(out, 4, codes, &zero_scale, 1, 2, 2, &opts), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_fp8_dequantize(out, 4, codes, &nan_scale, 1, 2, 2, &opts), AXQ_ERR_NON_FINITE);
}

// ------------------------------------------------------------ NF4 / FP4

const float kNf4[16] = {-1.0f,
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
                        1.0f};

// bitsandbytes' dQuantizeNF4 decision constants (f32).
const float kNf4Cuts[15] = {-0.8480964004993439f, -0.6106329262256622f, -0.4599952697753906f,
                            -0.33967943489551544f, -0.23460740596055984f, -0.13791173323988914f,
                            -0.045525018125772476f, 0.03979014977812767f, 0.1202552504837513f,
                            0.2035212516784668f,  0.2920137718319893f,   0.3893125355243683f,
                            0.5016634166240692f,  0.6427869200706482f,   0.8614784181118011f};

// FP4 as bitsandbytes spells it out (its unnormalized dequantizer): bits
// 2..1 = 00 is the subnormal 0 / 0.0625, 11 -> 2, 10 -> 4, 01 -> 8, bit 0
// multiplies by 1.5, bit 3 is the sign; the tables divide by 12.
float Fp4Value(uint8_t code) {
  double magnitude = 0.0;
  if ((code & 6) == 0) {
    magnitude = (code & 1) ? 0.0625 : 0.0;
  } else {
    const double base = ((code & 4) ? 2.0 : 8.0) + ((code & 2) ? 0.0 : 2.0);
    magnitude = base * ((code & 1) ? 1.5 : 1.0);
  }
  const float v = static_cast<float>(magnitude / 12.0);
  return (code & 8) ? -v : v;
}
// bitsandbytes' dQuantizeFP4 constants on |v|, ascending magnitude.
const float kFp4Cuts[7] = {0.00260417f, 0.0859375f, 0.20833333f, 0.29166667f, 0.4166667f, 0.583333f, 0.8333333f};

float CodeValue(int32_t kind, uint8_t code) { return kind == AXQ_4BIT_NF4 ? kNf4[code] : Fp4Value(code); }

// The test's own quantizer of one normalized value.
uint8_t ReferenceCode(int32_t kind, float v) {
  if (kind == AXQ_4BIT_NF4) {
    int code = 0;
    while (code < 15 && v > kNf4Cuts[code]) ++code;
    return static_cast<uint8_t>(code);
  }
  // Magnitudes in ascending order and their 3-bit codes.
  static const uint8_t kByMagnitude[8] = {0, 1, 6, 7, 4, 5, 2, 3};
  int rank = 0;
  while (rank < 7 && std::fabs(v) > kFp4Cuts[rank]) ++rank;
  return static_cast<uint8_t>(kByMagnitude[rank] | (v < 0.0f ? 8 : 0));
}

struct Quantized {
  std::vector<uint8_t> packed;
  std::vector<float> absmax;
};

// The test's own blockwise quantizer (no double quantization).
Quantized ReferenceQuantize(const std::vector<float>& x, int32_t kind, size_t block) {
  Quantized q;
  q.packed.assign((x.size() + 1) / 2, 0);
  std::vector<uint8_t> codes(x.size() + 1, kind == AXQ_4BIT_NF4 ? 7 : 0);
  for (size_t start = 0; start < x.size(); start += block) {
    const size_t end = std::min(x.size(), start + block);
    float amax = 0.0f;
    for (size_t i = start; i < end; ++i) amax = std::max(amax, std::fabs(x[i]));
    q.absmax.push_back(amax);
    const float pre = amax < std::numeric_limits<float>::min() ? std::ldexp(1.0f, 64) : 1.0f;
    const float inv = amax == 0.0f ? 0.0f : 1.0f / (amax * pre);
    for (size_t i = start; i < end; ++i) codes[i] = ReferenceCode(kind, (x[i] * pre) * inv);
  }
  for (size_t j = 0; j < q.packed.size(); ++j) {
    q.packed[j] = static_cast<uint8_t>((codes[2 * j] << 4) | codes[2 * j + 1]);
  }
  return q;
}

struct Tensor4 {
  axq_nf4_tensor_t* t = nullptr;
  ~Tensor4() { axq_nf4_destroy(t); }
};

axq_nf4_options_t FourBitOptions(int32_t kind, uint32_t block, uint32_t double_quant, uint32_t threads = 0) {
  axq_nf4_options_t opts;
  EXPECT_EQ(axq_nf4_options_init(&opts), AXQ_OK);
  opts.kind = kind;
  opts.block_size = block;
  opts.double_quant = double_quant;
  opts.n_threads = threads;
  return opts;
}

axq_nf4_parts_t PartsOf(const axq_nf4_tensor_t* t) {
  axq_nf4_parts_t parts;
  parts.struct_size = sizeof(parts);
  EXPECT_EQ(axq_nf4_parts(&parts, t), AXQ_OK);
  return parts;
}

axq_nf4_info_t InfoOf(const axq_nf4_tensor_t* t) {
  axq_nf4_info_t info;
  info.struct_size = sizeof(info);
  EXPECT_EQ(axq_nf4_info(&info, t), AXQ_OK);
  return info;
}

std::vector<float> Dequantize(const axq_nf4_tensor_t* t, size_t n, uint32_t threads = 0) {
  axq_dequantize_options_t opts;
  EXPECT_EQ(axq_dequantize_options_init(&opts), AXQ_OK);
  opts.n_threads = threads;
  std::vector<float> out(n, -7.0f);
  EXPECT_EQ(axq_nf4_dequantize(out.data(), n, t, &opts), AXQ_OK);
  return out;
}

TEST(FourBit, CodeValuesAreTheTables) {
  float got[16];
  ASSERT_EQ(axq_4bit_code_values(got, 16, AXQ_4BIT_NF4), AXQ_OK);
  for (int c = 0; c < 16; ++c) EXPECT_TRUE(SameFloat(got[c], kNf4[c])) << c;
  ASSERT_EQ(axq_4bit_code_values(got, 16, AXQ_4BIT_FP4), AXQ_OK);
  for (int c = 0; c < 16; ++c) EXPECT_TRUE(SameFloat(got[c], Fp4Value(static_cast<uint8_t>(c)))) << c;
  // bitsandbytes' NF4 thresholds are within one ulp of the f32 midpoints.
  for (int k = 0; k < 15; ++k) {
    const float mid = static_cast<float>((static_cast<double>(kNf4[k]) + kNf4[k + 1]) / 2);
    EXPECT_LE(std::fabs(mid - kNf4Cuts[k]), std::fabs(std::nextafter(mid, 2.0f) - mid)) << k;
  }
}

TEST(FourBit, PacksTheFirstElementOfAPairInTheHighNibble) {
  std::vector<float> x(64, 0.0f);
  x[0] = 1.0f;   // NF4 15
  x[1] = -1.0f;  // 0
  x[2] = 0.0f;   // 7
  x[3] = 0.5f;   // between the cuts 0.389 and 0.502: 12
  x[4] = 0.25f;  // 10
  x[5] = -0.3f;  // between the cuts -0.340 and -0.235: 4
  Tensor4 q;
  const axq_nf4_options_t opts = FourBitOptions(AXQ_4BIT_NF4, 64, 0);
  ASSERT_EQ(axq_nf4_quantize(&q.t, x.data(), x.size(), &opts), AXQ_OK);
  const axq_nf4_parts_t parts = PartsOf(q.t);
  EXPECT_EQ(parts.packed[0], 0xF0);
  EXPECT_EQ(parts.packed[1], 0x7C);
  EXPECT_EQ(parts.packed[2], 0xA4);
  EXPECT_EQ(parts.packed[3], 0x77);
  EXPECT_EQ(parts.absmax[0], 1.0f);
  // FP4 of the same: 1 -> 0011, -1 -> 1011, 0 -> 0000, 0.5 -> 0101,
  // 0.25 -> 0111, -0.3 -> 1100 (|v| between the cuts 0.2917 and 0.4167:
  // magnitude 0.3333, code 100, and the sign).
  Tensor4 f;
  const axq_nf4_options_t fp4 = FourBitOptions(AXQ_4BIT_FP4, 64, 0);
  ASSERT_EQ(axq_nf4_quantize(&f.t, x.data(), x.size(), &fp4), AXQ_OK);
  const axq_nf4_parts_t fparts = PartsOf(f.t);
  EXPECT_EQ(fparts.packed[0], 0x3B);
  EXPECT_EQ(fparts.packed[1], 0x05);
  EXPECT_EQ(fparts.packed[2], 0x7C);
  EXPECT_EQ(fparts.packed[3], 0x00);
}

TEST(FourBit, Fp4SignFollowsVBelowZero) {
  // -0 is not below zero: code 0000; a tiny negative rounds to magnitude 0
  // and keeps its sign: 1000 (-0); NF4 has a single zero, code 7.
  std::vector<float> x(32, 0.0f);
  x[0] = -0.0f;
  x[1] = -1e-5f;
  x[2] = 1e-5f;
  x[3] = 1.0f;
  Tensor4 f, n;
  const axq_nf4_options_t fp4 = FourBitOptions(AXQ_4BIT_FP4, 32, 0);
  const axq_nf4_options_t nf4 = FourBitOptions(AXQ_4BIT_NF4, 32, 0);
  ASSERT_EQ(axq_nf4_quantize(&f.t, x.data(), x.size(), &fp4), AXQ_OK);
  ASSERT_EQ(axq_nf4_quantize(&n.t, x.data(), x.size(), &nf4), AXQ_OK);
  EXPECT_EQ(PartsOf(f.t).packed[0], 0x08);
  EXPECT_EQ(PartsOf(f.t).packed[1], 0x03);
  EXPECT_EQ(PartsOf(n.t).packed[0], 0x77);
  EXPECT_EQ(PartsOf(n.t).packed[1], 0x7F);
  const std::vector<float> back = Dequantize(f.t, 32);
  EXPECT_TRUE(SameFloat(back[0], 0.0f));
  EXPECT_TRUE(SameFloat(back[1], -0.0f));
}

TEST(FourBit, ValuesOnAThresholdTakeTheLowerCode) {
  for (int32_t kind : {AXQ_4BIT_NF4, AXQ_4BIT_FP4}) {
    std::vector<float> x(64, 0.0f);
    x[63] = 1.0f;  // absmax 1: v = x exactly
    const int cuts = kind == AXQ_4BIT_NF4 ? 15 : 7;
    const float* cut = kind == AXQ_4BIT_NF4 ? kNf4Cuts : kFp4Cuts;
    for (int k = 0; k < cuts; ++k) {
      x[3 * k] = cut[k];
      x[3 * k + 1] = std::nextafter(cut[k], 2.0f);
      x[3 * k + 2] = std::nextafter(cut[k], -2.0f);
    }
    Tensor4 q;
    const axq_nf4_options_t opts = FourBitOptions(kind, 64, 0);
    ASSERT_EQ(axq_nf4_quantize(&q.t, x.data(), x.size(), &opts), AXQ_OK);
    const axq_nf4_parts_t parts = PartsOf(q.t);
    auto code_at = [&](size_t i) { return (i % 2 == 0) ? parts.packed[i / 2] >> 4 : parts.packed[i / 2] & 0xF; };
    for (int k = 0; k < cuts; ++k) {
      SCOPED_TRACE(std::to_string(kind) + " cut " + std::to_string(k));
      // On the cut and one ulp under it: the lower code; one ulp over: the upper.
      static const uint8_t kByMagnitude[8] = {0, 1, 6, 7, 4, 5, 2, 3};
      const bool negative = kind == AXQ_4BIT_NF4 ? false : cut[k] < 0.0f;
      const int lower = kind == AXQ_4BIT_NF4 ? k : kByMagnitude[k] | (negative ? 8 : 0);
      const int upper = kind == AXQ_4BIT_NF4 ? k + 1 : kByMagnitude[k + 1] | (negative ? 8 : 0);
      EXPECT_EQ(code_at(3 * k), lower);
      EXPECT_EQ(code_at(3 * k + 2), lower);
      EXPECT_EQ(code_at(3 * k + 1), upper);
    }
  }
}

TEST(FourBit, CodesAreTheNearestValues) {
  const std::vector<float> x = Gaussian(64 * 200, 3);
  for (int32_t kind : {AXQ_4BIT_NF4, AXQ_4BIT_FP4}) {
    Tensor4 q;
    const axq_nf4_options_t opts = FourBitOptions(kind, 64, 0);
    ASSERT_EQ(axq_nf4_quantize(&q.t, x.data(), x.size(), &opts), AXQ_OK);
    const axq_nf4_parts_t parts = PartsOf(q.t);
    for (size_t i = 0; i < x.size(); ++i) {
      const float v = x[i] * (1.0f / parts.absmax[i / 64]);
      const int code = (i % 2 == 0) ? parts.packed[i / 2] >> 4 : parts.packed[i / 2] & 0xF;
      const double d = std::fabs(static_cast<double>(CodeValue(kind, static_cast<uint8_t>(code))) - v);
      for (int other = 0; other < 16; ++other) {
        const double o = std::fabs(static_cast<double>(CodeValue(kind, static_cast<uint8_t>(other))) - v);
        // Only bitsandbytes' thresholds may be an ulp (FP4: 5) off the midpoint.
        ASSERT_LE(d, o + 1e-6) << "element " << i << " kind " << kind;
      }
    }
  }
}

TEST(FourBit, MatchesTheTestsOwnQuantizerWithTailsAndOddCounts) {
  for (int32_t kind : {AXQ_4BIT_NF4, AXQ_4BIT_FP4}) {
    for (uint32_t block : {32u, 64u, 128u, 4096u}) {
      for (size_t n : {size_t{1}, size_t{7}, size_t{block}, size_t{3 * block + 37}, size_t{5 * block + 64}}) {
        SCOPED_TRACE(std::to_string(kind) + " block " + std::to_string(block) + " n " + std::to_string(n));
        const std::vector<float> x = axq_test::StressInput(static_cast<int64_t>(n), 40 + n + block);
        const Quantized want = ReferenceQuantize(x, kind, block);
        Tensor4 q;
        const axq_nf4_options_t opts = FourBitOptions(kind, block, 0);
        ASSERT_EQ(axq_nf4_quantize(&q.t, x.data(), n, &opts), AXQ_OK);
        const axq_nf4_parts_t parts = PartsOf(q.t);
        const axq_nf4_info_t info = InfoOf(q.t);
        ASSERT_EQ(info.packed_bytes, (n + 1) / 2);
        ASSERT_EQ(info.block_count, want.absmax.size());
        EXPECT_EQ(0, std::memcmp(parts.packed, want.packed.data(), want.packed.size()));
        for (size_t b = 0; b < want.absmax.size(); ++b) ASSERT_TRUE(SameFloat(parts.absmax[b], want.absmax[b])) << b;
        if (n % 2 == 1) EXPECT_EQ(parts.packed[n / 2] & 0xF, kind == AXQ_4BIT_NF4 ? 7 : 0);
        const std::vector<float> back = Dequantize(q.t, n);
        for (size_t i = 0; i < n; ++i) {
          const int code = (i % 2 == 0) ? want.packed[i / 2] >> 4 : want.packed[i / 2] & 0xF;
          ASSERT_TRUE(SameFloat(back[i], CodeValue(kind, static_cast<uint8_t>(code)) * want.absmax[i / block])) << i;
        }
      }
    }
  }
}

TEST(FourBit, ZeroAndSubnormalBlocks) {
  std::vector<float> x(128, 0.0f);
  for (int i = 64; i < 128; ++i) x[i] = std::ldexp(static_cast<float>(i - 96), -140);  // subnormal block
  for (int32_t kind : {AXQ_4BIT_NF4, AXQ_4BIT_FP4}) {
    Tensor4 q;
    const axq_nf4_options_t opts = FourBitOptions(kind, 64, 0);
    ASSERT_EQ(axq_nf4_quantize(&q.t, x.data(), x.size(), &opts), AXQ_OK);
    const axq_nf4_parts_t parts = PartsOf(q.t);
    for (int j = 0; j < 32; ++j) EXPECT_EQ(parts.packed[j], kind == AXQ_4BIT_NF4 ? 0x77 : 0x00) << j;
    EXPECT_EQ(parts.absmax[0], 0.0f);
    EXPECT_EQ(parts.absmax[1], std::ldexp(32.0f, -140));
    // The subnormal block gets the codes of the same block scaled by 2^64.
    std::vector<float> scaled(64);
    for (int i = 0; i < 64; ++i) scaled[i] = x[64 + i] * std::ldexp(1.0f, 64);
    Tensor4 s;
    ASSERT_EQ(axq_nf4_quantize(&s.t, scaled.data(), 64, &opts), AXQ_OK);
    EXPECT_EQ(0, std::memcmp(PartsOf(s.t).packed, parts.packed + 32, 32));
    const std::vector<float> back = Dequantize(q.t, 128);
    for (int i = 0; i < 64; ++i) EXPECT_TRUE(SameFloat(back[i], 0.0f)) << i;
    EXPECT_EQ(back[64], -std::ldexp(32.0f, -140));  // the absmax element comes back exactly
  }
}

// The 256-entry map, built here from its definition with exact rationals:
// entry = (2^(i+1) + 9 (2j + 1)) / (10 * 2^(i+1) * 10^(6-i)).
std::vector<float> OwnDynamicMap() {
  std::vector<float> map;
  for (int i = 0; i < 7; ++i) {
    for (int j = 0; j < (1 << i); ++j) {
      const double numerator = std::ldexp(1.0, i + 1) + 9.0 * (2 * j + 1);
      const double denominator = std::ldexp(10.0, i + 1) * std::pow(10.0, 6 - i);
      const float v = static_cast<float>(numerator / denominator);
      map.push_back(v);
      map.push_back(-v);
    }
  }
  map.push_back(0.0f);
  map.push_back(1.0f);
  std::sort(map.begin(), map.end());
  return map;
}

TEST(FourBit, DynamicMapIsBitsandbytesSignedMap) {
  std::vector<float> got(256);
  ASSERT_EQ(axq_4bit_dynamic_map(got.data(), 256), AXQ_OK);
  const std::vector<float> want = OwnDynamicMap();
  for (int k = 0; k < 256; ++k) EXPECT_TRUE(SameFloat(got[k], want[k])) << k;
  EXPECT_EQ(got[127], 0.0f);
  EXPECT_EQ(got[255], 1.0f);
  EXPECT_EQ(got[0], -0.99296875f);
  for (int k = 0; k < 255; ++k) EXPECT_LT(got[k], got[k + 1]) << k;
  for (int k = 0; k < 127; ++k) EXPECT_EQ(got[k], -got[254 - k]) << k;
  // Entries that are exact in f32 agree with bitsandbytes' table digit for digit.
  EXPECT_NE(std::find(got.begin(), got.end(), -0.96484375f), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), 0.05078125f), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), 0.12109375f), got.end());
}

TEST(FourBit, DoubleQuantizationMatchesTheTestsOwnCompression) {
  // Blocks of very different scales, so that the absmax values spread.
  const size_t block = 64, blocks = 2 * 256 + 77;
  std::vector<float> x(block * blocks - 5);
  axq_test::Rng rng(8);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = rng.Gaussian() * std::ldexp(1.0f, static_cast<int>((i / block) % 9) - 4);
  }
  const std::vector<float> map = OwnDynamicMap();
  for (int32_t kind : {AXQ_4BIT_NF4, AXQ_4BIT_FP4}) {
    const Quantized plain = ReferenceQuantize(x, kind, block);
    Tensor4 q;
    const axq_nf4_options_t opts = FourBitOptions(kind, block, 1);
    ASSERT_EQ(axq_nf4_quantize(&q.t, x.data(), x.size(), &opts), AXQ_OK);
    const axq_nf4_parts_t parts = PartsOf(q.t);
    ASSERT_EQ(parts.double_quant, 1u);
    EXPECT_EQ(parts.absmax, nullptr);
    ASSERT_NE(parts.absmax_codes, nullptr);
    ASSERT_NE(parts.absmax2, nullptr);
    // The 4-bit codes do not depend on the compression of the absmax.
    EXPECT_EQ(0, std::memcmp(parts.packed, plain.packed.data(), plain.packed.size()));
    double sum = 0;
    for (float a : plain.absmax) sum += a;
    const float offset = static_cast<float>(sum / static_cast<double>(plain.absmax.size()));
    EXPECT_EQ(parts.offset, offset);
    std::vector<float> effective(blocks);
    ASSERT_EQ(axq_nf4_absmax(effective.data(), blocks, q.t), AXQ_OK);
    for (size_t g = 0; g * 256 < blocks; ++g) {
      const size_t end = std::min(blocks, g * 256 + 256);
      float amax2 = 0.0f;
      for (size_t b = g * 256; b < end; ++b) amax2 = std::max(amax2, std::fabs(plain.absmax[b] - offset));
      ASSERT_EQ(parts.absmax2[g], amax2) << g;
      for (size_t b = g * 256; b < end; ++b) {
        const float v = (plain.absmax[b] - offset) * (1.0f / amax2);
        size_t best = 0;
        for (size_t k = 1; k < 256; ++k) {
          if (std::fabs(static_cast<double>(map[k]) - v) < std::fabs(static_cast<double>(map[best]) - v)) best = k;
        }
        ASSERT_EQ(parts.absmax_codes[b], best) << b;
        ASSERT_EQ(effective[b], map[best] * amax2 + offset) << b;
        // The compressed absmax stays close: the map's step near +-1 is 1.4%.
        ASSERT_NEAR(effective[b], plain.absmax[b], 0.0071 * amax2 + 1e-7) << b;
      }
    }
    const std::vector<float> back = Dequantize(q.t, x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      const int code = (i % 2 == 0) ? parts.packed[i / 2] >> 4 : parts.packed[i / 2] & 0xF;
      ASSERT_TRUE(SameFloat(back[i], CodeValue(kind, static_cast<uint8_t>(code)) * effective[i / block])) << i;
    }
  }
}

TEST(FourBit, BitsPerParameter) {
  const size_t n = 64 * 256 * 4;
  const std::vector<float> x = Gaussian(n, 21);
  Tensor4 dq, plain;
  axq_nf4_options_t opts = FourBitOptions(AXQ_4BIT_NF4, 64, 1);
  ASSERT_EQ(axq_nf4_quantize(&dq.t, x.data(), n, &opts), AXQ_OK);
  opts.double_quant = 0;
  ASSERT_EQ(axq_nf4_quantize(&plain.t, x.data(), n, &opts), AXQ_OK);
  const axq_nf4_info_t a = InfoOf(dq.t);
  EXPECT_EQ(a.block_count, 1024u);
  EXPECT_EQ(a.group_size, 256u);
  EXPECT_EQ(a.group_count, 4u);
  EXPECT_EQ(a.total_bytes, n / 2 + 1024 + 4 * 4 + 4);
  EXPECT_DOUBLE_EQ(a.bits_per_parameter, 4.0 + 8.0 / 64 + 32.0 / (64 * 256) + 32.0 / n);
  EXPECT_NEAR(a.bits_per_parameter, 4.127, 0.001);
  const axq_nf4_info_t b = InfoOf(plain.t);
  EXPECT_EQ(b.group_count, 0u);
  EXPECT_EQ(b.total_bytes, n / 2 + 4 * 1024);
  EXPECT_DOUBLE_EQ(b.bits_per_parameter, 4.5);
  // A short info struct gets only the fields it has.
  axq_nf4_info_t small;
  std::memset(&small, 0xEE, sizeof(small));
  small.struct_size = offsetof(axq_nf4_info_t, n);
  ASSERT_EQ(axq_nf4_info(&small, dq.t), AXQ_OK);
  EXPECT_EQ(small.block_size, 64u);
  EXPECT_EQ(small.n, 0xEEEEEEEEEEEEEEEEull);
}

TEST(FourBit, PartsRoundTripAndImport) {
  const std::vector<float> x = Gaussian(64 * 300 + 11, 4);
  for (uint32_t double_quant : {0u, 1u}) {
    Tensor4 q;
    const axq_nf4_options_t opts = FourBitOptions(AXQ_4BIT_NF4, 64, double_quant);
    ASSERT_EQ(axq_nf4_quantize(&q.t, x.data(), x.size(), &opts), AXQ_OK);
    const axq_nf4_parts_t parts = PartsOf(q.t);
    Tensor4 copy;
    ASSERT_EQ(axq_nf4_from_parts(&copy.t, &parts), AXQ_OK);
    EXPECT_EQ(Dequantize(copy.t, x.size()), Dequantize(q.t, x.size()));
  }
  // A hand-made checkpoint: 2 blocks of 32, f32 absmax 2 and 0.5.
  std::vector<uint8_t> packed(32);
  for (int j = 0; j < 32; ++j) packed[j] = static_cast<uint8_t>((j % 16) << 4 | (15 - j % 16));
  const float absmax[2] = {2.0f, 0.5f};
  axq_nf4_parts_t parts{};
  parts.struct_size = sizeof(parts);
  parts.kind = AXQ_4BIT_FP4;
  parts.block_size = 32;
  parts.n = 64;
  parts.packed = packed.data();
  parts.absmax = absmax;
  Tensor4 imported;
  ASSERT_EQ(axq_nf4_from_parts(&imported.t, &parts), AXQ_OK);
  const std::vector<float> back = Dequantize(imported.t, 64);
  for (int i = 0; i < 64; ++i) {
    const int code = (i % 2 == 0) ? packed[i / 2] >> 4 : packed[i / 2] & 0xF;
    EXPECT_TRUE(SameFloat(back[i], Fp4Value(static_cast<uint8_t>(code)) * absmax[i / 32])) << i;
  }
}

TEST(FourBit, AnyThreadCountGivesTheSameBytes) {
  const std::vector<float> x = Gaussian(64 * 5000 + 3, 9);
  Tensor4 one;
  const axq_nf4_options_t opts1 = FourBitOptions(AXQ_4BIT_NF4, 64, 1, 1);
  ASSERT_EQ(axq_nf4_quantize(&one.t, x.data(), x.size(), &opts1), AXQ_OK);
  const axq_nf4_parts_t a = PartsOf(one.t);
  const axq_nf4_info_t info = InfoOf(one.t);
  for (uint32_t threads : {2u, 0u}) {
    Tensor4 many;
    const axq_nf4_options_t opts = FourBitOptions(AXQ_4BIT_NF4, 64, 1, threads);
    ASSERT_EQ(axq_nf4_quantize(&many.t, x.data(), x.size(), &opts), AXQ_OK);
    const axq_nf4_parts_t b = PartsOf(many.t);
    EXPECT_EQ(0, std::memcmp(a.packed, b.packed, info.packed_bytes));
    EXPECT_EQ(0, std::memcmp(a.absmax_codes, b.absmax_codes, info.block_count));
    EXPECT_EQ(0, std::memcmp(a.absmax2, b.absmax2, info.group_count * sizeof(float)));
    EXPECT_EQ(a.offset, b.offset);
    EXPECT_EQ(Dequantize(one.t, x.size(), 1), Dequantize(many.t, x.size(), threads));
  }
}

TEST(FourBit, RejectsBadArguments) {
  const std::vector<float> x(100, 1.0f);
  axq_nf4_tensor_t* t = reinterpret_cast<axq_nf4_tensor_t*>(0x1);
  ExpectFailure(axq_nf4_quantize(&t, nullptr, 100, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(t, nullptr);
  ExpectFailure(axq_nf4_quantize(nullptr, x.data(), 100, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_nf4_quantize(&t, x.data(), 0, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  for (uint32_t block : {0u, 16u, 48u, 8192u}) {
    const axq_nf4_options_t opts = FourBitOptions(AXQ_4BIT_NF4, block, 1);
    ExpectFailure(axq_nf4_quantize(&t, x.data(), 100, &opts), AXQ_ERR_INVALID_ARGUMENT);
  }
  axq_nf4_options_t opts = FourBitOptions(2, 64, 1);
  ExpectFailure(axq_nf4_quantize(&t, x.data(), 100, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts = FourBitOptions(AXQ_4BIT_NF4, 64, 2);
  ExpectFailure(axq_nf4_quantize(&t, x.data(), 100, &opts), AXQ_ERR_INVALID_ARGUMENT);
  opts = FourBitOptions(AXQ_4BIT_NF4, 64, 1);
  opts.struct_size = sizeof(opts) + 8;
  ExpectFailure(axq_nf4_quantize(&t, x.data(), 100, &opts), AXQ_ERR_INVALID_ARGUMENT);
  for (float bad : {NAN, INFINITY, -INFINITY}) {
    for (size_t where : {size_t{0}, size_t{63}, size_t{64}, size_t{99}}) {
      std::vector<float> y = x;
      y[where] = bad;
      ExpectFailure(axq_nf4_quantize(&t, y.data(), y.size(), nullptr), AXQ_ERR_NON_FINITE);
      EXPECT_NE(std::string(axq_last_error()).find("src[" + std::to_string(where) + "]"), std::string::npos);
      EXPECT_EQ(t, nullptr);
    }
  }
  ExpectFailure(axq_nf4_options_init_sized(&opts, 2), AXQ_ERR_INVALID_ARGUMENT);

  Tensor4 q;
  ASSERT_EQ(axq_nf4_quantize(&q.t, x.data(), x.size(), nullptr), AXQ_OK);
  std::vector<float> out(100);
  ExpectFailure(axq_nf4_dequantize(out.data(), 99, q.t, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_nf4_dequantize(nullptr, 100, q.t, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_nf4_dequantize(out.data(), 100, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_nf4_absmax(out.data(), 1, q.t), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_nf4_absmax(out.data(), 2, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  axq_nf4_info_t info;
  info.struct_size = 0;
  ExpectFailure(axq_nf4_info(&info, q.t), AXQ_ERR_INVALID_ARGUMENT);
  info.struct_size = sizeof(info);
  ExpectFailure(axq_nf4_info(&info, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_nf4_info(nullptr, q.t), AXQ_ERR_INVALID_ARGUMENT);
  axq_nf4_parts_t parts;
  parts.struct_size = sizeof(parts) + 4;
  ExpectFailure(axq_nf4_parts(&parts, q.t), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_nf4_parts(nullptr, q.t), AXQ_ERR_INVALID_ARGUMENT);

  // from_parts: the arrays must fit the mode, the floats be finite.
  parts = PartsOf(q.t);  // double-quantized
  ExpectFailure(axq_nf4_from_parts(&t, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_nf4_from_parts(nullptr, &parts), AXQ_ERR_INVALID_ARGUMENT);
  axq_nf4_parts_t bad = parts;
  bad.absmax = out.data();
  ExpectFailure(axq_nf4_from_parts(&t, &bad), AXQ_ERR_INVALID_ARGUMENT);
  bad = parts;
  bad.absmax2 = nullptr;
  ExpectFailure(axq_nf4_from_parts(&t, &bad), AXQ_ERR_INVALID_ARGUMENT);
  bad = parts;
  bad.offset = NAN;
  ExpectFailure(axq_nf4_from_parts(&t, &bad), AXQ_ERR_NON_FINITE);
  bad = parts;
  bad.double_quant = 0;
  ExpectFailure(axq_nf4_from_parts(&t, &bad), AXQ_ERR_INVALID_ARGUMENT);
  bad = parts;
  bad.packed = nullptr;
  ExpectFailure(axq_nf4_from_parts(&t, &bad), AXQ_ERR_INVALID_ARGUMENT);
  bad = parts;
  bad.n = 0;
  ExpectFailure(axq_nf4_from_parts(&t, &bad), AXQ_ERR_INVALID_ARGUMENT);
  bad = parts;
  bad.block_size = 100;
  ExpectFailure(axq_nf4_from_parts(&t, &bad), AXQ_ERR_INVALID_ARGUMENT);
  bad = parts;
  bad.struct_size = 8;
  ExpectFailure(axq_nf4_from_parts(&t, &bad), AXQ_ERR_INVALID_ARGUMENT);
  const float nan_absmax[2] = {1.0f, NAN};
  bad = parts;
  bad.double_quant = 0;
  bad.absmax_codes = nullptr;
  bad.absmax2 = nullptr;
  bad.absmax = nan_absmax;
  ExpectFailure(axq_nf4_from_parts(&t, &bad), AXQ_ERR_NON_FINITE);
  EXPECT_EQ(t, nullptr);

  float values[16];
  ExpectFailure(axq_4bit_code_values(values, 15, AXQ_4BIT_NF4), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_4bit_code_values(values, 16, 3), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_4bit_code_values(nullptr, 16, AXQ_4BIT_NF4), AXQ_ERR_INVALID_ARGUMENT);
  std::vector<float> map(256);
  ExpectFailure(axq_4bit_dynamic_map(map.data(), 255), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_4bit_dynamic_map(nullptr, 256), AXQ_ERR_INVALID_ARGUMENT);
  axq_nf4_destroy(nullptr);  // a no-op
}

}  // namespace
