// White-box: every integer-quantization kernel on every target against its
// scalar reference, byte for byte and bit for bit, over stress inputs, odd
// lengths, odd group sizes, misaligned pointers and guard bytes; and the
// tensor drivers on both kernel sets.
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/core/tensor.h"
#include "src/intquant/int_codec.h"
#include "src/intquant/int_tensor.h"
#include "src/intquant/intquant_kernels.h"
#include "tests/common/test_support.h"

namespace {

using axq::IntCodec;
using axq::IntQuantKernels;
using axq::IntScheme;
using axq::KernelSet;

constexpr uint8_t kGuard = 0xA5;

std::vector<IntCodec> AllCodecs() {
  std::vector<IntCodec> codecs;
  for (int32_t bits = 2; bits <= 8; ++bits) {
    for (IntScheme s : {IntScheme::kSymmetric, IntScheme::kAffine, IntScheme::kPowerOfTwo}) {
      codecs.push_back(axq::MakeIntCodec(bits, s));
    }
  }
  return codecs;
}

std::string Name(const IntCodec& c) {
  static const char* const kSchemes[] = {"symmetric", "affine", "pow2"};
  return std::to_string(c.bits) + "-bit " + kSchemes[static_cast<int>(c.scheme)];
}

// Stress values plus exact ties and the value just below one half, scaled
// so that some sets have them at x / s.
std::vector<float> Input(int64_t n, uint64_t seed) {
  std::vector<float> x = axq_test::StressInput(n, seed);
  axq_test::Rng rng(seed ^ 0x5EED);
  for (int64_t i = 0; i < n; i += 3) {
    const float base = static_cast<float>(static_cast<int>(rng.Next() % 33) - 16);
    x[static_cast<size_t>(i)] = (rng.Next() % 4 == 0) ? 0.49999997f : base + 0.5f;
  }
  return x;
}

// Parameters for `count` sets, from the ranges of pieces of x (as real
// quantization would give) and some odd ones that force clamping.
void MakeParams(const IntCodec& c, const std::vector<float>& x, int64_t count, std::vector<float>* scales,
                std::vector<float>* zero_points) {
  scales->resize(static_cast<size_t>(count));
  zero_points->resize(static_cast<size_t>(count));
  const int64_t piece = std::max<int64_t>(1, static_cast<int64_t>(x.size()) / count);
  for (int64_t p = 0; p < count; ++p) {
    const int64_t first = std::min<int64_t>(p * piece, static_cast<int64_t>(x.size()) - 1);
    const int64_t len = std::min<int64_t>(piece, static_cast<int64_t>(x.size()) - first);
    axq::IntRange r = axq::int_range_ref(x.data() + first, len, true);
    if (r.abs_bits >= axq::kNonFiniteBits) r = {0x3F800000u, -1.0f, 1.0f};
    axq::IntParams params = axq::ParamsFromRange(c, r);
    if (p % 5 == 4) params.scale = params.scale * 0.125f + 1e-30f;  // many values clamp
    if (p % 7 == 6 && c.affine()) params.zero_point = c.qmax;
    (*scales)[static_cast<size_t>(p)] = params.scale;
    (*zero_points)[static_cast<size_t>(p)] = params.zero_point;
  }
}

::testing::AssertionResult SameFloats(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return ::testing::AssertionFailure() << "sizes differ";
  const int64_t at = axq_test::FirstFloatMismatch(a.data(), b.data(), static_cast<int64_t>(a.size()));
  if (at < 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "first mismatch at " << at << ": " << a[static_cast<size_t>(at)] << " vs "
                                       << b[static_cast<size_t>(at)];
}

class IntQuantKernelsOnTarget : public ::testing::TestWithParam<std::string> {
 protected:
  const IntQuantKernels& fast() const { return axq::IntQuantKernelsFor(KernelSet::kDispatched); }
  const IntQuantKernels& ref() const { return axq::IntQuantKernelsFor(KernelSet::kReference); }
};

TEST_P(IntQuantKernelsOnTarget, RangeMatchesReference) {
  axq_test::ScopedTarget target(GetParam());
  for (int64_t n : {1, 2, 7, 15, 16, 17, 31, 32, 33, 100, 257}) {
    std::vector<float> x = Input(n + 8, 11 + static_cast<uint64_t>(n));
    for (int shift = 0; shift < 3; ++shift) {
      for (bool with_min_max : {false, true}) {
        const axq::IntRange a = fast().range(x.data() + shift, n, with_min_max);
        const axq::IntRange b = ref().range(x.data() + shift, n, with_min_max);
        ASSERT_EQ(a.abs_bits, b.abs_bits) << "n=" << n;
        if (with_min_max) {
          ASSERT_EQ(a.min, b.min) << "n=" << n;  // -0 == +0: the sign of a zero extreme never matters
          ASSERT_EQ(a.max, b.max) << "n=" << n;
        }
      }
    }
  }
  // A NaN or Inf anywhere shows in abs_bits on every path.
  for (int64_t n : {5, 16, 40}) {
    for (int64_t where : {int64_t{0}, n / 2, n - 1}) {
      std::vector<float> x(static_cast<size_t>(n), 1.0f);
      x[static_cast<size_t>(where)] = std::nanf("");
      EXPECT_GE(fast().range(x.data(), n, true).abs_bits, axq::kNonFiniteBits);
      x[static_cast<size_t>(where)] = -INFINITY;
      EXPECT_GE(fast().range(x.data(), n, false).abs_bits, axq::kNonFiniteBits);
    }
  }
}

TEST_P(IntQuantKernelsOnTarget, QuantizeGroupsMatchesReference) {
  axq_test::ScopedTarget target(GetParam());
  for (const IntCodec& c : AllCodecs()) {
    SCOPED_TRACE(Name(c));
    for (int64_t g : {1, 2, 3, 8, 15, 16, 31, 32, 33, 64, 96, 128}) {
      for (int64_t groups : {1, 3, 8}) {
        const int64_t n = g * groups;
        SCOPED_TRACE("g=" + std::to_string(g) + " groups=" + std::to_string(groups));
        const std::vector<float> clean = Input(n, 1000 + static_cast<uint64_t>(n + g));
        const size_t bytes = static_cast<size_t>(axq::RowCodeBytes(c, n));
        for (int shift : {0, 3}) {
          std::vector<float> x(static_cast<size_t>(n) + 8, std::nanf(""));
          std::memcpy(x.data() + shift, clean.data(), clean.size() * sizeof(float));
          std::vector<uint8_t> got(bytes + 16, kGuard), want(bytes + 16, kGuard);
          std::vector<float> s_got(static_cast<size_t>(groups) + 1, -7.0f), s_want(s_got);
          std::vector<float> z_got(s_got), z_want(s_got);
          const int64_t bad_fast = fast().quantize_groups(x.data() + shift, groups, g, c, got.data() + shift,
                                                          s_got.data(), z_got.data());
          const int64_t bad_ref = ref().quantize_groups(x.data() + shift, groups, g, c, want.data() + shift,
                                                        s_want.data(), z_want.data());
          ASSERT_EQ(bad_fast, -1);
          ASSERT_EQ(bad_ref, -1);
          ASSERT_EQ(0, std::memcmp(got.data(), want.data(), got.size()));
          for (size_t i = 0; i < got.size(); ++i) {
            if (i < static_cast<size_t>(shift) || i >= bytes + shift) {
              ASSERT_EQ(got[i], kGuard) << i;
            }
          }
          ASSERT_TRUE(SameFloats(s_got, s_want));
          ASSERT_TRUE(SameFloats(z_got, z_want));
        }
      }
    }
  }
}

TEST_P(IntQuantKernelsOnTarget, QuantizeGroupsReportsTheFirstNonFiniteGroup) {
  axq_test::ScopedTarget target(GetParam());
  const IntCodec c = axq::MakeIntCodec(8, IntScheme::kSymmetric);
  for (int64_t g : {4, 32, 64}) {
    for (int64_t where : {int64_t{0}, g + 1, 3 * g - 1}) {
      std::vector<float> x(static_cast<size_t>(4 * g), 0.5f);
      x[static_cast<size_t>(where)] = INFINITY;
      std::vector<uint8_t> codes(static_cast<size_t>(4 * g));
      std::vector<float> s(4), z(4);
      EXPECT_EQ(fast().quantize_groups(x.data(), 4, g, c, codes.data(), s.data(), z.data()), where / g);
      EXPECT_EQ(ref().quantize_groups(x.data(), 4, g, c, codes.data(), s.data(), z.data()), where / g);
    }
  }
}

TEST_P(IntQuantKernelsOnTarget, EncodeAndDecodeMatchReference) {
  axq_test::ScopedTarget target(GetParam());
  for (const IntCodec& c : AllCodecs()) {
    SCOPED_TRACE(Name(c));
    for (int64_t n : {1, 2, 5, 16, 33, 64, 127, 200, 513}) {
      const std::vector<float> clean = Input(n, 77 + static_cast<uint64_t>(n));
      for (int64_t g : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{32}, n, n + 5}) {
        if (g > n + 5) continue;
        SCOPED_TRACE("n=" + std::to_string(n) + " g=" + std::to_string(g));
        const int64_t count = (n + g - 1) / g;
        std::vector<float> scales, zero_points;
        MakeParams(c, clean, count, &scales, &zero_points);
        // Finite stress input: replace non-finite values (encode takes finite x).
        std::vector<float> x(clean);
        for (float& v : x) {
          if (!std::isfinite(v)) v = 3.0f;
        }
        const size_t bytes = static_cast<size_t>(axq::RowCodeBytes(c, n));
        std::vector<uint8_t> got(bytes + 16, kGuard), want(bytes + 16, kGuard);
        fast().encode(x.data(), n, g, scales.data(), zero_points.data(), c, got.data() + 1);
        ref().encode(x.data(), n, g, scales.data(), zero_points.data(), c, want.data() + 1);
        ASSERT_EQ(0, std::memcmp(got.data(), want.data(), got.size()));
        ASSERT_EQ(got[0], kGuard);
        ASSERT_EQ(got[bytes + 1], kGuard);

        // Decode arbitrary bytes too (every nibble and byte value is a code).
        axq_test::Rng rng(5 + static_cast<uint64_t>(n));
        std::vector<uint8_t> random(bytes + 1);
        for (uint8_t& b : random) b = static_cast<uint8_t>(rng.Next());
        for (const std::vector<uint8_t>* codes : {&want, &random}) {
          const uint8_t* src = codes == &want ? want.data() + 1 : random.data();
          std::vector<float> y_fast(static_cast<size_t>(n) + 4, -7.0f), y_ref(y_fast);
          fast().decode(src, n, g, scales.data(), zero_points.data(), c, y_fast.data() + 1);
          ref().decode(src, n, g, scales.data(), zero_points.data(), c, y_ref.data() + 1);
          ASSERT_TRUE(SameFloats(y_fast, y_ref));
          ASSERT_EQ(y_fast[0], -7.0f);
          ASSERT_EQ(y_fast[static_cast<size_t>(n) + 1], -7.0f);
        }
      }
    }
  }
}

// x / s exactly at every tie k + 1/2 of the code range and at floats just
// beside ties (0.49999997 must round to 0: adding 0.5 and truncating gives
// 1), with power-of-two scales that keep x / s exact.
TEST_P(IntQuantKernelsOnTarget, RoundingTiesMatchReference) {
  axq_test::ScopedTarget target(GetParam());
  for (const IntCodec& c : AllCodecs()) {
    SCOPED_TRACE(Name(c));
    for (float scale : {1.0f, 0.25f}) {
      const float zero_point = c.affine() ? std::floor(c.qmax / 3) : 0.0f;
      std::vector<float> x;
      for (float k = -c.qmax - 2; k <= c.qmax + 1; k += 1.0f) x.push_back((k + 0.5f) * scale);
      for (float v : {0.49999997f, 1.4999999f, 2.5000002f, 8388607.5f, 4194303.5f}) {
        x.push_back(v * scale);
        x.push_back(-v * scale);
      }
      const int64_t n = static_cast<int64_t>(x.size());
      std::vector<float> scales(static_cast<size_t>(n), scale), zero_points(static_cast<size_t>(n), zero_point);
      for (int64_t g : {int64_t{1}, n}) {
        const size_t bytes = static_cast<size_t>(axq::RowCodeBytes(c, n));
        std::vector<uint8_t> got(bytes), want(bytes);
        fast().encode(x.data(), n, g, scales.data(), zero_points.data(), c, got.data());
        ref().encode(x.data(), n, g, scales.data(), zero_points.data(), c, want.data());
        ASSERT_EQ(got, want) << "g=" << g;
        std::vector<float> y_fast(x.size()), y_ref(x.size());
        ASSERT_EQ(-1, fast().fake_quantize(x.data(), n, g, scales.data(), zero_points.data(), c, true,
                                           y_fast.data(), nullptr));
        ASSERT_EQ(-1, ref().fake_quantize(x.data(), n, g, scales.data(), zero_points.data(), c, true, y_ref.data(),
                                          nullptr));
        ASSERT_TRUE(SameFloats(y_fast, y_ref)) << "g=" << g;
      }
      // The fused group kernel: a group holding +-qmax * s has scale s.
      if (!c.affine()) {
        std::vector<float> group = {c.qmax * scale};
        for (float v : x) {
          if (std::fabs(v) <= c.qmax * scale) group.push_back(v);
        }
        const int64_t m = static_cast<int64_t>(group.size());
        const size_t bytes = static_cast<size_t>(axq::RowCodeBytes(c, m));
        std::vector<uint8_t> got(bytes), want(bytes);
        float s_got, s_want, z_got, z_want;
        ASSERT_EQ(-1, fast().quantize_groups(group.data(), 1, m, c, got.data(), &s_got, &z_got));
        ASSERT_EQ(-1, ref().quantize_groups(group.data(), 1, m, c, want.data(), &s_want, &z_want));
        ASSERT_EQ(got, want);
        ASSERT_EQ(s_got, s_want);
      }
    }
  }
}

TEST_P(IntQuantKernelsOnTarget, FakeQuantizeMatchesReference) {
  axq_test::ScopedTarget target(GetParam());
  for (const IntCodec& c : AllCodecs()) {
    SCOPED_TRACE(Name(c));
    for (int64_t n : {1, 3, 16, 17, 64, 100, 333}) {
      std::vector<float> x = Input(n, 300 + static_cast<uint64_t>(n));
      for (float& v : x) {
        if (!std::isfinite(v)) v = -2.0f;
      }
      for (int64_t g : {int64_t{1}, int64_t{7}, int64_t{32}, n}) {
        std::vector<float> scales, zero_points;
        MakeParams(c, x, (n + g - 1) / g, &scales, &zero_points);
        for (bool clamped : {false, true}) {
          SCOPED_TRACE("n=" + std::to_string(n) + " g=" + std::to_string(g) + (clamped ? " clamped" : " plain"));
          std::vector<float> y_fast(static_cast<size_t>(n) + 2, -7.0f), y_ref(y_fast);
          std::vector<uint8_t> m_fast(static_cast<size_t>(n) + 2, kGuard), m_ref(m_fast);
          ASSERT_EQ(-1, fast().fake_quantize(x.data(), n, g, scales.data(), zero_points.data(), c, clamped,
                                             y_fast.data(), m_fast.data()));
          ASSERT_EQ(-1, ref().fake_quantize(x.data(), n, g, scales.data(), zero_points.data(), c, clamped,
                                            y_ref.data(), m_ref.data()));
          ASSERT_TRUE(SameFloats(y_fast, y_ref));
          ASSERT_EQ(m_fast, m_ref);
          ASSERT_EQ(m_fast[static_cast<size_t>(n)], kGuard);
          // Without a mask, and in place: the same y.
          std::vector<float> in_place(x);
          ASSERT_EQ(-1, fast().fake_quantize(in_place.data(), n, g, scales.data(), zero_points.data(), c, clamped,
                                             in_place.data(), nullptr));
          in_place.resize(static_cast<size_t>(n) + 2, -7.0f);
          ASSERT_TRUE(SameFloats(in_place, y_fast));
        }
      }
    }
  }
}

TEST_P(IntQuantKernelsOnTarget, FakeQuantizeStopsAtTheFirstNonFiniteValue) {
  axq_test::ScopedTarget target(GetParam());
  const IntCodec c = axq::MakeIntCodec(8, IntScheme::kAffine);
  const float scale = 0.25f, zero_point = 3.0f;
  for (int64_t n : {9, 40, 100}) {
    for (int64_t where : {int64_t{0}, int64_t{5}, n - 1}) {
      for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
        std::vector<float> x(static_cast<size_t>(n), 1.0f);
        x[static_cast<size_t>(where)] = bad;
        EXPECT_EQ(where, fast().fake_quantize(x.data(), n, n, &scale, &zero_point, c, true, x.data(), nullptr));
        // In place, the value is still there to be reported.
        EXPECT_EQ(axq::AbsBits(x[static_cast<size_t>(where)]), axq::AbsBits(bad));
        std::vector<float> y(static_cast<size_t>(n));
        EXPECT_EQ(where, ref().fake_quantize(x.data(), n, n, &scale, &zero_point, c, true, y.data(), nullptr));
      }
    }
  }
}

