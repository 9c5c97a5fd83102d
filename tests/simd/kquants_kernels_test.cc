// White-box: the K-quant kernels (Q2_K..Q6_K) on every target against the
// scalar references, byte for byte, on inputs chosen to hit every branch of
// the searches and scale steps (FORMATS.md §3.2): ggml's own vectors, and
// thousands of generated super-blocks whose sub-blocks mix gaussians of
// many scales, exponent ranges from 1e-30 to 1e30, exact ties, constant,
// zero, one-hot and sparse sub-blocks, values near FLT_MAX and past the
// fp16 range, subnormals, one-signed data and values around the searches'
// 1e-15 threshold. Also: NaN/Inf is reported, and dequantization of any
// bytes matches the reference bit for bit.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/core/type_traits.h"
#include "src/simd/kernels.h"
#include "tests/common/test_support.h"

namespace {

const axq_type kKQuants[] = {AXQ_TYPE_Q2_K, AXQ_TYPE_Q3_K, AXQ_TYPE_Q4_K, AXQ_TYPE_Q5_K, AXQ_TYPE_Q6_K};
constexpr int64_t kQK = 256;
constexpr int kFamilies = 15;

const char* const kFamilyNames[kFamilies] = {"gaussian",      "wide exponent", "ties",      "all equal",
                                             "zero",          "one nonzero",   "sparse",    "near FLT_MAX",
                                             "fp16 overflow", "subnormal",     "negatives", "positives",
                                             "near 1e-15",    "+-max tie",     "two scales"};

// Fills n values of one family at x.
void FillFamily(int family, axq_test::Rng& rng, float* x, int n) {
  const float scale = std::ldexp(1.0f, static_cast<int>(rng.Next() % 41) - 20);
  const float sign = (rng.Next() & 1) ? 1.0f : -1.0f;
  const int hot = static_cast<int>(rng.Next() % static_cast<uint64_t>(n));
  for (int i = 0; i < n; ++i) {
    float v = 0.0f;
    switch (family) {
      case 0:
        v = rng.Gaussian() * scale;
        break;
      case 1: {  // 1e-30 .. 1e30, either sign
        const float mag = std::ldexp(static_cast<float>(1.0 + rng.Uniform()), static_cast<int>(rng.Next() % 200) - 100);
        v = (rng.Next() & 1) ? mag : -mag;
        break;
      }
      case 2:
        v = static_cast<float>(static_cast<int>(rng.Next() % 17) - 8) * 0.5f * scale;
        break;
      case 3:
        v = sign * scale * 0.75f;
        break;
      case 4:
        v = (rng.Next() % 4 == 0) ? -0.0f : 0.0f;
        break;
      case 5:
        v = i == hot ? sign * scale : 0.0f;
        break;
      case 6:
        v = rng.Next() % 10 == 0 ? rng.Gaussian() * scale : 0.0f;
        break;
      case 7:
        v = static_cast<float>(0.5 + 0.5 * rng.Uniform()) * 3.4028235e38f * ((rng.Next() & 1) ? 1.0f : -1.0f);
        break;
      case 8:
        v = static_cast<float>(3e4 + 4e4 * rng.Uniform()) * ((rng.Next() & 1) ? 1.0f : -1.0f);
        break;
      case 9:
        v = rng.Next() % 3 == 0 ? 0.0f : std::ldexp(rng.Gaussian(), -135);
        break;
      case 10:
        v = -std::fabs(rng.Gaussian()) * scale;
        break;
      case 11:
        v = std::fabs(rng.Gaussian()) * scale;
        break;
      case 12:
        v = rng.Gaussian() * 1e-15f;
        break;
      case 13:
        v = i == hot ? scale : (i == (hot + 3) % n ? -scale : static_cast<float>(rng.Uniform() * 2 - 1) * scale);
        break;
      default:
        v = rng.Gaussian() * (i % 2 == 0 ? scale : scale * 1e-6f);
        break;
    }
    x[i] = v;
  }
}

// A row of `blocks` super-blocks: each one either of a single family (so
// that whole super-blocks are zero, constant, huge, ...) or mixing
// families per 16 values (so that the scale step sees extreme ratios).
std::vector<float> AdversarialRow(int64_t blocks, axq_test::Rng& rng) {
  std::vector<float> x(static_cast<size_t>(blocks * kQK));
  for (int64_t b = 0; b < blocks; ++b) {
    float* sb = x.data() + b * kQK;
    if (rng.Next() % 2 == 0) {
      FillFamily(static_cast<int>(rng.Next() % kFamilies), rng, sb, static_cast<int>(kQK));
    } else {
      for (int s = 0; s < 16; ++s) FillFamily(static_cast<int>(rng.Next() % kFamilies), rng, sb + 16 * s, 16);
    }
  }
  return x;
}

struct Row {
  std::vector<float> x;
  std::string label;  // the family, for single-family rows
};

// Row lengths 1..40 super-blocks: every chunk tail of every target.
const std::vector<Row>& AdversarialRows() {
  static const std::vector<Row> rows = [] {
    std::vector<Row> r;
    axq_test::Rng rng(0x4B51);
    int64_t total = 0;
    for (int64_t len = 1; total < 4096; len = len % 40 + 1) {
      r.push_back({AdversarialRow(len, rng), "mixed"});
      total += len;
    }
    // Whole-row cases of one family, where the per-family paths are easiest
    // to blame.
    for (int f = 0; f < kFamilies; ++f) {
      std::vector<float> x(static_cast<size_t>(8 * kQK));
      for (int b = 0; b < 8; ++b) FillFamily(f, rng, x.data() + b * kQK, static_cast<int>(kQK));
      r.push_back({x, kFamilyNames[f]});
    }
    return r;
  }();
  return rows;
}

size_t RowBytes(axq_type type, int64_t n) {
  const axq::TypeTraits* t = axq::FindTypeTraits(type);
  return static_cast<size_t>(n / t->block_elems * t->block_bytes);
}

// The reference bytes of every adversarial row, computed once per type.
const std::vector<std::vector<uint8_t>>& ReferenceBytes(axq_type type) {
  static std::map<axq_type, std::vector<std::vector<uint8_t>>> cache;
  auto it = cache.find(type);
  if (it != cache.end()) return it->second;
  const axq::FormatKernels* ref = axq::KernelsFor(type, axq::KernelSet::kReference);
  std::vector<std::vector<uint8_t>> all;
  for (const Row& row : AdversarialRows()) {
    const int64_t n = static_cast<int64_t>(row.x.size());
    std::vector<uint8_t> bytes(RowBytes(type, n));
    EXPECT_TRUE(ref->quantize(row.x.data(), bytes.data(), n));
    all.push_back(std::move(bytes));
  }
  return cache.emplace(type, std::move(all)).first->second;
}

std::string TypeName(axq_type type) { return axq::FindTypeTraits(type)->name; }

class KQuantKernels : public ::testing::TestWithParam<std::string> {};

TEST_P(KQuantKernels, MatchReferenceOnAdversarialSuperBlocks) {
  int64_t blocks_checked = 0;
  for (axq_type type : kKQuants) {
    SCOPED_TRACE(TypeName(type));
    const std::vector<std::vector<uint8_t>>& want_all = ReferenceBytes(type);
    axq_test::ScopedTarget target(GetParam());
    const axq::FormatKernels* fast = axq::KernelsFor(type);
    const size_t block_bytes = axq::FindTypeTraits(type)->block_bytes;
    const std::vector<Row>& rows = AdversarialRows();
    for (size_t r = 0; r < rows.size(); ++r) {
      const int64_t n = static_cast<int64_t>(rows[r].x.size());
      std::vector<uint8_t> got(want_all[r].size(), 0xA5);
      SCOPED_TRACE("row " + std::to_string(r) + " (" + rows[r].label + ")");
      ASSERT_TRUE(fast->quantize(rows[r].x.data(), got.data(), n));
      for (size_t b = 0; b < got.size() / block_bytes; ++b) {
        ASSERT_EQ(0, std::memcmp(got.data() + b * block_bytes, want_all[r].data() + b * block_bytes, block_bytes))
            << "super-block " << b;
      }
      blocks_checked += n / kQK;
      // Dequantizing the bytes is bit-exact too.
      std::vector<float> y_fast(static_cast<size_t>(n)), y_ref(static_cast<size_t>(n));
      fast->dequantize(got.data(), y_fast.data(), n);
      axq::KernelsFor(type, axq::KernelSet::kReference)->dequantize(got.data(), y_ref.data(), n);
      ASSERT_EQ(axq_test::FirstFloatMismatch(y_fast.data(), y_ref.data(), n), -1);
    }
  }
  EXPECT_GE(blocks_checked, 5 * 4096);
}

TEST_P(KQuantKernels, MatchGgmlVectors) {
  axq_test::ScopedTarget target(GetParam());
  int cases = 0;
  for (const axq_test::VectorCase& c : axq_test::ReadManifest()) {
    axq_type type = AXQ_TYPE_F32;
    for (axq_type t : kKQuants) {
      if (TypeName(t) == c.type) type = t;
    }
    if (type == AXQ_TYPE_F32) continue;
    SCOPED_TRACE(c.name + " " + c.type);
    ++cases;
    const std::string dir = axq_test::VectorDir() + "/";
    const std::vector<float> input = axq_test::ReadFloats(dir + c.input);
    const std::vector<uint8_t> want = axq_test::ReadBytes(dir + c.quant);
    const axq::FormatKernels* fast = axq::KernelsFor(type);
    std::vector<uint8_t> got(want.size(), 0xA5);
    ASSERT_TRUE(fast->quantize(input.data(), got.data(), c.n));
    ASSERT_EQ(got, want);
    if (c.dequant != "-") {
      const std::vector<float> want_f = axq_test::ReadFloats(dir + c.dequant);
      std::vector<float> got_f(input.size());
      fast->dequantize(want.data(), got_f.data(), c.n);
      ASSERT_EQ(axq_test::FirstFloatMismatch(got_f.data(), want_f.data(), c.n), -1);
    }
  }
  EXPECT_EQ(cases, 5 * 16);
}

TEST_P(KQuantKernels, ReportNonFiniteInput) {
  axq_test::ScopedTarget target(GetParam());
  for (axq_type type : kKQuants) {
    SCOPED_TRACE(TypeName(type));
    const axq::FormatKernels* fast = axq::KernelsFor(type);
    for (int64_t blocks : {1, 3, 9}) {
      const int64_t n = blocks * kQK;
      for (float bad : {std::nanf(""), -std::nanf(""), INFINITY, -INFINITY}) {
        for (int64_t where : {int64_t{0}, int64_t{15}, int64_t{200}, n / 2, n - 1}) {
          std::vector<float> x(static_cast<size_t>(n), 0.25f);
          x[static_cast<size_t>(where)] = bad;
          std::vector<uint8_t> out(RowBytes(type, n));
          EXPECT_FALSE(fast->quantize(x.data(), out.data(), n)) << blocks << " blocks, at " << where;
        }
      }
    }
  }
}

TEST_P(KQuantKernels, DequantizeAnyBytesLikeReference) {
  axq_test::ScopedTarget target(GetParam());
  axq_test::Rng rng(0xDE0);
  for (axq_type type : kKQuants) {
    SCOPED_TRACE(TypeName(type));
    constexpr int64_t kN = 64 * kQK;
    std::vector<uint8_t> bytes(RowBytes(type, kN));
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.Next());
    std::vector<float> y_fast(kN), y_ref(kN);
    axq::KernelsFor(type)->dequantize(bytes.data(), y_fast.data(), kN);
    axq::KernelsFor(type, axq::KernelSet::kReference)->dequantize(bytes.data(), y_ref.data(), kN);
    ASSERT_EQ(axq_test::FirstFloatMismatch(y_fast.data(), y_ref.data(), kN), -1);
  }
}

INSTANTIATE_TEST_SUITE_P(AllTargets, KQuantKernels, ::testing::ValuesIn(axq_test::AvailableTargets()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
