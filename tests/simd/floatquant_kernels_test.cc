// White-box: the float formats' Highway kernels on every target against
// their scalar references: FP8 over a sweep of f32 bit patterns and over
// stress inputs of many lengths and alignments; NF4/FP4 blocks of every
// size with tails, misaligned pointers and guard bytes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/floatquant/floatquant_kernels.h"
#include "src/floatquant/floatquant_ref.h"
#include "src/floatquant/fourbit_tables.h"
#include "tests/common/test_support.h"

namespace {

constexpr uint8_t kGuard = 0xA5;

const axq::FloatQuantKernels& Fast() { return axq::FloatQuantKernelsFor(axq::KernelSet::kDispatched); }
const axq::FloatQuantKernels& Reference() { return axq::FloatQuantKernelsFor(axq::KernelSet::kReference); }

class FloatQuantOnTarget : public ::testing::TestWithParam<std::string> {};

// Every 521st f32 bit pattern (all classes: zeros, subnormals, normals,
// infinities, NaNs of both signs), every midpoint between neighbouring
// codes of both formats and its neighbours, and the range boundaries.
std::vector<float> BitPatternSweep() {
  std::vector<float> x;
  for (int format = 0; format < 2; ++format) {
    for (int c = 0; c < 127; ++c) {
      const float a = axq::fp8_decode_one_ref(static_cast<uint8_t>(c), static_cast<axq::Fp8Format>(format));
      const float b = axq::fp8_decode_one_ref(static_cast<uint8_t>(c + 1), static_cast<axq::Fp8Format>(format));
      if (!std::isfinite(a) || !std::isfinite(b)) continue;
      const float mid = static_cast<float>((static_cast<double>(a) + b) / 2);  // exact
      for (float v : {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, INFINITY)}) {
        x.push_back(v);
        x.push_back(-v);
      }
    }
  }
  for (uint64_t bits = 0; bits <= 0xFFFFFFFFull; bits += 521) {
    const uint32_t b = static_cast<uint32_t>(bits);
    float f;
    std::memcpy(&f, &b, sizeof(f));
    x.push_back(f);
  }
  for (float f : {0.0f, -0.0f, 448.0f, 464.0f, 480.0f, 57344.0f, 61440.0f, 65536.0f, INFINITY, -INFINITY,
                  std::ldexp(1.0f, -6), std::ldexp(1.0f, -10), std::ldexp(15.0f, -10), std::ldexp(1.0f, -14),
                  std::ldexp(1.0f, -17), std::ldexp(7.0f, -17)}) {
    x.push_back(f);
    x.push_back(-f);
  }
  return x;
}

constexpr float kSweepScales[4] = {1.0f, 0.3f, 1e-4f, 1e20f};

// The reference's codes for the sweep, per format and scale, made once.
const std::vector<uint8_t>& SweepReference(const std::vector<float>& x, int32_t format, int scale_index) {
  static std::vector<uint8_t> cache[2][4];
  std::vector<uint8_t>& want = cache[format][scale_index];
  if (want.empty()) {
    want.resize(x.size());
    Reference().fp8_encode(x.data(), x.size(), format, kSweepScales[scale_index], want.data());
  }
  return want;
}

TEST_P(FloatQuantOnTarget, Fp8MatchesReferenceOnABitPatternSweep) {
  axq_test::ScopedTarget target(GetParam());
  static const std::vector<float> x = BitPatternSweep();
  for (int32_t format : {0, 1}) {
    for (int s = 0; s < 4; ++s) {
      const float scale = kSweepScales[s];
      SCOPED_TRACE("format " + std::to_string(format) + " scale " + std::to_string(scale));
      std::vector<uint8_t> got(x.size());
      Fast().fp8_encode(x.data(), x.size(), format, scale, got.data());
      const std::vector<uint8_t>& want = SweepReference(x, format, s);
      for (size_t i = 0; i < x.size(); ++i) {
        ASSERT_EQ(got[i], want[i]) << "x = " << x[i];
      }
    }
  }
}

