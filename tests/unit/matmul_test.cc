// axq_matmul*: every weight type against a float64 product of the operands
// as the library rounds them, bitnet.cpp's I2_S vectors bit for bit, exact
// integer accumulation at the extremes, thread-count invariance, and the
// status and message of every kind of bad input.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

struct TensorDeleter {
  void operator()(axq_tensor_t* t) const { axq_tensor_destroy(t); }
};
using Tensor = std::unique_ptr<axq_tensor_t, TensorDeleter>;

Tensor FromF32(const std::vector<float>& data, int64_t cols, int64_t rows) {
  const int64_t dims[2] = {cols, rows};
  axq_tensor_t* t = nullptr;
  EXPECT_EQ(axq_tensor_from_f32(&t, data.data(), 2, dims), AXQ_OK) << axq_last_error();
  return Tensor(t);
}

Tensor Quantize(const axq_tensor_t* src, axq_type type, uint32_t rule = AXQ_TERNARY_REFERENCE) {
  axq_quantize_options_t opts;
  axq_quantize_options_init(&opts);
  opts.ternary_rule = rule;
  axq_tensor_t* t = nullptr;
  EXPECT_EQ(axq_quantize(&t, src, type, &opts), AXQ_OK) << axq_last_error();
  return Tensor(t);
}

Tensor NewF32(int64_t cols, int64_t rows) {
  const int64_t dims[2] = {cols, rows};
  axq_tensor_t* t = nullptr;
  EXPECT_EQ(axq_tensor_create(&t, AXQ_TYPE_F32, 2, dims), AXQ_OK) << axq_last_error();
  return Tensor(t);
}

std::vector<float> Values(const axq_tensor_t* t) {
  axq_tensor_t* f = nullptr;
  EXPECT_EQ(axq_dequantize(&f, t, nullptr), AXQ_OK) << axq_last_error();
  const float* p = static_cast<const float*>(axq_tensor_data(f));
  std::vector<float> v(p, p + axq_tensor_nelements(f));
  axq_tensor_destroy(f);
  return v;
}

