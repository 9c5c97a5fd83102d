// Black-box tests of the PTQ algorithms (axq/ptq.h): GPTQ, AWQ and
// SmoothQuant beat round-to-nearest on held-out activations of synthetic
// layers built like real ones; GPTQ equals a float64 reference written
// here, code for code; every argument check.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

struct TensorDeleter {
  void operator()(axq_tensor_t* t) const { axq_tensor_destroy(t); }
};
struct IntTensorDeleter {
  void operator()(axq_int_tensor_t* t) const { axq_int_tensor_destroy(t); }
};
struct StatsDeleter {
  void operator()(axq_act_stats_t* s) const { axq_act_stats_destroy(s); }
};
using Tensor = std::unique_ptr<axq_tensor_t, TensorDeleter>;
using IntTensor = std::unique_ptr<axq_int_tensor_t, IntTensorDeleter>;
using Stats = std::unique_ptr<axq_act_stats_t, StatsDeleter>;

Tensor MakeF32(const std::vector<float>& v, int64_t k) {
  const int64_t dims[2] = {k, static_cast<int64_t>(v.size()) / k};
  axq_tensor_t* t = nullptr;
  EXPECT_EQ(axq_tensor_from_f32(&t, v.data(), 2, dims), AXQ_OK) << axq_last_error();
  return Tensor(t);
}

std::vector<float> ToFloats(const axq_tensor_t* t) {
  const float* p = static_cast<const float*>(axq_tensor_data(t));
  return std::vector<float>(p, p + axq_tensor_nelements(t));
}

std::vector<float> Dequantize(const axq_tensor_t* q) {
  axq_tensor_t* y = nullptr;
  EXPECT_EQ(axq_dequantize(&y, q, nullptr), AXQ_OK) << axq_last_error();
  Tensor owned(y);
  return ToFloats(y);
}

std::vector<float> DequantizeInt(const axq_int_tensor_t* q) {
  axq_tensor_t* y = nullptr;
  EXPECT_EQ(axq_int_dequantize(&y, q, nullptr), AXQ_OK) << axq_last_error();
  Tensor owned(y);
  return ToFloats(y);
}

// A synthetic layer: activations with a per-channel scale spread
// (log-normal), a few outlier channels and correlated channel groups;
// weights with a per-row spread and a few heavy columns.
struct Layer {
  int64_t k = 0, m = 0;
  std::vector<float> w;        // m rows of k
  std::vector<float> calib;    // rows of k
  std::vector<float> heldout;  // rows of k
};

std::vector<float> Activations(int64_t rows, int64_t k, const std::vector<float>& channel_scale, uint64_t seed) {
  axq_test::Rng rng(seed);
  std::vector<float> x(static_cast<size_t>(rows * k));
  std::vector<float> shared(8);
  for (int64_t r = 0; r < rows; ++r) {
    for (float& v : shared) v = rng.Gaussian();
    for (int64_t j = 0; j < k; ++j) {
      const float z = 0.6f * rng.Gaussian() + 0.8f * shared[j % 8];
      x[r * k + j] = channel_scale[j] * z + 0.1f * channel_scale[j];
    }
  }
  return x;
}

Layer MakeLayer(int64_t k, int64_t m, int64_t calib_rows, uint64_t seed, bool outliers = true) {
  Layer l;
  l.k = k;
  l.m = m;
  axq_test::Rng rng(seed);
  std::vector<float> scale(static_cast<size_t>(k));
  for (int64_t j = 0; j < k; ++j) scale[j] = std::exp(0.75f * rng.Gaussian());
  if (outliers) {
    for (int64_t j = 3; j < k; j += k / 4) scale[j] *= 25.0f;
  }
  l.w.resize(static_cast<size_t>(m * k));
  std::vector<float> col(static_cast<size_t>(k), 1.0f);
  for (int64_t j = 5; j < k; j += 37) col[j] = 4.0f;
  for (int64_t r = 0; r < m; ++r) {
    const float row_scale = 0.02f * std::exp(0.3f * rng.Gaussian());
    for (int64_t j = 0; j < k; ++j) l.w[r * k + j] = row_scale * col[j] * rng.Gaussian();
  }
  l.calib = Activations(calib_rows, k, scale, seed + 1);
  l.heldout = Activations(512, k, scale, seed + 2);
  return l;
}

Stats Collect(const Layer& l, uint32_t max_samples = 512, int64_t batch = 100) {
  axq_act_stats_options_t o;
  axq_act_stats_options_init(&o);
  o.max_samples = max_samples;
  axq_act_stats_t* s = nullptr;
  EXPECT_EQ(axq_act_stats_create(&s, l.k, &o), AXQ_OK) << axq_last_error();
  const int64_t rows = static_cast<int64_t>(l.calib.size()) / l.k;
  for (int64_t r = 0; r < rows; r += batch) {
    EXPECT_EQ(axq_act_stats_add(s, l.calib.data() + r * l.k, std::min(batch, rows - r), l.k), AXQ_OK)
        << axq_last_error();
  }
  return Stats(s);
}

// Mean squared difference between xa wa^T and xb wb^T (row-major rows of
// k; the two pairs of the same shapes).
double ProductMse(const std::vector<float>& xa, const std::vector<float>& wa, const std::vector<float>& xb,
                  const std::vector<float>& wb, int64_t k) {
  const int64_t m = static_cast<int64_t>(wa.size()) / k, n = static_cast<int64_t>(xa.size()) / k;
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t r = 0; r < m; ++r) {
      double a = 0.0, b = 0.0;
      for (int64_t j = 0; j < k; ++j) {
        a += static_cast<double>(xa[i * k + j]) * wa[r * k + j];
        b += static_cast<double>(xb[i * k + j]) * wb[r * k + j];
      }
      sum += (a - b) * (a - b);
    }
  }
  return sum / static_cast<double>(n * m);
}

// The output error of w_hat against w on activations x.
double OutputMse(const std::vector<float>& w_hat, const std::vector<float>& w, const std::vector<float>& x,
                 int64_t k) {
  return ProductMse(x, w_hat, x, w, k);
}

