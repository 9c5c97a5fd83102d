// The dispatched matmul kernels against the reference kernels, on every
// SIMD target this CPU runs: outputs bit-identical for shapes that cover
// whole and partial row tiles, activation tiles and I2_S's odd last block.
// Also bitnet.cpp's raw I2_S dot products.
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/core/tensor.h"
#include "src/matmul/activations.h"
#include "src/matmul/engine.h"
#include "src/matmul/matmul_kernels.h"
#include "tests/common/test_support.h"

namespace {

struct TensorDeleter {
  void operator()(axq_tensor_t* t) const { axq_tensor_destroy(t); }
};
using Tensor = std::unique_ptr<axq_tensor_t, TensorDeleter>;

Tensor Gaussian(int64_t cols, int64_t rows, uint64_t seed, float scale) {
  axq_test::Rng rng(seed);
  std::vector<float> v(static_cast<size_t>(cols * rows));
  for (float& x : v) x = rng.Gaussian() * scale;
  const int64_t dims[2] = {cols, rows};
  axq_tensor_t* t = nullptr;
  EXPECT_EQ(axq_tensor_from_f32(&t, v.data(), 2, dims), AXQ_OK);
  return Tensor(t);
}

Tensor As(const axq_tensor_t* src, axq_type type) {
  axq_tensor_t* t = nullptr;
  EXPECT_EQ(axq_quantize(&t, src, type, nullptr), AXQ_OK) << axq_last_error();
  return Tensor(t);
}

std::vector<float> RunMatmul(axq::MatmulEntry entry, const axq_tensor_t* w, const axq_tensor_t* x,
                       int64_t m, int64_t n, axq::KernelSet set, unsigned threads) {
  const int64_t dims[2] = {m, n};
  axq_tensor_t* y = nullptr;
  EXPECT_EQ(axq_tensor_create(&y, AXQ_TYPE_F32, 2, dims), AXQ_OK);
  Tensor owned(y);
  const axq::Status st = axq::Matmul(entry, y, w, x, threads, set);
  EXPECT_TRUE(st.ok()) << axq_last_error();
  const float* p = static_cast<const float*>(axq_tensor_data(y));
  return std::vector<float>(p, p + m * n);
}

const axq_type kWeightTypes[] = {AXQ_TYPE_F32,  AXQ_TYPE_F16,   AXQ_TYPE_BF16,  AXQ_TYPE_Q4_0,
                                 AXQ_TYPE_Q4_1, AXQ_TYPE_Q5_0,  AXQ_TYPE_Q5_1,  AXQ_TYPE_Q8_0,
                                 AXQ_TYPE_TQ1_0, AXQ_TYPE_TQ2_0, AXQ_TYPE_I2_S};

class MatmulOnTarget : public ::testing::TestWithParam<std::string> {};

TEST_P(MatmulOnTarget, DispatchedKernelsMatchTheReferenceBitForBit) {
  axq_test::ScopedTarget target(GetParam());
  struct Shape { int64_t m, n, k; };
  const Shape shapes[] = {{1, 1, 256}, {7, 2, 512}, {5, 3, 768}, {16, 4, 512}, {37, 9, 1280}, {18, 5, 384}};
  for (const Shape& s : shapes) {
    Tensor w32 = Gaussian(s.k, s.m, 100 + s.m, 0.05f);
    Tensor x = Gaussian(s.k, s.n, 200 + s.n, 2.0f);
    for (axq_type type : kWeightTypes) {
      if ((type == AXQ_TYPE_TQ1_0 || type == AXQ_TYPE_TQ2_0) && s.k % 256 != 0) continue;
      SCOPED_TRACE(std::to_string(type) + " m=" + std::to_string(s.m) + " n=" +
                   std::to_string(s.n) + " k=" + std::to_string(s.k));
      Tensor w = type == AXQ_TYPE_F32 ? Gaussian(s.k, s.m, 100 + s.m, 0.05f) : As(w32.get(), type);
      const std::vector<float> want =
          RunMatmul(axq::MatmulEntry::kAny, w.get(), x.get(), s.m, s.n, axq::KernelSet::kReference, 1);
      for (unsigned threads : {1u, 2u}) {
        const std::vector<float> got =
            RunMatmul(axq::MatmulEntry::kAny, w.get(), x.get(), s.m, s.n, axq::KernelSet::kDispatched, threads);
        const int64_t bad = axq_test::FirstFloatMismatch(got.data(), want.data(), s.m * s.n);
        ASSERT_EQ(bad, -1) << "y[" << bad << "] = " << got[bad] << " want " << want[bad];
      }
    }
  }
}

// Repacked weights give the plain layout's results bit for bit (the
// reference kernel reads ggml blocks), for row counts around the 16-row
// groups and activation tiles of every size.
TEST_P(MatmulOnTarget, RepackedWeightsMatchThePlainLayout) {
  axq_test::ScopedTarget target(GetParam());
  struct Shape { int64_t m, n, k; };
  const Shape shapes[] = {{1, 1, 64}, {16, 4, 256}, {21, 5, 512}, {40, 9, 96}};
  for (const Shape& s : shapes) {
    Tensor w32 = Gaussian(s.k, s.m, 300 + s.m, 0.05f);
    Tensor x = Gaussian(s.k, s.n, 400 + s.n, 2.0f);
    for (axq_type type : {AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1, AXQ_TYPE_Q8_0}) {
      SCOPED_TRACE(std::to_string(type) + " m=" + std::to_string(s.m) + " n=" + std::to_string(s.n));
      Tensor w = As(w32.get(), type);
      axq_tensor_t* packed = nullptr;
      ASSERT_EQ(axq_tensor_repack(&packed, w.get()), AXQ_OK) << axq_last_error();
      Tensor wp(packed);
      const std::vector<float> want =
          RunMatmul(axq::MatmulEntry::kAny, w.get(), x.get(), s.m, s.n, axq::KernelSet::kReference, 1);
      for (axq::KernelSet set : {axq::KernelSet::kDispatched, axq::KernelSet::kReference}) {
        for (unsigned threads : {1u, 2u}) {
          const std::vector<float> got = RunMatmul(axq::MatmulEntry::kAny, wp.get(), x.get(), s.m, s.n, set, threads);
          const int64_t bad = axq_test::FirstFloatMismatch(got.data(), want.data(), s.m * s.n);
          ASSERT_EQ(bad, -1) << "y[" << bad << "] = " << got[bad] << " want " << want[bad];
        }
      }
    }
  }
}

// Lying bytes: I2_S code 3 everywhere (never written by a quantizer; counted
// as +2 like bitnet.cpp's kernel) against extreme activations.
TEST_P(MatmulOnTarget, I2sCodeThreeAndExtremeActivations) {
  axq_test::ScopedTarget target(GetParam());
  const int64_t m = 5, n = 3, k = 640;
  std::vector<uint8_t> bytes(static_cast<size_t>(m * k / 4 + 32), 0xFF);
  std::memset(bytes.data() + m * k / 4, 0, 32);
  bytes[m * k / 4 + 3] = 0x3F;  // scale 0.5
  const int64_t dims[2] = {k, m};
  axq_tensor_t* raw = nullptr;
  ASSERT_EQ(axq_tensor_from_bytes(&raw, AXQ_TYPE_I2_S, 2, dims, bytes.data(), bytes.size()), AXQ_OK);
  Tensor w(raw);
  std::vector<float> xs(static_cast<size_t>(n * k));
  for (size_t i = 0; i < xs.size(); ++i) xs[i] = (i % 3 == 0) ? -1.0f : 1.0f;  // codes +-127
  const int64_t xdims[2] = {k, n};
  axq_tensor_t* x = nullptr;
  ASSERT_EQ(axq_tensor_from_f32(&x, xs.data(), 2, xdims), AXQ_OK);
  Tensor xt(x);
  const std::vector<float> want = RunMatmul(axq::MatmulEntry::kI2s, w.get(), x, m, n, axq::KernelSet::kReference, 1);
  const std::vector<float> got = RunMatmul(axq::MatmulEntry::kI2s, w.get(), x, m, n, axq::KernelSet::kDispatched, 2);
  ASSERT_EQ(axq_test::FirstFloatMismatch(got.data(), want.data(), m * n), -1);
}

const axq_type kKQuantTypes[] = {AXQ_TYPE_Q2_K, AXQ_TYPE_Q3_K, AXQ_TYPE_Q4_K, AXQ_TYPE_Q5_K, AXQ_TYPE_Q6_K};

// K-quants: activation row counts around every grouping, row counts that
// split unevenly over threads, and super-block counts below, at and past
// the kernels' 8-block epilogue vectors and 16-block segments (19 blocks:
// two full vectors, then a partial one in a second segment).
TEST_P(MatmulOnTarget, KQuantKernelsMatchTheReferenceBitForBit) {
  axq_test::ScopedTarget target(GetParam());
  const int64_t ms[] = {1, 7, 16, 37};
  const int64_t ns[] = {1, 2, 3, 4, 5, 8, 17};
  const int64_t ks[] = {256, 512, 1280, 2048, 4864};
  for (int64_t k : ks) {
    for (int64_t m : ms) {
      Tensor w32 = Gaussian(k, m, 500 + m + k, 0.05f);
      for (int64_t n : ns) {
        Tensor x = Gaussian(k, n, 600 + n + k, 2.0f);
        for (axq_type type : kKQuantTypes) {
          SCOPED_TRACE(std::to_string(type) + " m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" +
                       std::to_string(k));
          Tensor w = As(w32.get(), type);
          const std::vector<float> want =
              RunMatmul(axq::MatmulEntry::kAny, w.get(), x.get(), m, n, axq::KernelSet::kReference, 1);
          for (unsigned threads : {1u, 3u}) {
            const std::vector<float> got =
                RunMatmul(axq::MatmulEntry::kAny, w.get(), x.get(), m, n, axq::KernelSet::kDispatched, threads);
            const int64_t bad = axq_test::FirstFloatMismatch(got.data(), want.data(), m * n);
            ASSERT_EQ(bad, -1) << "y[" << bad << "] = " << got[bad] << " want " << want[bad];
          }
        }
      }
    }
  }
}

// Random bytes as K-quant weights reach every code, scale and min value
// (Q6_K scale -128, Q3_K's full 6-bit range, 5th and hmask bits), against
// activations whose codes sit at +-127; f16 d/dmin fields are set to finite
// values so that the sums, not NaNs, are compared.
TEST_P(MatmulOnTarget, KQuantArbitraryBytesMatchTheReference) {
  axq_test::ScopedTarget target(GetParam());
  struct Fields { axq_type type; int64_t bytes; int d, dmin; };  // dmin < 0: none
  const Fields formats[] = {{AXQ_TYPE_Q2_K, 84, 80, 82}, {AXQ_TYPE_Q3_K, 110, 108, -1},
                            {AXQ_TYPE_Q4_K, 144, 0, 2},  {AXQ_TYPE_Q5_K, 176, 0, 2},
                            {AXQ_TYPE_Q6_K, 210, 208, -1}};
  const int64_t m = 19, k = 768;
  axq_test::Rng rng(77);
  for (int64_t n : {1, 4, 6}) {
    std::vector<float> xs(static_cast<size_t>(n * k));
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = (rng.Next() & 1) != 0 ? 1.0f : -1.0f;  // codes +-127
    const int64_t xdims[2] = {k, n};
    axq_tensor_t* x = nullptr;
    ASSERT_EQ(axq_tensor_from_f32(&x, xs.data(), 2, xdims), AXQ_OK);
    Tensor xt(x);
    for (const Fields& f : formats) {
      SCOPED_TRACE(std::to_string(f.type) + " n=" + std::to_string(n));
      std::vector<uint8_t> bytes(static_cast<size_t>(m * k / 256 * f.bytes));
      for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(rng.Next());
      for (size_t b = 0; b < bytes.size(); b += static_cast<size_t>(f.bytes)) {
        for (int field : {f.d, f.dmin}) {
          if (field < 0) continue;
          bytes[b + field] = static_cast<uint8_t>(rng.Next());
          // Sign random, exponent 8..15: |value| in [2^-7, 2).
          bytes[b + field + 1] = static_cast<uint8_t>((rng.Next() & 0x80) | (0x20 + (rng.Next() & 0x1F)));
        }
      }
      const int64_t wdims[2] = {k, m};
      axq_tensor_t* raw = nullptr;
      ASSERT_EQ(axq_tensor_from_bytes(&raw, f.type, 2, wdims, bytes.data(), bytes.size()), AXQ_OK)
          << axq_last_error();
      Tensor w(raw);
      const std::vector<float> want =
          RunMatmul(axq::MatmulEntry::kAny, w.get(), x, m, n, axq::KernelSet::kReference, 1);
      const std::vector<float> got =
          RunMatmul(axq::MatmulEntry::kAny, w.get(), x, m, n, axq::KernelSet::kDispatched, 2);
      const int64_t bad = axq_test::FirstFloatMismatch(got.data(), want.data(), m * n);
      ASSERT_EQ(bad, -1) << "y[" << bad << "] = " << got[bad] << " want " << want[bad];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllTargets, MatmulOnTarget,
                         ::testing::ValuesIn(axq_test::AvailableTargets()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// bitnet.cpp's ggml_vec_dot_i2_i8_s results (.dot_raw.i32) from the
// reference's exact integer sum.
TEST(I2sVectors, RawDotsMatchBitnet) {
  const std::string dir = axq_test::VectorDir() + "/";
  for (const axq_test::I2sCase& c : axq_test::ReadI2sManifest()) {
    const std::string& name = c.name;
    const int64_t m = c.m, k = c.k, n = c.n;
    SCOPED_TRACE(name);
    const std::vector<float> wf = axq_test::ReadFloats(dir + name + ".w.f32");
    const std::vector<float> xf = axq_test::ReadFloats(dir + name + ".act.f32");
    const int64_t wd[2] = {k, m}, xd[2] = {k, n};
    axq_tensor_t *w32 = nullptr, *x32 = nullptr;
    ASSERT_EQ(axq_tensor_from_f32(&w32, wf.data(), 2, wd), AXQ_OK);
    ASSERT_EQ(axq_tensor_from_f32(&x32, xf.data(), 2, xd), AXQ_OK);
    Tensor w32t(w32), x32t(x32);
    Tensor w = As(w32, AXQ_TYPE_I2_S);
    axq::PreparedActivations act;
    ASSERT_TRUE(act.Quantize(AXQ_TYPE_I8_S, xf.data(), n, k, 1).ok());
    axq::MatmulProblem p;
    p.w = static_cast<const uint8_t*>(axq_tensor_data(w.get()));
    p.w_row_bytes = k / 4;
    p.m = m;
    p.k = k;
    p.x = act.view();
    const std::vector<uint8_t> want = axq_test::ReadBytes(dir + name + ".dot_raw.i32");
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t c = 0; c < m; ++c) {
        int32_t expected;
        std::memcpy(&expected, want.data() + 4 * (r * m + c), 4);
        ASSERT_EQ(axq::I2sRawDotRef(p, c, r), expected) << r << " " << c;
      }
    }
  }
}

}  // namespace