std::vector<float> Gaussian(int64_t n, uint64_t seed, float scale) {
  axq_test::Rng rng(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = rng.Gaussian() * scale;
  return v;
}

// The activation partner of each weight type (axq.h).
axq_type Partner(axq_type w) {
  switch (w) {
    case AXQ_TYPE_Q4_0: case AXQ_TYPE_Q5_0: case AXQ_TYPE_Q8_0: return AXQ_TYPE_Q8_0;
    case AXQ_TYPE_Q4_1: case AXQ_TYPE_Q5_1: return AXQ_TYPE_Q8_1;
    case AXQ_TYPE_TQ1_0: case AXQ_TYPE_TQ2_0: return AXQ_TYPE_Q8_K;
    case AXQ_TYPE_Q2_K: case AXQ_TYPE_Q3_K: case AXQ_TYPE_Q4_K: case AXQ_TYPE_Q5_K: case AXQ_TYPE_Q6_K:
      return AXQ_TYPE_Q8_K;
    case AXQ_TYPE_I2_S: return AXQ_TYPE_I8_S;
    default: return w;
  }
}

const axq_type kWeightTypes[] = {AXQ_TYPE_F32,  AXQ_TYPE_F16,   AXQ_TYPE_BF16,  AXQ_TYPE_Q4_0,
                                 AXQ_TYPE_Q4_1, AXQ_TYPE_Q5_0,  AXQ_TYPE_Q5_1,  AXQ_TYPE_Q8_0,
                                 AXQ_TYPE_TQ1_0, AXQ_TYPE_TQ2_0, AXQ_TYPE_I2_S,  AXQ_TYPE_Q2_K,
                                 AXQ_TYPE_Q3_K, AXQ_TYPE_Q4_K,  AXQ_TYPE_Q5_K,  AXQ_TYPE_Q6_K};

// For K-quants with a min (Q2_K, Q4_K, Q5_K), per super-block in row order:
// M = |dmin| * the largest min code, read from the ggml bytes (FORMATS.md
// §3.1), so that |dmin * m_s| <= M and |d * sc_s * q| <= |w| + M. Their
// matmul forms the two products d * sc * q * x and dmin * m * x apart and
// subtracts them, so its error scales with sum (|w| + 2M) |x|, which the
// test uses as the magnitude. Empty for other types (M = 0).
std::vector<float> KQuantMinBounds(const axq_tensor_t* w, axq_type type, int64_t blocks) {
  int64_t block_bytes = 0, dmin_at = 0;
  float max_code = 0;
  switch (type) {
    case AXQ_TYPE_Q2_K: block_bytes = 84; dmin_at = 82; max_code = 15; break;
    case AXQ_TYPE_Q4_K: block_bytes = 144; dmin_at = 2; max_code = 63; break;
    case AXQ_TYPE_Q5_K: block_bytes = 176; dmin_at = 2; max_code = 63; break;
    default: return {};
  }
  const auto* bytes = static_cast<const uint8_t*>(axq_tensor_data(w));
  std::vector<uint8_t> halves(static_cast<size_t>(2 * blocks));
  for (int64_t b = 0; b < blocks; ++b) std::memcpy(&halves[2 * b], bytes + b * block_bytes + dmin_at, 2);
  const int64_t dims[1] = {blocks};
  axq_tensor_t* h = nullptr;
  EXPECT_EQ(axq_tensor_from_bytes(&h, AXQ_TYPE_F16, 1, dims, halves.data(), halves.size()), AXQ_OK);
  Tensor owned(h);
  std::vector<float> bound = Values(h);
  for (float& v : bound) v = std::fabs(v) * max_code;
  return bound;
}

std::vector<float> RunMatmul(const axq_tensor_t* w, const axq_tensor_t* x, int64_t m, int64_t n,
                             uint32_t threads) {
  Tensor y = NewF32(m, n);
  axq_matmul_options_t opts;
  axq_matmul_options_init(&opts);
  opts.n_threads = threads;
  EXPECT_EQ(axq_matmul(y.get(), w, x, &opts), AXQ_OK) << axq_last_error();
  const float* p = static_cast<const float*>(axq_tensor_data(y.get()));
  return std::vector<float>(p, p + m * n);
}

// Error bound of one output, in units of sum_k |w_k x_k| * 2^-24 (plus the
// Q8_1 term below): each block term is rounded twice and added once; float
// types add K/16 products per lane, four tree levels, one product rounding.
double BoundUlps(axq_type type, int64_t k) {
  switch (type) {
    case AXQ_TYPE_F32: case AXQ_TYPE_F16: case AXQ_TYPE_BF16: return static_cast<double>(k / 16 + 6);
    case AXQ_TYPE_TQ1_0: case AXQ_TYPE_TQ2_0: return static_cast<double>(k / 256 + 3);
    case AXQ_TYPE_I2_S: return 4.0;
    // K-quants: three roundings in each of the two products of a block's
    // term, one in their difference, k/256 additions, and the test's own
    // rounded operands (dequantized weights up to three roundings,
    // activations one); against the magnitude of KQuantMinBounds.
    case AXQ_TYPE_Q2_K: case AXQ_TYPE_Q3_K: case AXQ_TYPE_Q4_K: case AXQ_TYPE_Q5_K: case AXQ_TYPE_Q6_K:
      return static_cast<double>(k / 256 + 8);
    default: return static_cast<double>(k / 32 + 3);
  }
}

TEST(Matmul, EveryWeightTypeMatchesAFloat64ProductOfItsOperands) {
  const int64_t m = 37, n = 5, k = 512;
  const std::vector<float> wf = Gaussian(m * k, 1, 0.05f);
  const std::vector<float> xf = Gaussian(n * k, 2, 1.0f);
  Tensor w32 = FromF32(wf, k, m);
  Tensor x32 = FromF32(xf, k, n);
  for (axq_type type : kWeightTypes) {
    SCOPED_TRACE(std::to_string(type));
    Tensor w = type == AXQ_TYPE_F32 ? FromF32(wf, k, m) : Quantize(w32.get(), type, AXQ_TERNARY_ABSMEAN);
    const std::vector<float> wd = Values(w.get());
    Tensor xq = Partner(type) == AXQ_TYPE_F32 ? FromF32(xf, k, n) : Quantize(x32.get(), Partner(type));
    const std::vector<float> xd = Values(xq.get());
    const std::vector<float> y = RunMatmul(w.get(), x32.get(), m, n, 1);
    const std::vector<float> min_bound = KQuantMinBounds(w.get(), type, m * k / 256);
    double worst = 0.0;
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t c = 0; c < m; ++c) {
        double exact = 0.0, magnitude = 0.0;
        for (int64_t i = 0; i < k; ++i) {
          const double p = static_cast<double>(wd[c * k + i]) * xd[r * k + i];
          exact += p;
          magnitude += std::fabs(p);
          if (!min_bound.empty()) magnitude += 2.0 * min_bound[(c * k + i) / 256] * std::fabs(xd[r * k + i]);
        }
        double bound = BoundUlps(type, k) * std::ldexp(magnitude, -24);
        if (type == AXQ_TYPE_Q4_1 || type == AXQ_TYPE_Q5_1) {
          // The min term uses the activation block's f16 sum s (as ggml
          // does): up to 2^-11 of m_w * |sum of that block| per block.
          bound += std::ldexp(magnitude, -10);
        }
        const double err = std::fabs(y[r * m + c] - exact);
        worst = std::max(worst, err / (bound + 1e-30));
        ASSERT_LE(err, bound) << "y[" << r << "][" << c << "] = " << y[r * m + c] << ", exact "
                              << exact;
      }
    }
    RecordProperty("worst_fraction_of_bound_" + std::to_string(type), std::to_string(worst));
  }
}