// W_hat diag(1/s): what an AWQ-scaled weight computes on unscaled inputs.
std::vector<float> Unscale(std::vector<float> w_hat, const std::vector<float>& s) {
  const int64_t k = static_cast<int64_t>(s.size());
  for (size_t i = 0; i < w_hat.size(); ++i) w_hat[i] /= s[i % k];
  return w_hat;
}

std::vector<float> Rtn(const std::vector<float>& w, int64_t k, axq_type type) {
  Tensor t = MakeF32(w, k);
  axq_tensor_t* q = nullptr;
  EXPECT_EQ(axq_quantize(&q, t.get(), type, nullptr), AXQ_OK) << axq_last_error();
  Tensor owned(q);
  return Dequantize(q);
}

std::vector<float> RtnInt(const std::vector<float>& w, int64_t k, uint32_t bits, int32_t scheme, int64_t group) {
  Tensor t = MakeF32(w, k);
  axq_int_options_t o;
  axq_int_options_init(&o);
  o.bits = bits;
  o.scheme = scheme;
  o.granularity = AXQ_PER_GROUP;
  o.group_size = group;
  axq_int_tensor_t* q = nullptr;
  EXPECT_EQ(axq_int_quantize(&q, t.get(), &o), AXQ_OK) << axq_last_error();
  IntTensor owned(q);
  return DequantizeInt(q);
}

void ExpectFailure(axq_status got, axq_status want, const char* what) {
  EXPECT_EQ(got, want) << what;
  EXPECT_STRNE(axq_last_error(), "") << what;
}

void Report(const char* what, double ratio) {
  std::printf("[ ratio    ] %-44s %.4f\n", what, ratio);
}

// ---------------------------------------------------------------------------
// Quality: output MSE on held-out activations against round-to-nearest.

TEST(PtqQuality, GptqBeatsRoundToNearest) {
  const Layer l = MakeLayer(512, 128, 1024, 7);
  Stats st = Collect(l);
  Tensor w = MakeF32(l.w, l.k);
  for (axq_type type : {AXQ_TYPE_Q4_1, AXQ_TYPE_Q4_0, AXQ_TYPE_Q8_0}) {
    for (uint32_t act_order : {0u, 1u}) {
      axq_gptq_options_t o;
      axq_gptq_options_init(&o);
      o.type = type;
      o.act_order = act_order;
      axq_tensor_t* q = nullptr;
      ASSERT_EQ(axq_gptq_quantize(&q, w.get(), st.get(), &o), AXQ_OK) << axq_last_error();
      Tensor owned(q);
      ASSERT_EQ(axq_tensor_type(q), type);
      const double gptq = OutputMse(Dequantize(q), l.w, l.heldout, l.k);
      const double rtn = OutputMse(Rtn(l.w, l.k, type), l.w, l.heldout, l.k);
      const std::string name = std::string("GPTQ/RTN ") + (type == AXQ_TYPE_Q4_1 ? "q4_1" : type == AXQ_TYPE_Q4_0 ? "q4_0" : "q8_0") +
                               (act_order ? " act-order" : "");
      Report(name.c_str(), gptq / rtn);
      EXPECT_LT(gptq / rtn, type == AXQ_TYPE_Q8_0 ? 0.9 : 0.7) << name;
    }
  }
  // Integer formats: 4 and 3 bits, groups of 128, both schemes.
  for (uint32_t bits : {4u, 3u}) {
    for (int32_t scheme : {AXQ_INT_AFFINE, AXQ_INT_SYMMETRIC}) {
      axq_gptq_options_t o;
      axq_gptq_options_init(&o);
      o.bits = bits;
      o.scheme = scheme;
      o.group_size = 128;
      axq_int_tensor_t* q = nullptr;
      ASSERT_EQ(axq_gptq_quantize_int(&q, w.get(), st.get(), &o), AXQ_OK) << axq_last_error();
      IntTensor owned(q);
      const double gptq = OutputMse(DequantizeInt(q), l.w, l.heldout, l.k);
      const double rtn = OutputMse(RtnInt(l.w, l.k, bits, scheme, 128), l.w, l.heldout, l.k);
      const std::string name = "GPTQ/RTN int" + std::to_string(bits) + (scheme == AXQ_INT_AFFINE ? " affine" : " sym") +
                               " g128";
      Report(name.c_str(), gptq / rtn);
      EXPECT_LT(gptq / rtn, 0.7) << name;
    }
  }
}

TEST(PtqQuality, AwqBeatsRoundToNearest) {
  const Layer l = MakeLayer(512, 128, 512, 11);
  Stats st = Collect(l);
  Tensor w = MakeF32(l.w, l.k);
  const axq_tensor_t* weights[] = {w.get()};
  for (axq_type type : {AXQ_TYPE_Q4_1, AXQ_TYPE_Q4_0}) {
    axq_awq_options_t o;
    axq_awq_options_init(&o);
    o.type = type;
    std::vector<float> s(static_cast<size_t>(l.k));
    float alpha = -1.0f;
    ASSERT_EQ(axq_awq_scales(s.data(), l.k, &alpha, weights, 1, st.get(), 0, &o), AXQ_OK) << axq_last_error();
    EXPECT_GT(alpha, 0.0f);  // the outlier channels make some scaling pay
    EXPECT_LT(alpha, 1.0f);
    axq_tensor_t* q = nullptr;
    ASSERT_EQ(axq_awq_quantize(&q, w.get(), s.data(), l.k, st.get(), &o), AXQ_OK) << axq_last_error();
    Tensor owned(q);
    const double awq = OutputMse(Unscale(Dequantize(q), s), l.w, l.heldout, l.k);
    const double rtn = OutputMse(Rtn(l.w, l.k, type), l.w, l.heldout, l.k);
    const std::string name = std::string("AWQ/RTN ") + (type == AXQ_TYPE_Q4_1 ? "q4_1" : "q4_0");
    Report(name.c_str(), awq / rtn);
    EXPECT_LT(awq / rtn, 0.8) << name;

    // Without the clip search: still better than RTN, not as good.
    o.clip_search = 0;
    ASSERT_EQ(axq_awq_quantize(&q, w.get(), s.data(), l.k, st.get(), &o), AXQ_OK) << axq_last_error();
    Tensor noclip(q);
    const double scaled_only = OutputMse(Unscale(Dequantize(q), s), l.w, l.heldout, l.k);
    Report((name + " (no clip search)").c_str(), scaled_only / rtn);
    EXPECT_LT(scaled_only / rtn, 0.95) << name;
  }
  // The integer format: 4-bit affine, groups of 128.
  axq_awq_options_t o;
  axq_awq_options_init(&o);
  std::vector<float> s(static_cast<size_t>(l.k));
  ASSERT_EQ(axq_awq_scales(s.data(), l.k, nullptr, weights, 1, st.get(), 1, &o), AXQ_OK) << axq_last_error();
  axq_int_tensor_t* q = nullptr;
  ASSERT_EQ(axq_awq_quantize_int(&q, w.get(), s.data(), l.k, st.get(), &o), AXQ_OK) << axq_last_error();
  IntTensor owned(q);
  const double awq = OutputMse(Unscale(DequantizeInt(q), s), l.w, l.heldout, l.k);
  const double rtn = OutputMse(RtnInt(l.w, l.k, 4, AXQ_INT_AFFINE, 128), l.w, l.heldout, l.k);
  Report("AWQ/RTN int4 affine g128", awq / rtn);
  EXPECT_LT(awq / rtn, 0.8);
}