TEST_P(FloatQuantOnTarget, Fp8DecodesEveryCodeLikeTheReference) {
  axq_test::ScopedTarget target(GetParam());
  std::vector<uint8_t> codes(256 * 3);
  for (size_t i = 0; i < codes.size(); ++i) codes[i] = static_cast<uint8_t>(i * 7 + i / 256);
  for (int32_t format : {0, 1}) {
    for (float scale : {1.0f, 0.37f, 3e30f, 1e-40f}) {
      std::vector<float> got(codes.size()), want(codes.size());
      Fast().fp8_decode(codes.data(), codes.size(), format, scale, got.data());
      Reference().fp8_decode(codes.data(), codes.size(), format, scale, want.data());
      for (size_t i = 0; i < codes.size(); ++i) {
        uint32_t a, b;
        std::memcpy(&a, &got[i], 4);
        std::memcpy(&b, &want[i], 4);
        ASSERT_EQ(a, b) << "format " << format << " code " << int(codes[i]) << " scale " << scale;
      }
    }
  }
}

TEST_P(FloatQuantOnTarget, Fp8TailsAndAlignmentsStayInBounds) {
  axq_test::ScopedTarget target(GetParam());
  for (size_t n : {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 63, 100, 1001}) {
    const std::vector<float> clean = axq_test::StressInput(static_cast<int64_t>(n), 77 + n);
    for (int shift = 0; shift < 4; ++shift) {
      SCOPED_TRACE("n=" + std::to_string(n) + " shift " + std::to_string(shift));
      std::vector<float> src(n + 8, std::nanf(""));
      std::copy(clean.begin(), clean.end(), src.begin() + shift);
      for (int32_t format : {0, 1}) {
        std::vector<uint8_t> got(n + 64, kGuard), want(n + 64, kGuard);
        Fast().fp8_encode(src.data() + shift, n, format, 2.5f, got.data() + shift);
        Reference().fp8_encode(src.data() + shift, n, format, 2.5f, want.data() + shift);
        ASSERT_EQ(got, want);
        for (size_t i = n + shift; i < got.size(); ++i) ASSERT_EQ(got[i], kGuard);
        std::vector<float> back(n + 16, -7.0f), back_ref(n + 16, -7.0f);
        Fast().fp8_decode(got.data() + shift, n, format, 2.5f, back.data() + shift);
        Reference().fp8_decode(want.data() + shift, n, format, 2.5f, back_ref.data() + shift);
        ASSERT_EQ(axq_test::FirstFloatMismatch(back.data(), back_ref.data(), static_cast<int64_t>(back.size())), -1);
        for (size_t i = n + shift; i < back.size(); ++i) ASSERT_EQ(back[i], -7.0f);
      }
    }
  }
}

TEST_P(FloatQuantOnTarget, FourBitMatchesReferenceForEveryBlockSize) {
  axq_test::ScopedTarget target(GetParam());
  for (size_t block = 32; block <= 4096; block *= 2) {
    for (size_t blocks : {1, 2, 5}) {
      for (size_t extra : {0, 1, 2, 17, 31}) {
        const size_t n = blocks * block + (extra < block ? extra : 0);
        const std::vector<float> clean = axq_test::StressInput(static_cast<int64_t>(n), 1000 + n + block);
        for (int32_t kind : {0, 1}) {
          for (int shift : {0, 3}) {
            SCOPED_TRACE("block " + std::to_string(block) + " n " + std::to_string(n) + " kind " +
                         std::to_string(kind) + " shift " + std::to_string(shift));
            std::vector<float> src(n + 8, std::nanf(""));
            std::copy(clean.begin(), clean.end(), src.begin() + shift);
            const size_t bytes = (n + 1) / 2;
            const size_t n_blocks = (n + block - 1) / block;
            std::vector<uint8_t> got(bytes + 64, kGuard), want(bytes + 64, kGuard);
            std::vector<float> absmax(n_blocks + 2, -1.0f), absmax_ref(n_blocks + 2, -1.0f);
            ASSERT_TRUE(Fast().quantize_4bit(src.data() + shift, n, block, kind, got.data() + shift, absmax.data()));
            ASSERT_TRUE(
                Reference().quantize_4bit(src.data() + shift, n, block, kind, want.data() + shift, absmax_ref.data()));
            ASSERT_EQ(got, want);
            ASSERT_EQ(0, std::memcmp(absmax.data(), absmax_ref.data(), absmax.size() * sizeof(float)));
            for (size_t i = bytes + shift; i < got.size(); ++i) ASSERT_EQ(got[i], kGuard);
            std::vector<float> out(n + 16, -7.0f), out_ref(n + 16, -7.0f);
            Fast().dequantize_4bit(got.data() + shift, n, block, kind, absmax.data(), out.data() + shift);
            Reference().dequantize_4bit(want.data() + shift, n, block, kind, absmax_ref.data(), out_ref.data() + shift);
            ASSERT_EQ(axq_test::FirstFloatMismatch(out.data(), out_ref.data(), static_cast<int64_t>(out.size())), -1);
            for (size_t i = n + shift; i < out.size(); ++i) ASSERT_EQ(out[i], -7.0f);
          }
        }
      }
    }
  }
}