TEST(Matmul, ResultsDoNotDependOnTheThreadCount) {
  const int64_t m = 70, n = 9, k = 768;
  Tensor w32 = FromF32(Gaussian(m * k, 3, 0.02f), k, m);
  Tensor x32 = FromF32(axq_test::StressInput(n * k, 4), k, n);
  // Stress input holds values beyond f16 and +-3e38; keep what every
  // partner can hold finite.
  std::vector<float> xs = Gaussian(n * k, 5, 3.0f);
  Tensor x = FromF32(xs, k, n);
  for (axq_type type : kWeightTypes) {
    SCOPED_TRACE(std::to_string(type));
    Tensor w = type == AXQ_TYPE_F32 ? FromF32(Gaussian(m * k, 3, 0.02f), k, m) : Quantize(w32.get(), type);
    const std::vector<float> one = RunMatmul(w.get(), x.get(), m, n, 1);
    for (uint32_t threads : {2u, 3u, 8u, 0u}) {
      const std::vector<float> many = RunMatmul(w.get(), x.get(), m, n, threads);
      ASSERT_EQ(axq_test::FirstFloatMismatch(one.data(), many.data(), m * n), -1) << threads;
    }
  }
}

// bitnet.cpp's vectors: quantized weights and activations byte for byte,
// outputs bit for bit, through both I2_S entry points.
TEST(Matmul, I2sMatchesBitnetVectors) {
  const std::string dir = axq_test::VectorDir() + "/";
  int cases = 0;
  for (const axq_test::I2sCase& c : axq_test::ReadI2sManifest()) {
    const std::string& name = c.name;
    const int64_t m = c.m, k = c.k, n = c.n;
    SCOPED_TRACE(name);
    ++cases;
    Tensor w32 = FromF32(axq_test::ReadFloats(dir + name + ".w.f32"), k, m);
    Tensor w = Quantize(w32.get(), AXQ_TYPE_I2_S);
    const std::vector<uint8_t> want_w = axq_test::ReadBytes(dir + name + ".i2s.bin");
    ASSERT_EQ(axq_tensor_nbytes(w.get()), want_w.size());
    ASSERT_EQ(std::memcmp(axq_tensor_data(w.get()), want_w.data(), want_w.size()), 0);
    const std::vector<float> want_deq = axq_test::ReadFloats(dir + name + ".i2s.deq.f32");
    const std::vector<float> deq = Values(w.get());
    ASSERT_EQ(axq_test::FirstFloatMismatch(deq.data(), want_deq.data(), m * k), -1);

    Tensor x32 = FromF32(axq_test::ReadFloats(dir + name + ".act.f32"), k, n);
    Tensor xq = Quantize(x32.get(), AXQ_TYPE_I8_S);
    const std::vector<uint8_t> want_q = axq_test::ReadBytes(dir + name + ".act.i8");
    const std::vector<float> want_scale = axq_test::ReadFloats(dir + name + ".act_scale.f32");
    const std::vector<uint8_t> sums = axq_test::ReadBytes(dir + name + ".act_sum.i32");
    for (int64_t r = 0; r < n; ++r) {
      const int8_t* codes = nullptr;
      float scale = 0;
      int32_t sum = 0;
      ASSERT_EQ(axq_i8s_row(xq.get(), r, &codes, &scale, &sum), AXQ_OK) << axq_last_error();
      ASSERT_EQ(std::memcmp(codes, want_q.data() + r * k, static_cast<size_t>(k)), 0) << r;
      ASSERT_EQ(scale, want_scale[r]) << r;
      int32_t want_sum;
      std::memcpy(&want_sum, sums.data() + 4 * r, 4);
      ASSERT_EQ(sum, want_sum) << r;
    }

    const std::vector<float> want_y = axq_test::ReadFloats(dir + name + ".out.f32");
    for (int entry = 0; entry < 2; ++entry) {
      Tensor y = NewF32(m, n);
      const axq_status st = entry == 0 ? axq_matmul_i2s(y.get(), w.get(), x32.get(), nullptr)
                                       : axq_matmul_i2s_i8(y.get(), w.get(), xq.get(), nullptr);
      ASSERT_EQ(st, AXQ_OK) << axq_last_error();
      const float* got = static_cast<const float*>(axq_tensor_data(y.get()));
      const int64_t bad = axq_test::FirstFloatMismatch(got, want_y.data(), m * n);
      ASSERT_EQ(bad, -1) << "entry " << entry << " y[" << bad << "] = " << got[bad] << " want "
                         << want_y[bad];
    }
  }
  EXPECT_EQ(cases, 4);
}