// Fake-quantized int8 (per tensor for activations, per row for weights).
std::vector<float> FakeInt8(const std::vector<float>& v, int64_t k, bool per_row) {
  Tensor t = MakeF32(v, k);
  axq_int_options_t o;
  axq_int_options_init(&o);
  o.granularity = per_row ? AXQ_PER_CHANNEL : AXQ_PER_TENSOR;
  o.axis = 1;
  axq_tensor_t* y = nullptr;
  EXPECT_EQ(axq_fake_quantize_tensor(&y, nullptr, 0, t.get(), AXQ_STE_PLAIN, &o), AXQ_OK) << axq_last_error();
  Tensor owned(y);
  return ToFloats(y);
}

// Mean squared error of Q(x) Q(W)^T against x_ref W_ref^T.
double W8A8Mse(const std::vector<float>& w, const std::vector<float>& x, const std::vector<float>& w_ref,
               const std::vector<float>& x_ref, int64_t k) {
  return ProductMse(FakeInt8(x, k, false), FakeInt8(w, k, true), x_ref, w_ref, k);
}

TEST(PtqQuality, SmoothQuantBeatsPlainW8A8WithOutlierChannels) {
  const Layer l = MakeLayer(256, 64, 512, 13);
  Stats st = Collect(l);
  Tensor w = MakeF32(l.w, l.k);
  const axq_tensor_t* weights[] = {w.get()};
  std::vector<float> s(static_cast<size_t>(l.k));
  ASSERT_EQ(axq_smoothquant_scales(s.data(), l.k, weights, 1, st.get(), 0.5f), AXQ_OK) << axq_last_error();
  for (float f : s) ASSERT_TRUE(f > 0.0f && std::isfinite(f));
  axq_tensor_t* ws = nullptr;
  ASSERT_EQ(axq_scale_columns(&ws, w.get(), s.data(), l.k, 0), AXQ_OK) << axq_last_error();
  Tensor w_smooth(ws);
  Tensor x = MakeF32(l.heldout, l.k);
  axq_tensor_t* xs = nullptr;
  ASSERT_EQ(axq_scale_columns(&xs, x.get(), s.data(), l.k, 1), AXQ_OK) << axq_last_error();
  Tensor x_smooth(xs);
  const double plain = W8A8Mse(l.w, l.heldout, l.w, l.heldout, l.k);
  const double smooth = W8A8Mse(ToFloats(ws), ToFloats(xs), l.w, l.heldout, l.k);
  Report("SmoothQuant W8A8 / plain W8A8 (alpha 0.5)", smooth / plain);
  EXPECT_LT(smooth / plain, 0.5);
}

// ---------------------------------------------------------------------------
// GPTQ against an independent float64 reference: unblocked, H^-1 by
// Gauss-Jordan elimination and its upper Cholesky factor the textbook way.

float HalfRound(float x) {
  uint16_t h = 0;
  size_t written = 0;
  EXPECT_EQ(axq_quantize_row(&h, sizeof(h), &written, AXQ_TYPE_F16, &x, 1), AXQ_OK);
  float y = 0.0f;
  EXPECT_EQ(axq_dequantize_row(&y, 1, AXQ_TYPE_F16, &h, sizeof(h)), AXQ_OK);
  return y;
}

struct RefFormat {
  bool q4_1 = false;  // else 4-bit affine integers (intquant.h's rules)
  int64_t group = 32;
  // Parameters (a, b) of a group and the code and value of x.
  void Fit(const std::vector<float>& v, float* a, float* b) const {
    float lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
    if (q4_1) {
      *a = HalfRound((hi - lo) / 15.0f);
      *b = HalfRound(lo);
      return;
    }
    lo = std::min(lo, 0.0f);
    hi = std::max(hi, 0.0f);
    if (hi == lo) {
      *a = 1.0f;
      *b = 0.0f;
      return;
    }
    const float s = static_cast<float>((static_cast<double>(hi) - lo) / 15.0);
    *a = s;
    *b = std::min(std::max(std::nearbyint(-lo / s), 0.0f), 15.0f);
  }
  int Quantize(float x, float a, float b, float* value) const {
    if (q4_1) {
      const int q = a == 0.0f ? 0 : static_cast<int>(std::min(std::max(std::nearbyint((x - b) / a), 0.0f), 15.0f));
      *value = static_cast<float>(q) * a + b;
      return q;
    }
    const float level = std::min(std::max(std::nearbyint(x / a) + b, 0.0f), 15.0f);
    *value = (level - b) * a;
    return static_cast<int>(level);
  }
};