// The tensor drivers (granularity, spans, threads) on the dispatched set
// against the same drivers on the reference set.
TEST_P(IntQuantKernelsOnTarget, TensorDriversMatchOnBothKernelSets) {
  axq_test::ScopedTarget target(GetParam());
  struct Shape {
    int ndim;
    int64_t dims[4];
  };
  const Shape shapes[] = {{1, {4099, 1, 1, 1}}, {2, {96, 7, 1, 1}}, {3, {33, 4, 3, 1}}, {2, {40000, 2, 1, 1}}};
  for (const Shape& shape : shapes) {
    std::unique_ptr<axq_tensor> src;
    ASSERT_TRUE(axq::NewTensor(&src, AXQ_TYPE_F32, shape.ndim, shape.dims).ok());
    std::vector<float> values = Input(src->nelements, 42);
    for (float& v : values) {
      if (!std::isfinite(v) || std::fabs(v) > 1e30f) v = 0.75f;
    }
    std::memcpy(src->data.get(), values.data(), values.size() * sizeof(float));
    for (uint32_t bits : {3u, 4u, 8u}) {
      for (int32_t scheme = 0; scheme <= 2; ++scheme) {
        for (int32_t granularity = 0; granularity <= 2; ++granularity) {
          for (int32_t axis = 0; axis < (granularity == AXQ_PER_CHANNEL ? shape.ndim : 1); ++axis) {
            axq_int_options_t o{};
            o.struct_size = sizeof(o);
            o.bits = bits;
            o.scheme = scheme;
            o.granularity = granularity;
            o.axis = axis;
            o.group_size = shape.dims[0] % 32 == 0 ? 32 : (shape.dims[0] % 11 == 0 ? 11 : 1);
            SCOPED_TRACE("dims0=" + std::to_string(shape.dims[0]) + " bits=" + std::to_string(bits) +
                         " scheme=" + std::to_string(scheme) + " gran=" + std::to_string(granularity) +
                         " axis=" + std::to_string(axis));
            std::unique_ptr<axq_int_tensor> a, b;
            ASSERT_TRUE(axq::IntQuantize(&a, *src, o, 2, KernelSet::kDispatched).ok());
            ASSERT_TRUE(axq::IntQuantize(&b, *src, o, 1, KernelSet::kReference).ok());
            ASSERT_EQ(0, std::memcmp(a->codes.get(), b->codes.get(), a->layout.code_bytes()));
            ASSERT_TRUE(SameFloats(a->scales, b->scales));
            ASSERT_TRUE(SameFloats(a->zero_points, b->zero_points));
            std::unique_ptr<axq_tensor> ya, yb, fa, fb;
            ASSERT_TRUE(axq::IntDequantize(&ya, *a, 2, KernelSet::kDispatched).ok());
            ASSERT_TRUE(axq::IntDequantize(&yb, *b, 1, KernelSet::kReference).ok());
            ASSERT_EQ(0, std::memcmp(ya->data.get(), yb->data.get(), ya->nbytes));
            std::vector<uint8_t> ma(values.size()), mb(values.size());
            ASSERT_TRUE(axq::IntFakeQuantizeTensor(&fa, ma.data(), *src, o, true, 2, KernelSet::kDispatched).ok());
            ASSERT_TRUE(axq::IntFakeQuantizeTensor(&fb, mb.data(), *src, o, true, 1, KernelSet::kReference).ok());
            ASSERT_EQ(0, std::memcmp(fa->data.get(), fb->data.get(), fa->nbytes));
            ASSERT_EQ(0, std::memcmp(fa->data.get(), ya->data.get(), fa->nbytes));  // fake = dequant(quant)
            ASSERT_EQ(ma, mb);
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, IntQuantKernelsOnTarget, ::testing::ValuesIn(axq_test::AvailableTargets()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