// All +1 weights against all-127 activations at K = 65536: bitnet.cpp's
// AVX2 kernel wraps its 16-bit accumulators here; the sum must be exact.
TEST(Matmul, I2sIntegerSumsNeverOverflow) {
  const int64_t k = 65536, m = 3, n = 2;
  Tensor w32 = FromF32(std::vector<float>(static_cast<size_t>(m * k), 0.5f), k, m);
  Tensor w = Quantize(w32.get(), AXQ_TYPE_I2_S);  // scale 0.5, every code +1
  Tensor x32 = FromF32(std::vector<float>(static_cast<size_t>(n * k), 1.0f), k, n);
  Tensor xq = Quantize(x32.get(), AXQ_TYPE_I8_S);  // every code 127, s = 127
  for (int entry = 0; entry < 3; ++entry) {
    Tensor y = NewF32(m, n);
    const axq_status st = entry == 0   ? axq_matmul_i2s(y.get(), w.get(), x32.get(), nullptr)
                          : entry == 1 ? axq_matmul_i2s_i8(y.get(), w.get(), xq.get(), nullptr)
                                       : axq_matmul(y.get(), w.get(), x32.get(), nullptr);
    ASSERT_EQ(st, AXQ_OK) << axq_last_error();
    const float* got = static_cast<const float*>(axq_tensor_data(y.get()));
    // dot = 2 * 127 * 65536, sum = 127 * 65536: (dot - sum) / 127 * 0.5.
    for (int64_t i = 0; i < m * n; ++i) ASSERT_EQ(got[i], 32768.0f) << entry << " " << i;
  }
}