std::vector<int> ReferenceGptq(const std::vector<float>& w, const std::vector<float>& x, int64_t k,
                               const RefFormat& f, bool act_order, double damp) {
  const int64_t m = static_cast<int64_t>(w.size()) / k, n = static_cast<int64_t>(x.size()) / k;
  std::vector<double> h(static_cast<size_t>(k * k), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t a = 0; a < k; ++a) {
      for (int64_t b = 0; b < k; ++b) h[a * k + b] += 2.0 * x[i * k + a] * x[i * k + b] / static_cast<double>(n);
    }
  }
  std::vector<double> W(w.begin(), w.end());
  for (int64_t j = 0; j < k; ++j) {
    if (h[j * k + j] == 0.0) {
      h[j * k + j] = 1.0;
      for (int64_t r = 0; r < m; ++r) W[r * k + j] = 0.0;
    }
  }
  std::vector<int64_t> perm(static_cast<size_t>(k));
  std::iota(perm.begin(), perm.end(), 0);
  if (act_order) {
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) { return h[a * k + a] > h[b * k + b]; });
  }
  const int64_t groups = k / f.group;
  std::vector<float> pa(static_cast<size_t>(m * groups)), pb(pa.size());
  auto fit = [&](int64_t r, int64_t g, const std::vector<double>& src, bool permuted) {
    std::vector<float> v;
    for (int64_t c = g * f.group; c < (g + 1) * f.group; ++c) {
      int64_t at = c;
      if (permuted) at = std::find(perm.begin(), perm.end(), c) - perm.begin();
      v.push_back(static_cast<float>(src[r * k + at]));
    }
    f.Fit(v, &pa[r * groups + g], &pb[r * groups + g]);
  };
  if (act_order) {
    for (int64_t r = 0; r < m; ++r) {
      for (int64_t g = 0; g < groups; ++g) fit(r, g, W, false);
    }
  }
  // Permute, damp, invert (Gauss-Jordan), then the upper Cholesky factor.
  std::vector<double> hp(h.size()), wp(W.size());
  for (int64_t a = 0; a < k; ++a) {
    for (int64_t b = 0; b < k; ++b) hp[a * k + b] = h[perm[a] * k + perm[b]];
  }
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t a = 0; a < k; ++a) wp[r * k + a] = W[r * k + perm[a]];
  }
  double mean = 0.0;
  for (int64_t j = 0; j < k; ++j) mean += hp[j * k + j];
  mean /= static_cast<double>(k);
  for (int64_t j = 0; j < k; ++j) hp[j * k + j] += damp * mean;
  std::vector<double> aug(static_cast<size_t>(k * 2 * k), 0.0);
  for (int64_t a = 0; a < k; ++a) {
    for (int64_t b = 0; b < k; ++b) aug[a * 2 * k + b] = hp[a * k + b];
    aug[a * 2 * k + k + a] = 1.0;
  }
  for (int64_t c = 0; c < k; ++c) {
    const double piv = aug[c * 2 * k + c];
    for (int64_t b = 0; b < 2 * k; ++b) aug[c * 2 * k + b] /= piv;
    for (int64_t a = 0; a < k; ++a) {
      if (a == c) continue;
      const double f2 = aug[a * 2 * k + c];
      for (int64_t b = 0; b < 2 * k; ++b) aug[a * 2 * k + b] -= f2 * aug[c * 2 * k + b];
    }
  }
  std::vector<double> inv(static_cast<size_t>(k * k)), u(static_cast<size_t>(k * k), 0.0);
  for (int64_t a = 0; a < k; ++a) {
    for (int64_t b = 0; b < k; ++b) inv[a * k + b] = aug[a * 2 * k + k + b];
  }
  // inv = U^T U: U_jj = sqrt(inv_jj - sum_{i<j} U_ij^2), U_jl = (inv_jl - sum_{i<j} U_ij U_il) / U_jj.
  for (int64_t j = 0; j < k; ++j) {
    double d = inv[j * k + j];
    for (int64_t i = 0; i < j; ++i) d -= u[i * k + j] * u[i * k + j];
    u[j * k + j] = std::sqrt(d);
    for (int64_t l2 = j + 1; l2 < k; ++l2) {
      double v = inv[j * k + l2];
      for (int64_t i = 0; i < j; ++i) v -= u[i * k + j] * u[i * k + l2];
      u[j * k + l2] = v / u[j * k + j];
    }
  }
  std::vector<int> codes(static_cast<size_t>(m * k));
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t j = 0; j < k; ++j) {
      const int64_t col = perm[j];
      const int64_t g = col / f.group;
      if (!act_order && col % f.group == 0) fit(r, g, wp, false);
      float value = 0.0f;
      codes[r * k + col] = f.Quantize(static_cast<float>(wp[r * k + j]), pa[r * groups + g], pb[r * groups + g], &value);
      const double e = (wp[r * k + j] - value) / u[j * k + j];
      for (int64_t l2 = j + 1; l2 < k; ++l2) wp[r * k + l2] -= e * u[j * k + l2];
    }
  }
  return codes;
}

// The codes of a Q4_1 tensor and of a 4-bit integer tensor, element order.
std::vector<int> Q4_1Codes(const axq_tensor_t* t) {
  const uint8_t* p = static_cast<const uint8_t*>(axq_tensor_data(t));
  std::vector<int> codes(static_cast<size_t>(axq_tensor_nelements(t)));
  for (size_t b = 0; b < codes.size() / 32; ++b) {
    const uint8_t* qs = p + b * 20 + 4;
    for (int j = 0; j < 16; ++j) {
      codes[b * 32 + j] = qs[j] & 0xF;
      codes[b * 32 + j + 16] = qs[j] >> 4;
    }
  }
  return codes;
}

std::vector<int> Int4Codes(const axq_int_tensor_t* q, int64_t n) {
  const uint8_t* c = nullptr;
  size_t size = 0;
  EXPECT_EQ(axq_int_tensor_codes(&c, &size, q), AXQ_OK);
  std::vector<int> codes(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) codes[i] = (c[i / 2] >> (4 * (i % 2))) & 0xF;
  return codes;
}