// Blocks whose values sit exactly on the decision thresholds and one ulp
// to either side, for absmax 1 (v = x) and for other absmax values.
TEST_P(FloatQuantOnTarget, FourBitMatchesReferenceOnThresholds) {
  axq_test::ScopedTarget target(GetParam());
  std::vector<float> cuts;
  for (float t : axq::kNf4Thresholds) cuts.push_back(t);
  for (float t : axq::kFp4Thresholds) {
    cuts.push_back(t);
    cuts.push_back(-t);
  }
  for (float absmax : {1.0f, 0.75f, 3.0e-3f, 1.7e5f}) {
    std::vector<float> x;
    for (float t : cuts) {
      const float v = t * absmax;
      for (float w : {v, std::nextafter(v, INFINITY), std::nextafter(v, -INFINITY)}) x.push_back(w);
    }
    while (x.size() % 63 != 0) x.push_back(0.0f);
    // Every 64th value is +-absmax, so each block of 64 has that absmax.
    std::vector<float> blocks;
    for (size_t i = 0; i < x.size(); ++i) {
      if (blocks.size() % 64 == 0) blocks.push_back((blocks.size() / 64) % 2 ? -absmax : absmax);
      blocks.push_back(x[i]);
    }
    const size_t n = blocks.size();
    for (int32_t kind : {0, 1}) {
      SCOPED_TRACE("absmax " + std::to_string(absmax) + " kind " + std::to_string(kind));
      std::vector<uint8_t> got((n + 1) / 2), want((n + 1) / 2);
      std::vector<float> absmax_got(n / 64 + 1), absmax_want(n / 64 + 1);
      ASSERT_TRUE(Fast().quantize_4bit(blocks.data(), n, 64, kind, got.data(), absmax_got.data()));
      ASSERT_TRUE(Reference().quantize_4bit(blocks.data(), n, 64, kind, want.data(), absmax_want.data()));
      ASSERT_EQ(got, want);
      ASSERT_EQ(absmax_got, absmax_want);
    }
  }
}

TEST_P(FloatQuantOnTarget, FourBitReportsNonFiniteInputAnywhere) {
  axq_test::ScopedTarget target(GetParam());
  const size_t n = 64 * 9 + 21;
  for (float bad : {std::nanf(""), -std::nanf(""), INFINITY, -INFINITY}) {
    for (size_t where : {size_t{0}, size_t{63}, size_t{64}, size_t{300}, n - 21, n - 1}) {
      std::vector<float> x(n, 0.5f);
      x[where] = bad;
      std::vector<uint8_t> packed((n + 1) / 2);
      std::vector<float> absmax(10);
      EXPECT_FALSE(Fast().quantize_4bit(x.data(), n, 64, 0, packed.data(), absmax.data())) << where;
      EXPECT_FALSE(Reference().quantize_4bit(x.data(), n, 64, 1, packed.data(), absmax.data())) << where;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FloatQuantOnTarget, ::testing::ValuesIn(axq_test::AvailableTargets()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