TEST(Matmul, Q8_0ExtremeCodesStayExact) {
  // Weight code -128 (only reachable through raw bytes) times activation
  // codes +-127 in every position.
  const int64_t k = 4096, m = 2, n = 1;
  std::vector<uint8_t> bytes(static_cast<size_t>(m * k / 32 * 34));
  for (size_t b = 0; b < bytes.size(); b += 34) {
    bytes[b] = 0x00;
    bytes[b + 1] = 0x3C;  // d = 1.0
    for (int j = 0; j < 32; ++j) bytes[b + 2 + j] = 0x80;  // -128
  }
  const int64_t dims[2] = {k, m};
  axq_tensor_t* raw = nullptr;
  ASSERT_EQ(axq_tensor_from_bytes(&raw, AXQ_TYPE_Q8_0, 2, dims, bytes.data(), bytes.size()), AXQ_OK);
  Tensor w(raw);
  Tensor x = FromF32(std::vector<float>(static_cast<size_t>(k), -1.0f), k, n);  // codes -127, d = 1/127
  const std::vector<float> y = RunMatmul(w.get(), x.get(), m, n, 1);
  // The activation block scale as the library rounds it (f16 of 1/127).
  Tensor xq = Quantize(x.get(), AXQ_TYPE_Q8_0);
  const float d_x = Values(xq.get())[0] / -127.0f;
  // Each block: (1 * d_x) * (32 * 128 * 127), added 128 times in order.
  float acc = 0.0f;
  for (int b = 0; b < k / 32; ++b) acc = acc + (1.0f * d_x) * static_cast<float>(32 * 128 * 127);
  for (int64_t i = 0; i < m; ++i) ASSERT_EQ(y[i], acc) << i;
}

TEST(Matmul, AbsmeanTernarizerBeatsTheSignRuleOnRealLookingWeights) {
  const int64_t k = 1024, m = 64;
  const std::vector<float> wf = Gaussian(m * k, 7, 0.02f);
  Tensor w32 = FromF32(wf, k, m);
  for (axq_type type : {AXQ_TYPE_I2_S, AXQ_TYPE_TQ1_0, AXQ_TYPE_TQ2_0}) {
    double err[2] = {0, 0};
    for (uint32_t rule : {0u, 1u}) {
      Tensor w = Quantize(w32.get(), type, rule);
      const std::vector<float> d = Values(w.get());
      for (size_t i = 0; i < wf.size(); ++i) err[rule] += (d[i] - wf[i]) * (d[i] - wf[i]);
    }
    const double rms_ref = std::sqrt(err[0] / wf.size()), rms_abs = std::sqrt(err[1] / wf.size());
    std::printf("type %d: rms error, reference rule %.5f, absmean %.5f (weights N(0, 0.02^2))\n",
                type, rms_ref, rms_abs);
    // N(0, 0.02^2): absmean keeps about 0.6 of the energy; the sign rule
    // (I2_S, scale = max|w|) is far off, TQ's per-block amax rounds most
    // weights to zero.
    EXPECT_LT(rms_abs, 0.8 * rms_ref) << type;
    EXPECT_LT(rms_abs, 0.02) << type;
  }
}

TEST(Matmul, AbsmeanI2sScaleIsTheMeanMagnitude) {
  const std::vector<float> wf = {0.5f, -1.0f, 0.0f, 2.5f};
  std::vector<float> w(128 * 4);
  for (size_t i = 0; i < w.size(); ++i) w[i] = wf[i % 4];
  Tensor w32 = FromF32(w, 128, 4);
  Tensor q = Quantize(w32.get(), AXQ_TYPE_I2_S, AXQ_TERNARY_ABSMEAN);
  const std::vector<float> d = Values(q.get());
  // mean |w| = 1.0: 0.5 -> 0 (tie, to even), -1 -> -1, 0 -> 0, 2.5 -> +1.
  const float want[4] = {0.0f, -1.0f, 0.0f, 1.0f};
  for (size_t i = 0; i < d.size(); ++i) ASSERT_EQ(d[i], want[i % 4]) << i;
}