TEST(PtqGptq, MatchesFloat64ReferenceCodeForCode) {
  Layer l = MakeLayer(128, 64, 300, 17);
  // A dead input channel: never non-zero in the calibration data.
  for (int64_t r = 0; r < 300; ++r) l.calib[r * 128 + 9] = 0.0f;
  Stats st = Collect(l, 0, 64);
  Tensor w = MakeF32(l.w, l.k);
  for (bool act_order : {false, true}) {
    for (bool q4_1 : {true, false}) {
      SCOPED_TRACE(std::string(act_order ? "act-order " : "") + (q4_1 ? "q4_1" : "int4 affine g32"));
      RefFormat f;
      f.q4_1 = q4_1;
      const std::vector<int> want = ReferenceGptq(l.w, l.calib, l.k, f, act_order, 0.01);
      // Not vacuous: error feedback moves many codes away from plain rounding.
      int64_t moved = 0;
      for (int64_t r = 0; r < l.m; ++r) {
        for (int64_t g = 0; g < l.k / 32; ++g) {
          std::vector<float> v(l.w.begin() + r * l.k + g * 32, l.w.begin() + r * l.k + g * 32 + 32);
          if (g == 0) v[9] = 0.0f;  // GPTQ zeroes the dead column
          float a = 0.0f, b = 0.0f, value = 0.0f;
          f.Fit(v, &a, &b);
          for (int j = 0; j < 32; ++j) moved += f.Quantize(v[j], a, b, &value) != want[r * l.k + g * 32 + j];
        }
      }
      EXPECT_GT(moved, static_cast<int64_t>(want.size()) / 10) << "codes GPTQ changed against rounding";
      axq_gptq_options_t o;
      axq_gptq_options_init(&o);
      o.act_order = act_order ? 1 : 0;
      o.group_size = 32;
      o.block_size = 48;  // blocks that end inside groups are rounded up (or, with act-order, not)
      std::vector<int> got;
      if (q4_1) {
        axq_tensor_t* q = nullptr;
        ASSERT_EQ(axq_gptq_quantize(&q, w.get(), st.get(), &o), AXQ_OK) << axq_last_error();
        Tensor owned(q);
        got = Q4_1Codes(q);
      } else {
        axq_int_tensor_t* q = nullptr;
        ASSERT_EQ(axq_gptq_quantize_int(&q, w.get(), st.get(), &o), AXQ_OK) << axq_last_error();
        IntTensor owned(q);
        got = Int4Codes(q, l.k * l.m);
      }
      int64_t differ = 0;
      for (size_t i = 0; i < want.size(); ++i) differ += want[i] != got[i];
      EXPECT_EQ(differ, 0) << "of " << want.size() << " codes";
    }
  }
}

TEST(PtqGptq, SameBytesForAnyThreadCount) {
  const Layer l = MakeLayer(256, 96, 256, 19);
  Stats st = Collect(l, 0);
  Tensor w = MakeF32(l.w, l.k);
  std::vector<uint8_t> first;
  for (uint32_t threads : {1u, 2u, 3u}) {
    axq_gptq_options_t o;
    axq_gptq_options_init(&o);
    o.n_threads = threads;
    o.type = AXQ_TYPE_Q5_1;
    axq_tensor_t* q = nullptr;
    ASSERT_EQ(axq_gptq_quantize(&q, w.get(), st.get(), &o), AXQ_OK) << axq_last_error();
    Tensor owned(q);
    const uint8_t* p = static_cast<const uint8_t*>(axq_tensor_data(q));
    std::vector<uint8_t> bytes(p, p + axq_tensor_nbytes(q));
    if (first.empty()) first = bytes;
    EXPECT_EQ(bytes, first) << threads << " threads";
  }
}

// The statistics equal direct computation; the kept rows are the first
// max_samples, then a reservoir that depends on the rows alone.
TEST(PtqStats, ChannelStatisticsAndSamples) {
  const Layer l = MakeLayer(64, 8, 1000, 23);
  Stats a = Collect(l, 100, 37), b = Collect(l, 100, 1000);
  axq_act_stats_info_t info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(axq_act_stats_info(&info, a.get()), AXQ_OK);
  EXPECT_EQ(info.k, 64);
  EXPECT_EQ(info.rows, 1000);
  EXPECT_EQ(info.samples, 100);
  EXPECT_EQ(info.has_hessian, 1u);
  std::vector<float> amax(64), amean(64), bmax(64), bmean(64);
  ASSERT_EQ(axq_act_stats_absmax(amax.data(), 64, a.get()), AXQ_OK);
  ASSERT_EQ(axq_act_stats_absmean(amean.data(), 64, a.get()), AXQ_OK);
  ASSERT_EQ(axq_act_stats_absmax(bmax.data(), 64, b.get()), AXQ_OK);
  ASSERT_EQ(axq_act_stats_absmean(bmean.data(), 64, b.get()), AXQ_OK);
  for (int64_t j = 0; j < 64; ++j) {
    double mx = 0.0, sum = 0.0;
    for (int64_t r = 0; r < 1000; ++r) {
      mx = std::max(mx, std::fabs(static_cast<double>(l.calib[r * 64 + j])));
      sum += std::fabs(static_cast<double>(l.calib[r * 64 + j]));
    }
    EXPECT_EQ(amax[j], static_cast<float>(mx));
    EXPECT_EQ(bmax[j], amax[j]);
    EXPECT_NEAR(amean[j], sum / 1000.0, 1e-6 * sum / 1000.0);
    EXPECT_EQ(bmean[j], amean[j]);  // sums added row by row, whatever the batches
  }
  // AWQ on both (same kept rows) chooses the same scales.
  Tensor w = MakeF32(l.w, l.k);
  const axq_tensor_t* weights[] = {w.get()};
  std::vector<float> sa(64), sb(64);
  ASSERT_EQ(axq_awq_scales(sa.data(), 64, nullptr, weights, 1, a.get(), 0, nullptr), AXQ_OK) << axq_last_error();
  ASSERT_EQ(axq_awq_scales(sb.data(), 64, nullptr, weights, 1, b.get(), 0, nullptr), AXQ_OK) << axq_last_error();
  EXPECT_EQ(sa, sb);
}