TEST(Matmul, BadInputGetsAStatusAndAMessage) {
  const int64_t k = 256, m = 4, n = 2;
  Tensor w32 = FromF32(Gaussian(m * k, 9, 1.0f), k, m);
  Tensor w = Quantize(w32.get(), AXQ_TYPE_Q4_0);
  Tensor wi2 = Quantize(w32.get(), AXQ_TYPE_I2_S);
  Tensor x = FromF32(Gaussian(n * k, 10, 1.0f), k, n);
  Tensor y = NewF32(m, n);
  auto expect = [](axq_status got, axq_status want, const char* fragment) {
    EXPECT_EQ(got, want);
    EXPECT_NE(std::string(axq_last_error()).find(fragment), std::string::npos) << axq_last_error();
  };
  expect(axq_matmul(nullptr, w.get(), x.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "y: NULL");
  expect(axq_matmul(y.get(), nullptr, x.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "w: NULL");
  expect(axq_matmul(y.get(), w.get(), nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT, "x: NULL");
  expect(axq_matmul_i2s_i8(y.get(), wi2.get(), nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT, "x_i8: NULL");
  // Aliasing.
  Tensor sq = NewF32(k, k);
  expect(axq_matmul(sq.get(), sq.get(), x.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "y is w");
  Tensor yx = FromF32(Gaussian(k * k, 11, 1.0f), k, k);
  Tensor wsq = FromF32(Gaussian(k * k, 12, 1.0f), k, k);
  expect(axq_matmul(yx.get(), wsq.get(), yx.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "y is x");
  // Shapes.
  Tensor x_short = FromF32(Gaussian(n * 128, 13, 1.0f), 128, n);
  expect(axq_matmul(y.get(), w.get(), x_short.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "K = 256");
  Tensor y_wrong = NewF32(m + 1, n);
  expect(axq_matmul(y_wrong.get(), w.get(), x.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "expected M x N = 4 x 2");
  Tensor y_rows = NewF32(m, n + 1);
  expect(axq_matmul(y_rows.get(), w.get(), x.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "expected M x N");
  // Types.
  expect(axq_matmul_i2s(y.get(), w.get(), x.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "needs i2_s weights");
  Tensor x_q8 = Quantize(x.get(), AXQ_TYPE_Q8_0);
  expect(axq_matmul(y.get(), w.get(), x_q8.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT,
         "needs f32 activations");
  expect(axq_matmul_i2s_i8(y.get(), wi2.get(), x.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "needs i8_s activations");
  Tensor q8k = Quantize(w32.get(), AXQ_TYPE_Q8_K);
  expect(axq_matmul(y.get(), q8k.get(), x.get(), nullptr), AXQ_ERR_UNSUPPORTED, "activation type");
  Tensor yq = Quantize(NewF32(m, n).get(), AXQ_TYPE_F16);
  expect(axq_matmul(yq.get(), w.get(), x.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "y: must be an f32");
  // Non-finite activations that a quantized partner cannot hold.
  std::vector<float> bad = Gaussian(n * k, 14, 1.0f);
  bad[300] = NAN;
  Tensor xnan = FromF32(bad, k, n);
  expect(axq_matmul(y.get(), w.get(), xnan.get(), nullptr), AXQ_ERR_NON_FINITE, "x[300]");
  // Options.
  axq_matmul_options_t opts;
  axq_matmul_options_init(&opts);
  opts.struct_size = 1000;
  expect(axq_matmul(y.get(), w.get(), x.get(), &opts), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  expect((axq_matmul_options_init)(nullptr), AXQ_ERR_INVALID_ARGUMENT, "opts: NULL");
  expect(axq_matmul_options_init_sized(nullptr, sizeof(axq_matmul_options_t)), AXQ_ERR_INVALID_ARGUMENT, "opts: NULL");
  // I8_S row accessor.
  Tensor xq = Quantize(x.get(), AXQ_TYPE_I8_S);
  expect(axq_i8s_row(xq.get(), n, nullptr, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT, "row: 2 is outside 0..1");
  expect(axq_i8s_row(x.get(), 0, nullptr, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT, "must be an i8_s");
  expect(axq_i8s_row(nullptr, 0, nullptr, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT, "t: NULL");
  // Ternary rule.
  axq_quantize_options_t qopts;
  axq_quantize_options_init(&qopts);
  qopts.ternary_rule = 7;
  axq_tensor_t* out = nullptr;
  expect(axq_quantize(&out, w32.get(), AXQ_TYPE_I2_S, &qopts), AXQ_ERR_INVALID_ARGUMENT, "ternary_rule");
  EXPECT_EQ(out, nullptr);
}

TEST(Matmul, RepackedTensorsKeepTheirValuesAndHideTheirBytes) {
  const int64_t k = 256, m = 20;
  Tensor w32 = FromF32(Gaussian(m * k, 21, 1.0f), k, m);
  for (axq_type type : {AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1, AXQ_TYPE_Q8_0}) {
    Tensor w = Quantize(w32.get(), type);
    axq_tensor_t* raw = nullptr;
    ASSERT_EQ(axq_tensor_repack(&raw, w.get()), AXQ_OK) << axq_last_error();
    Tensor packed(raw);
    EXPECT_EQ(axq_tensor_is_repacked(packed.get()), 1);
    EXPECT_EQ(axq_tensor_is_repacked(w.get()), 0);
    EXPECT_EQ(axq_tensor_type(packed.get()), type);
    EXPECT_EQ(axq_tensor_dim(packed.get(), 1), m);
    EXPECT_EQ(axq_tensor_data(packed.get()), nullptr);
    EXPECT_NE(std::string(axq_last_error()).find("repacked"), std::string::npos);
    const std::vector<float> a = Values(w.get()), b = Values(packed.get());
    ASSERT_EQ(axq_test::FirstFloatMismatch(a.data(), b.data(), m * k), -1);
    axq_tensor_t* again = nullptr;
    EXPECT_EQ(axq_tensor_repack(&again, packed.get()), AXQ_ERR_INVALID_ARGUMENT);
  }
  Tensor q5 = Quantize(w32.get(), AXQ_TYPE_Q5_0);
  axq_tensor_t* out = nullptr;
  EXPECT_EQ(axq_tensor_repack(&out, q5.get()), AXQ_ERR_UNSUPPORTED);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(axq_tensor_repack(&out, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(axq_tensor_is_repacked(nullptr), 0);
}

TEST(Matmul, BitnetLayoutsHaveTheDocumentedSizes) {
  size_t bytes = 0;
  ASSERT_EQ(axq_row_size(&bytes, AXQ_TYPE_I2_S, 4096), AXQ_OK);
  EXPECT_EQ(bytes, 4096u / 4 + 32);
  ASSERT_EQ(axq_row_size(&bytes, AXQ_TYPE_I8_S, 100), AXQ_OK);
  EXPECT_EQ(bytes, 108u);
  EXPECT_EQ(axq_row_size(&bytes, AXQ_TYPE_I2_S, 100), AXQ_ERR_INVALID_ARGUMENT);
  const int64_t dims[2] = {256, 3};
  axq_tensor_t* t = nullptr;
  ASSERT_EQ(axq_tensor_create(&t, AXQ_TYPE_I2_S, 2, dims), AXQ_OK);
  EXPECT_EQ(axq_tensor_nbytes(t), 3u * 256 / 4 + 32);
  axq_tensor_destroy(t);
  ASSERT_EQ(axq_tensor_create(&t, AXQ_TYPE_I8_S, 2, dims), AXQ_OK);
  EXPECT_EQ(axq_tensor_nbytes(t), 3u * (256 + 8));
  axq_tensor_destroy(t);
}

}  // namespace