// A calibration file gives the statistics that adding its rows gives.
TEST(PtqStats, CalibrationFile) {
  const Layer l = MakeLayer(128, 16, 300, 31);
  axq_model_t* model = nullptr;
  ASSERT_EQ(axq_model_create(&model), AXQ_OK);
  Tensor acts = MakeF32(l.calib, l.k);
  ASSERT_EQ(axq_model_add(model, "blk.0.attn_q.input", acts.get()), AXQ_OK) << axq_last_error();
  const std::string path = axq_test::ScratchPath("calib.gguf");
  ASSERT_EQ(axq_model_save(model, path.c_str()), AXQ_OK) << axq_last_error();
  axq_model_destroy(model);

  Stats direct = Collect(l, 64, 300);
  axq_act_stats_options_t o;
  axq_act_stats_options_init(&o);
  o.max_samples = 64;
  axq_act_stats_t* s = nullptr;
  ASSERT_EQ(axq_act_stats_create(&s, l.k, &o), AXQ_OK);
  Stats from_file(s);
  ASSERT_EQ(axq_act_stats_add_file(s, path.c_str(), "blk.0.attn_q.input"), AXQ_OK) << axq_last_error();
  axq_act_stats_info_t info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(axq_act_stats_info(&info, s), AXQ_OK);
  EXPECT_EQ(info.rows, 300);
  EXPECT_EQ(info.samples, 64);
  Tensor w = MakeF32(l.w, l.k);
  std::vector<std::vector<uint8_t>> bytes;
  for (axq_act_stats_t* st : {direct.get(), s}) {
    axq_tensor_t* q = nullptr;
    ASSERT_EQ(axq_gptq_quantize(&q, w.get(), st, nullptr), AXQ_OK) << axq_last_error();
    Tensor owned(q);
    const uint8_t* p = static_cast<const uint8_t*>(axq_tensor_data(q));
    bytes.emplace_back(p, p + axq_tensor_nbytes(q));
  }
  EXPECT_EQ(bytes[0], bytes[1]);

  ExpectFailure(axq_act_stats_add_file(s, (path + ".missing").c_str(), "blk.0.attn_q.input"), AXQ_ERR_IO,
                "missing file");
  ExpectFailure(axq_act_stats_add_file(s, path.c_str(), "blk.1.attn_q.input"), AXQ_ERR_INVALID_ARGUMENT,
                "missing tensor");
  ExpectFailure(axq_act_stats_add_file(s, path.c_str(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "NULL name");
  axq_act_stats_t* narrow = nullptr;
  ASSERT_EQ(axq_act_stats_create(&narrow, 64, nullptr), AXQ_OK);
  Stats narrow_owned(narrow);
  ExpectFailure(axq_act_stats_add_file(narrow, path.c_str(), "blk.0.attn_q.input"), AXQ_ERR_INVALID_ARGUMENT,
                "other width");
  ASSERT_EQ(axq_act_stats_info(&info, s), AXQ_OK);
  EXPECT_EQ(info.rows, 300) << "failed adds change nothing";
}

// SmoothQuant's factors by the formula, with its edge rules.
TEST(PtqSmoothQuant, FactorsFollowTheFormula) {
  const int64_t k = 4;
  // Channel 0 ordinary, 1 never active (floored at 1e-5), 2 unread by the
  // weights (factor 1), 3 large.
  const std::vector<float> x = {1.0f, 0.0f, 2.0f, 100.0f, -3.0f, 0.0f, 1.0f, -50.0f};
  const std::vector<float> wv = {0.5f, 0.25f, 0.0f, 0.01f, -2.0f, 0.125f, 0.0f, 0.02f};
  axq_act_stats_t* s = nullptr;
  ASSERT_EQ(axq_act_stats_create(&s, k, nullptr), AXQ_OK);
  Stats st(s);
  ASSERT_EQ(axq_act_stats_add(s, x.data(), 2, k), AXQ_OK);
  Tensor w = MakeF32(wv, k);
  const axq_tensor_t* weights[] = {w.get()};
  std::vector<float> f(k);
  ASSERT_EQ(axq_smoothquant_scales(f.data(), k, weights, 1, s, 0.5f), AXQ_OK) << axq_last_error();
  EXPECT_FLOAT_EQ(f[0], static_cast<float>(std::sqrt(3.0) / std::sqrt(2.0)));
  EXPECT_FLOAT_EQ(f[1], static_cast<float>(std::sqrt(1e-5) / std::sqrt(0.25)));
  EXPECT_EQ(f[2], 1.0f);
  EXPECT_FLOAT_EQ(f[3], static_cast<float>(std::sqrt(100.0) / std::sqrt(static_cast<double>(0.02f))));
  ASSERT_EQ(axq_smoothquant_scales(f.data(), k, weights, 1, s, 1.0f), AXQ_OK);
  EXPECT_FLOAT_EQ(f[0], 3.0f);
  ASSERT_EQ(axq_smoothquant_scales(f.data(), k, weights, 1, s, 0.0f), AXQ_OK);
  EXPECT_FLOAT_EQ(f[0], 0.5f);  // 1 / max|W_0| = 1 / 2
}

// ---------------------------------------------------------------------------
// The C contract.

TEST(PtqContract, ActStatsArguments) {
  axq_act_stats_t* s = reinterpret_cast<axq_act_stats_t*>(1);
  ExpectFailure(axq_act_stats_create(nullptr, 8, nullptr), AXQ_ERR_INVALID_ARGUMENT, "NULL out");
  ExpectFailure(axq_act_stats_create(&s, 0, nullptr), AXQ_ERR_INVALID_ARGUMENT, "k 0");
  EXPECT_EQ(s, nullptr);
  ExpectFailure(axq_act_stats_create(&s, 20000, nullptr), AXQ_ERR_INVALID_ARGUMENT, "Hessian too large");
  axq_act_stats_options_t o;
  axq_act_stats_options_init(&o);
  o.hessian = 0;
  ASSERT_EQ(axq_act_stats_create(&s, 20000, &o), AXQ_OK) << "no Hessian: large k is fine";
  axq_act_stats_destroy(s);
  o.struct_size = 3;
  ExpectFailure(axq_act_stats_create(&s, 8, &o), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  o = axq_act_stats_options_t{};
  axq_act_stats_options_init(&o);
  o.hessian = 2;
  ExpectFailure(axq_act_stats_create(&s, 8, &o), AXQ_ERR_INVALID_ARGUMENT, "hessian 2");
  ASSERT_EQ(axq_act_stats_create(&s, 8, nullptr), AXQ_OK);
  Stats st(s);
  std::vector<float> x(16, 1.0f);
  ExpectFailure(axq_act_stats_add(nullptr, x.data(), 2, 8), AXQ_ERR_INVALID_ARGUMENT, "NULL stats");
  ExpectFailure(axq_act_stats_add(s, nullptr, 2, 8), AXQ_ERR_INVALID_ARGUMENT, "NULL x");
  ExpectFailure(axq_act_stats_add(s, x.data(), 0, 8), AXQ_ERR_INVALID_ARGUMENT, "0 rows");
  ExpectFailure(axq_act_stats_add(s, x.data(), 2, 7), AXQ_ERR_INVALID_ARGUMENT, "wrong k");
  x[11] = std::nanf("");
  ExpectFailure(axq_act_stats_add(s, x.data(), 2, 8), AXQ_ERR_NON_FINITE, "NaN");
  EXPECT_NE(std::string(axq_last_error()).find("x[11]"), std::string::npos) << axq_last_error();
  x[11] = INFINITY;
  ExpectFailure(axq_act_stats_add(s, x.data(), 2, 8), AXQ_ERR_NON_FINITE, "Inf");
  axq_act_stats_info_t info;
  info.struct_size = sizeof(info);
  ASSERT_EQ(axq_act_stats_info(&info, s), AXQ_OK);
  EXPECT_EQ(info.rows, 0) << "a failed add changes nothing";
  std::vector<float> dst(8);
  ExpectFailure(axq_act_stats_absmax(dst.data(), 9, s), AXQ_ERR_INVALID_ARGUMENT, "absmax k");
  ExpectFailure(axq_act_stats_absmean(nullptr, 8, s), AXQ_ERR_INVALID_ARGUMENT, "absmean NULL");
  ExpectFailure(axq_act_stats_info(nullptr, s), AXQ_ERR_INVALID_ARGUMENT, "info NULL");
  axq_act_stats_destroy(nullptr);
}

TEST(PtqContract, AlgorithmArguments) {
  const Layer l = MakeLayer(64, 4, 40, 29);
  Stats st = Collect(l, 16);
  Tensor w = MakeF32(l.w, l.k);
  const axq_tensor_t* weights[] = {w.get()};
  std::vector<float> s(64, 1.0f);
  axq_tensor_t* q = reinterpret_cast<axq_tensor_t*>(1);
  axq_int_tensor_t* qi = reinterpret_cast<axq_int_tensor_t*>(1);

  // GPTQ.
  ExpectFailure(axq_gptq_quantize(nullptr, w.get(), st.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "NULL out");
  ExpectFailure(axq_gptq_quantize(&q, nullptr, st.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "NULL w");
  EXPECT_EQ(q, nullptr);
  ExpectFailure(axq_gptq_quantize(&q, w.get(), nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT, "NULL stats");
  axq_gptq_options_t g;
  axq_gptq_options_init(&g);
  g.type = AXQ_TYPE_Q4_K;
  ExpectFailure(axq_gptq_quantize(&q, w.get(), st.get(), &g), AXQ_ERR_UNSUPPORTED, "K-quant");
  g.type = 12345;
  ExpectFailure(axq_gptq_quantize(&q, w.get(), st.get(), &g), AXQ_ERR_UNSUPPORTED, "unknown type");
  axq_gptq_options_init(&g);
  g.damp = 0.0f;
  ExpectFailure(axq_gptq_quantize(&q, w.get(), st.get(), &g), AXQ_ERR_INVALID_ARGUMENT, "damp 0");
  g.damp = NAN;
  ExpectFailure(axq_gptq_quantize(&q, w.get(), st.get(), &g), AXQ_ERR_INVALID_ARGUMENT, "damp NaN");
  axq_gptq_options_init(&g);
  g.block_size = 0;
  ExpectFailure(axq_gptq_quantize(&q, w.get(), st.get(), &g), AXQ_ERR_INVALID_ARGUMENT, "block 0");
  axq_gptq_options_init(&g);
  g.act_order = 2;
  ExpectFailure(axq_gptq_quantize(&q, w.get(), st.get(), &g), AXQ_ERR_INVALID_ARGUMENT, "act_order 2");
  axq_gptq_options_init(&g);
  g.bits = 9;
  ExpectFailure(axq_gptq_quantize_int(&qi, w.get(), st.get(), &g), AXQ_ERR_INVALID_ARGUMENT, "bits 9");
  EXPECT_EQ(qi, nullptr);
  g.bits = 1;
  ExpectFailure(axq_gptq_quantize_int(&qi, w.get(), st.get(), &g), AXQ_ERR_INVALID_ARGUMENT, "bits 1");
  axq_gptq_options_init(&g);
  g.group_size = 48;
  ExpectFailure(axq_gptq_quantize_int(&qi, w.get(), st.get(), &g), AXQ_ERR_INVALID_ARGUMENT, "group 48 of 64");
  g.group_size = 0;
  ExpectFailure(axq_gptq_quantize_int(&qi, w.get(), st.get(), &g), AXQ_ERR_INVALID_ARGUMENT, "group 0");
  axq_gptq_options_init(&g);
  g.scheme = AXQ_INT_POWER_OF_TWO;
  ExpectFailure(axq_gptq_quantize_int(&qi, w.get(), st.get(), &g), AXQ_ERR_UNSUPPORTED, "power of two");
  g.scheme = 7;
  ExpectFailure(axq_gptq_quantize_int(&qi, w.get(), st.get(), &g), AXQ_ERR_INVALID_ARGUMENT, "scheme 7");

  // Weights: wrong type, NaN, wrong width, rows the block does not divide.
  axq_tensor_t* w16 = nullptr;
  ASSERT_EQ(axq_quantize(&w16, w.get(), AXQ_TYPE_F16, nullptr), AXQ_OK);
  Tensor w16_owned(w16);
  ExpectFailure(axq_gptq_quantize(&q, w16, st.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "F16 weight");
  std::vector<float> bad = l.w;
  bad[70] = std::nanf("");
  Tensor wnan = MakeF32(bad, 64);
  ExpectFailure(axq_gptq_quantize(&q, wnan.get(), st.get(), nullptr), AXQ_ERR_NON_FINITE, "NaN weight");
  Tensor wide = MakeF32(std::vector<float>(96 * 2, 0.5f), 96);
  ExpectFailure(axq_gptq_quantize(&q, wide.get(), st.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "k mismatch");
  axq_act_stats_t* s48 = nullptr;
  ASSERT_EQ(axq_act_stats_create(&s48, 48, nullptr), AXQ_OK);
  Stats st48(s48);
  Tensor w48 = MakeF32(std::vector<float>(48 * 2, 0.5f), 48);
  std::vector<float> x48(48, 1.0f);
  ExpectFailure(axq_gptq_quantize(&q, w48.get(), s48, nullptr), AXQ_ERR_INVALID_ARGUMENT, "no rows");
  ASSERT_EQ(axq_act_stats_add(s48, x48.data(), 1, 48), AXQ_OK);
  ExpectFailure(axq_gptq_quantize(&q, w48.get(), s48, nullptr), AXQ_ERR_INVALID_ARGUMENT, "48 % 32");
  axq_act_stats_options_t so;
  axq_act_stats_options_init(&so);
  so.hessian = 0;
  so.max_samples = 0;
  axq_act_stats_t* bare = nullptr;
  ASSERT_EQ(axq_act_stats_create(&bare, 64, &so), AXQ_OK);
  Stats bare_owned(bare);
  ASSERT_EQ(axq_act_stats_add(bare, l.calib.data(), 4, 64), AXQ_OK);
  ExpectFailure(axq_gptq_quantize(&q, w.get(), bare, nullptr), AXQ_ERR_INVALID_ARGUMENT, "no Hessian");

  // AWQ.
  ExpectFailure(axq_awq_scales(nullptr, 64, nullptr, weights, 1, st.get(), 0, nullptr), AXQ_ERR_INVALID_ARGUMENT,
                "NULL s");
  ExpectFailure(axq_awq_scales(s.data(), 64, nullptr, nullptr, 1, st.get(), 0, nullptr), AXQ_ERR_INVALID_ARGUMENT,
                "NULL weights");
  ExpectFailure(axq_awq_scales(s.data(), 64, nullptr, weights, 0, st.get(), 0, nullptr), AXQ_ERR_INVALID_ARGUMENT,
                "0 weights");
  ExpectFailure(axq_awq_scales(s.data(), 63, nullptr, weights, 1, st.get(), 0, nullptr), AXQ_ERR_INVALID_ARGUMENT,
                "k mismatch");
  ExpectFailure(axq_awq_scales(s.data(), 64, nullptr, weights, 1, st.get(), 2, nullptr), AXQ_ERR_INVALID_ARGUMENT,
                "int_format 2");
  ExpectFailure(axq_awq_scales(s.data(), 64, nullptr, weights, 1, bare, 0, nullptr), AXQ_ERR_INVALID_ARGUMENT,
                "no samples");
  axq_awq_options_t a;
  axq_awq_options_init(&a);
  a.grid = 0;
  ExpectFailure(axq_awq_scales(s.data(), 64, nullptr, weights, 1, st.get(), 0, &a), AXQ_ERR_INVALID_ARGUMENT,
                "grid 0");
  axq_awq_options_init(&a);
  a.clip_search = 3;
  ExpectFailure(axq_awq_quantize(&q, w.get(), s.data(), 64, st.get(), &a), AXQ_ERR_INVALID_ARGUMENT, "clip 3");
  s[5] = 0.0f;
  ExpectFailure(axq_awq_quantize(&q, w.get(), s.data(), 64, st.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "s 0");
  s[5] = INFINITY;
  ExpectFailure(axq_awq_quantize_int(&qi, w.get(), s.data(), 64, st.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT,
                "s inf");
  s[5] = 1.0f;
  ExpectFailure(axq_awq_quantize(&q, w.get(), nullptr, 64, st.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "NULL s");
  ExpectFailure(axq_awq_quantize(&q, w.get(), s.data(), 64, bare, nullptr), AXQ_ERR_INVALID_ARGUMENT,
                "clip search without samples");
  a.clip_search = 0;
  ASSERT_EQ(axq_awq_quantize(&q, w.get(), s.data(), 64, bare, &a), AXQ_OK) << "no search needs no samples";
  axq_tensor_destroy(q);

  // SmoothQuant and column scaling.
  ExpectFailure(axq_smoothquant_scales(s.data(), 64, weights, 1, st.get(), 1.5f), AXQ_ERR_INVALID_ARGUMENT,
                "alpha 1.5");
  ExpectFailure(axq_smoothquant_scales(s.data(), 64, weights, 1, st.get(), NAN), AXQ_ERR_INVALID_ARGUMENT, "alpha NaN");
  ExpectFailure(axq_smoothquant_scales(s.data(), 64, weights, 1, nullptr, 0.5f), AXQ_ERR_INVALID_ARGUMENT,
                "NULL stats");
  ExpectFailure(axq_smoothquant_scales(s.data(), 64, weights, 1, s48, 0.5f), AXQ_ERR_INVALID_ARGUMENT, "k mismatch");
  ExpectFailure(axq_scale_columns(&q, w.get(), s.data(), 64, 2), AXQ_ERR_INVALID_ARGUMENT, "divide 2");
  ExpectFailure(axq_scale_columns(&q, w.get(), s.data(), 32, 0), AXQ_ERR_INVALID_ARGUMENT, "k 32");
  ExpectFailure(axq_scale_columns(nullptr, w.get(), s.data(), 64, 0), AXQ_ERR_INVALID_ARGUMENT, "NULL out");
}

}  // namespace
