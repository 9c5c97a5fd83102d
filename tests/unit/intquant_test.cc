// Black-box tests of axq/intquant.h: exact codes for hand-computed cases of
// every scheme and bit width (packed nibbles included), parameters and their
// shapes for every granularity, error bounds, granularity ordering, fake
// quantization and STE masks, and every bad argument.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

// ---------------------------------------------------------------------------
// Helpers

struct TensorDeleter {
  void operator()(axq_tensor_t* t) const { axq_tensor_destroy(t); }
};
struct IntTensorDeleter {
  void operator()(axq_int_tensor_t* q) const { axq_int_tensor_destroy(q); }
};
using Tensor = std::unique_ptr<axq_tensor_t, TensorDeleter>;
using IntTensor = std::unique_ptr<axq_int_tensor_t, IntTensorDeleter>;

Tensor MakeTensor(const std::vector<float>& data, std::vector<int64_t> dims) {
  axq_tensor_t* t = nullptr;
  EXPECT_EQ(AXQ_OK, axq_tensor_from_f32(&t, data.data(), static_cast<int>(dims.size()), dims.data()))
      << axq_last_error();
  return Tensor(t);
}

axq_int_options_t Options(uint32_t bits, axq_int_scheme scheme, axq_granularity granularity = AXQ_PER_TENSOR,
                          int32_t axis = 1, int64_t group_size = 32) {
  axq_int_options_t o;
  EXPECT_EQ(AXQ_OK, axq_int_options_init(&o));
  o.bits = bits;
  o.scheme = scheme;
  o.granularity = granularity;
  o.axis = axis;
  o.group_size = group_size;
  return o;
}

IntTensor Quantize(const axq_tensor_t* src, const axq_int_options_t& o) {
  axq_int_tensor_t* q = nullptr;
  EXPECT_EQ(AXQ_OK, axq_int_quantize(&q, src, &o)) << axq_last_error();
  return IntTensor(q);
}

std::vector<uint8_t> Codes(const axq_int_tensor_t* q) {
  const uint8_t* codes = nullptr;
  size_t size = 0;
  EXPECT_EQ(AXQ_OK, axq_int_tensor_codes(&codes, &size, q));
  return std::vector<uint8_t>(codes, codes + size);
}

std::vector<float> Floats(const axq_tensor_t* t) {
  const float* p = static_cast<const float*>(axq_tensor_data(t));
  return std::vector<float>(p, p + axq_tensor_nelements(t));
}

std::vector<int64_t> Dims(const axq_tensor_t* t) {
  std::vector<int64_t> d;
  for (int i = 0; i < axq_tensor_ndim(t); ++i) d.push_back(axq_tensor_dim(t, i));
  return d;
}

struct Params {
  std::vector<float> scales, zero_points;
  std::vector<int64_t> dims;
};

Params GetParams(const axq_int_tensor_t* q) {
  axq_tensor_t* s = nullptr;
  axq_tensor_t* z = nullptr;
  EXPECT_EQ(AXQ_OK, axq_int_tensor_params(&s, &z, q)) << axq_last_error();
  Tensor st(s), zt(z);
  Params p;
  p.scales = Floats(s);
  p.zero_points = Floats(z);
  p.dims = Dims(s);
  EXPECT_EQ(p.dims, Dims(z));
  return p;
}

std::vector<float> Dequantize(const axq_int_tensor_t* q) {
  axq_tensor_t* y = nullptr;
  EXPECT_EQ(AXQ_OK, axq_int_dequantize(&y, q, nullptr)) << axq_last_error();
  Tensor yt(y);
  return Floats(y);
}

axq_int_tensor_info_t Info(const axq_int_tensor_t* q) {
  axq_int_tensor_info_t info{};
  info.struct_size = sizeof(info);
  EXPECT_EQ(AXQ_OK, axq_int_tensor_info(&info, q));
  return info;
}

uint32_t Bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// Gaussian rows whose standard deviation grows 30x from the first row to
// the last: per-channel (rows) and per-group parameters should beat one
// tensor-wide scale.
std::vector<float> ChannelVarianceData(int64_t row_len, int64_t rows, uint64_t seed) {
  axq_test::Rng rng(seed);
  std::vector<float> x(static_cast<size_t>(row_len * rows));
  for (int64_t r = 0; r < rows; ++r) {
    const float sigma = 0.1f * (1.0f + 29.0f * static_cast<float>(r) / static_cast<float>(rows - 1));
    for (int64_t j = 0; j < row_len; ++j) x[static_cast<size_t>(r * row_len + j)] = sigma * rng.Gaussian();
  }
  return x;
}

double Mse(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
  return sum / static_cast<double>(a.size());
}

// Expects `status` with a non-empty message that contains `needle`.
void ExpectFailure(axq_status got, axq_status want, const std::string& needle = "") {
  EXPECT_EQ(got, want);
  const std::string message = axq_last_error();
  EXPECT_FALSE(message.empty());
  if (!needle.empty()) {
    EXPECT_NE(message.find(needle), std::string::npos) << message;
  }
}

// ---------------------------------------------------------------------------
// Exact codes

TEST(IntQuant, OptionsDefaults) {
  axq_int_options_t o;
  std::memset(&o, 0xCC, sizeof(o));
  ASSERT_EQ(AXQ_OK, axq_int_options_init(&o));
  EXPECT_EQ(o.struct_size, sizeof(o));
  EXPECT_EQ(o.bits, 8u);
  EXPECT_EQ(o.scheme, AXQ_INT_SYMMETRIC);
  EXPECT_EQ(o.granularity, AXQ_PER_TENSOR);
  EXPECT_EQ(o.axis, 1);
  EXPECT_EQ(o.n_threads, 0u);
  EXPECT_EQ(o.group_size, 32);
  axq_fake_quant_params_t p;
  ASSERT_EQ(AXQ_OK, axq_fake_quant_params_init(&p));
  EXPECT_EQ(p.bits, 8u);
  EXPECT_EQ(p.scheme, AXQ_INT_SYMMETRIC);
  EXPECT_EQ(p.ste, AXQ_STE_CLAMPED);
  EXPECT_EQ(p.scale, 1.0f);
  EXPECT_EQ(p.zero_point, 0);
}

TEST(IntQuant, Int8SymmetricRoundsHalfToEven) {
  // absmax 127 -> scale 1 exactly, so the codes are round(x).
  Tensor t = MakeTensor({127, -127, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 3.49f, 0.49999997f, -126.5f}, {10});
  IntTensor q = Quantize(t.get(), Options(8, AXQ_INT_SYMMETRIC));
  EXPECT_EQ(Codes(q.get()),
            (std::vector<uint8_t>{0x7F, 0x81, 0x00, 0x02, 0x02, 0x00, 0xFE, 0x03, 0x00, 0x82}));
  const Params p = GetParams(q.get());
  EXPECT_EQ(p.scales, std::vector<float>{1.0f});
  EXPECT_EQ(p.zero_points, std::vector<float>{0.0f});
  EXPECT_EQ(p.dims, std::vector<int64_t>{1});
  EXPECT_EQ(Dequantize(q.get()), (std::vector<float>{127, -127, 0, 2, 2, 0, -2, 3, 0, -126}));
}

TEST(IntQuant, Int8SymmetricScaleIsAbsmaxOver127) {
  Tensor t = MakeTensor({0.1f, -2.54f, 1.0f, 0.01f}, {4});
  IntTensor q = Quantize(t.get(), Options(8, AXQ_INT_SYMMETRIC));
  const float s = 2.54f / 127.0f;
  EXPECT_EQ(GetParams(q.get()).scales, std::vector<float>{s});
  std::vector<uint8_t> want;
  for (float x : {0.1f, -2.54f, 1.0f, 0.01f}) {
    want.push_back(static_cast<uint8_t>(static_cast<int8_t>(std::nearbyint(x / s))));
  }
  EXPECT_EQ(Codes(q.get()), want);
  EXPECT_EQ(want[1], 0x81);  // -127, never -128
}

TEST(IntQuant, Int4SymmetricPacksLowNibbleFirst) {
  // qmax 7, absmax 7 -> scale 1: codes 7 -7 0 2 -2 3 -1 6.
  Tensor t = MakeTensor({7, -7, 0.5f, 1.5f, -2.5f, 3, -1, 6.5f}, {8});
  IntTensor q = Quantize(t.get(), Options(4, AXQ_INT_SYMMETRIC));
  // Element 2i in bits 3..0, 2i+1 in bits 7..4, two's complement nibbles.
  EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{0x97, 0x20, 0x3E, 0x6F}));
  EXPECT_EQ(Dequantize(q.get()), (std::vector<float>{7, -7, 0, 2, -2, 3, -1, 6}));
  const axq_int_tensor_info_t info = Info(q.get());
  EXPECT_EQ(info.code_bytes, 4u);
  EXPECT_EQ(info.param_bytes, 4u);
  EXPECT_DOUBLE_EQ(info.bits_per_weight, 8.0 * (4 + 4) / 8);
}

TEST(IntQuant, OddRowsEndWithAZeroHighNibble) {
  Tensor t = MakeTensor({7, -7, 1, 0, 2, -3}, {3, 2});
  IntTensor q = Quantize(t.get(), Options(4, AXQ_INT_SYMMETRIC));
  // Each row starts on a byte: row 0 = 0x97 0x01, row 1 = 0x20 0x0D.
  EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{0x97, 0x01, 0x20, 0x0D}));
  EXPECT_EQ(Dequantize(q.get()), (std::vector<float>{7, -7, 1, 0, 2, -3}));
}

TEST(IntQuant, Int2AndInt3SymmetricUseNibbles) {
  Tensor t2 = MakeTensor({1, -1, 0.4f, -0.6f, 0.5f}, {5});
  IntTensor q2 = Quantize(t2.get(), Options(2, AXQ_INT_SYMMETRIC));  // qmax 1, scale 1
  EXPECT_EQ(Codes(q2.get()), (std::vector<uint8_t>{0xF1, 0xF0, 0x00}));
  EXPECT_EQ(Dequantize(q2.get()), (std::vector<float>{1, -1, 0, -1, 0}));

  Tensor t3 = MakeTensor({-6, 3, 1, -2.9f}, {4});
  IntTensor q3 = Quantize(t3.get(), Options(3, AXQ_INT_SYMMETRIC));  // qmax 3, scale 2
  EXPECT_EQ(GetParams(q3.get()).scales, std::vector<float>{2.0f});
  // codes -3 (0xD), round(1.5) = 2, round(0.5) = 0, round(-1.45) = -1 (0xF)
  EXPECT_EQ(Codes(q3.get()), (std::vector<uint8_t>{0x2D, 0xF0}));
}

TEST(IntQuant, Uint4AffineCodesAndZeroPoint) {
  // [lo, hi] = [-1, 14]: scale 15/15 = 1, zp = 1, codes round(x) + 1.
  Tensor t = MakeTensor({-1, 0, 2, 14}, {4});
  IntTensor q = Quantize(t.get(), Options(4, AXQ_INT_AFFINE));
  EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{0x10, 0xF3}));
  const Params p = GetParams(q.get());
  EXPECT_EQ(p.scales, std::vector<float>{1.0f});
  EXPECT_EQ(p.zero_points, std::vector<float>{1.0f});
  EXPECT_EQ(Dequantize(q.get()), (std::vector<float>{-1, 0, 2, 14}));
  const axq_int_tensor_info_t info = Info(q.get());
  EXPECT_EQ(info.param_bytes, 8u);  // scale and zero point
  EXPECT_DOUBLE_EQ(info.bits_per_weight, 8.0 * (2 + 8) / 4);
}

TEST(IntQuant, AffineZeroPointRoundsHalfToEvenAndCodesClamp) {
  // scale 1, zp = round(1.5) = 2; -1.5 -> -2 + 2 = 0; 13.5 -> 14 + 2 = 16 -> 15.
  Tensor t = MakeTensor({-1.5f, 13.5f}, {2});
  IntTensor q = Quantize(t.get(), Options(4, AXQ_INT_AFFINE));
  EXPECT_EQ(GetParams(q.get()).zero_points, std::vector<float>{2.0f});
  EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{0xF0}));
  // (0 - 2) * 1 and (15 - 2) * 1: both within scale / 2 of x.
  EXPECT_EQ(Dequantize(q.get()), (std::vector<float>{-2, 13}));
}

TEST(IntQuant, Uint8AffineKeepsCodesAbove127) {
  // scale 255/255 = 1, zp 10: codes 0, 255, 210 stay unsigned bytes.
  Tensor t = MakeTensor({-10, 245, 200}, {3});
  IntTensor q = Quantize(t.get(), Options(8, AXQ_INT_AFFINE));
  EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{0, 255, 210}));
  EXPECT_EQ(GetParams(q.get()).zero_points, std::vector<float>{10.0f});
  EXPECT_EQ(Dequantize(q.get()), (std::vector<float>{-10, 245, 200}));
}

TEST(IntQuant, AffineRangeAlwaysHoldsZero) {
  // All positive: lo = 0, hi = 4, 2 bits: scale = 4/3 (f64, rounded once), zp 0.
  Tensor t = MakeTensor({2, 4}, {2});
  IntTensor q = Quantize(t.get(), Options(2, AXQ_INT_AFFINE));
  const float s = static_cast<float>(4.0 / 3.0);
  const Params p = GetParams(q.get());
  EXPECT_EQ(p.scales, std::vector<float>{s});
  EXPECT_EQ(p.zero_points, std::vector<float>{0.0f});
  // round(1.5) = 2, round(3) = 3.
  EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{0x32}));
  // All negative: hi = 0, so zp = 2^b - 1 and x = 0 maps to it exactly.
  Tensor n = MakeTensor({-3, -1.5f, 0}, {3});
  IntTensor qn = Quantize(n.get(), Options(2, AXQ_INT_AFFINE));
  EXPECT_EQ(GetParams(qn.get()).scales, std::vector<float>{1.0f});
  EXPECT_EQ(GetParams(qn.get()).zero_points, std::vector<float>{3.0f});
  // codes round(-3) + 3 = 0, round(-1.5) + 3 = -2 + 3 = 1, 0 + 3 = 3.
  EXPECT_EQ(Codes(qn.get()), (std::vector<uint8_t>{0x10, 0x03}));
}

TEST(IntQuant, PowerOfTwoRoundsTheScaleUp) {
  // absmax 1: 1/127 = 0.00787 -> 2^-6 (2^-7 = 0.0078125 is too small).
  Tensor t = MakeTensor({1.0f, -0.3f}, {2});
  IntTensor q = Quantize(t.get(), Options(8, AXQ_INT_POWER_OF_TWO));
  EXPECT_EQ(GetParams(q.get()).scales, std::vector<float>{0.015625f});
  EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{0x40, 0xED}));  // 64, round(-19.2) = -19
  // absmax / qmax already a power of two: kept.
  Tensor e = MakeTensor({63.5f, 1.0f}, {2});
  IntTensor qe = Quantize(e.get(), Options(8, AXQ_INT_POWER_OF_TWO));
  EXPECT_EQ(GetParams(qe.get()).scales, std::vector<float>{0.5f});
  EXPECT_EQ(Codes(qe.get()), (std::vector<uint8_t>{127, 2}));
  // 4 bits: absmax 10 -> 10/7 = 1.43 -> 2; codes round(5) = 5, round(-0.5) = 0.
  Tensor f = MakeTensor({10, -1}, {2});
  IntTensor qf = Quantize(f.get(), Options(4, AXQ_INT_POWER_OF_TWO));
  EXPECT_EQ(GetParams(qf.get()).scales, std::vector<float>{2.0f});
  EXPECT_EQ(Codes(qf.get()), (std::vector<uint8_t>{0x05}));
}

TEST(IntQuant, AllZeroSetsGetScaleOne) {
  for (axq_int_scheme scheme : {AXQ_INT_SYMMETRIC, AXQ_INT_AFFINE, AXQ_INT_POWER_OF_TWO}) {
    Tensor t = MakeTensor({0, 0, -0.0f}, {3});
    IntTensor q = Quantize(t.get(), Options(4, scheme));
    const Params p = GetParams(q.get());
    EXPECT_EQ(p.scales, std::vector<float>{1.0f});
    EXPECT_EQ(p.zero_points, std::vector<float>{0.0f});
    EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{0, 0}));
    for (float y : Dequantize(q.get())) EXPECT_EQ(Bits(y), 0u);  // +0, never NaN
  }
}

TEST(IntQuant, TinyAndHugeValuesStayFinite) {
  // absmax / 127 underflows to 0: the scale becomes 2^-149 and the codes +-1.
  const float tiny = std::nextafter(0.0f, 1.0f);
  Tensor t = MakeTensor({tiny, -tiny, 0}, {3});
  IntTensor q = Quantize(t.get(), Options(8, AXQ_INT_SYMMETRIC));
  EXPECT_EQ(GetParams(q.get()).scales, std::vector<float>{tiny});
  EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{1, 0xFF, 0}));
  EXPECT_EQ(Dequantize(q.get()), (std::vector<float>{tiny, -tiny, 0}));
  // Near FLT_MAX: the power-of-two scale 2^122 gives code 64 and 64 * 2^122
  // overflows, so x' saturates at FLT_MAX; every scheme stays finite and
  // within half a scale.
  Tensor h = MakeTensor({FLT_MAX, -FLT_MAX, 1}, {3});
  for (axq_int_scheme scheme : {AXQ_INT_SYMMETRIC, AXQ_INT_AFFINE, AXQ_INT_POWER_OF_TWO}) {
    IntTensor qh = Quantize(h.get(), Options(8, scheme));
    const std::vector<float> y = Dequantize(qh.get());
    const double s = GetParams(qh.get()).scales[0];
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_TRUE(std::isfinite(y[i]));
      EXPECT_LE(std::fabs(static_cast<double>(y[i]) - (i == 0 ? FLT_MAX : -FLT_MAX)), s * 0.5001);
    }
    if (scheme == AXQ_INT_POWER_OF_TWO) {
      EXPECT_EQ(s, std::ldexp(1.0, 122));
      EXPECT_EQ(y[0], FLT_MAX);
      EXPECT_EQ(y[1], -FLT_MAX);
    }
  }
}

TEST(IntQuant, SymmetricCodesNeverUseTheLowestValue) {
  std::vector<float> x = ChannelVarianceData(64, 8, 3);
  Tensor t = MakeTensor(x, {64, 8});
  for (uint32_t bits = 2; bits <= 8; ++bits) {
    for (axq_int_scheme scheme : {AXQ_INT_SYMMETRIC, AXQ_INT_POWER_OF_TWO}) {
      IntTensor q = Quantize(t.get(), Options(bits, scheme, AXQ_PER_GROUP, 1, 8));
      for (uint8_t b : Codes(q.get())) {
        if (bits <= 4) {
          EXPECT_NE(b & 0xF, 8) << bits;
          EXPECT_NE(b >> 4, 8) << bits;
        } else {
          EXPECT_NE(b, 0x80) << bits;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Granularity

TEST(IntQuant, PerChannelAlongEveryAxis) {
  const std::vector<int64_t> dims = {5, 3, 2};  // 30 elements
  std::vector<float> x(30);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((static_cast<int>(i) * 7) % 11) - 4.5f;
  Tensor t = MakeTensor(x, dims);
  for (int32_t axis = 0; axis < 3; ++axis) {
    SCOPED_TRACE(axis);
    IntTensor q = Quantize(t.get(), Options(8, AXQ_INT_SYMMETRIC, AXQ_PER_CHANNEL, axis));
    const Params p = GetParams(q.get());
    EXPECT_EQ(p.dims, std::vector<int64_t>{dims[static_cast<size_t>(axis)]});
    // The channel of element (i0, i1, i2) is its index along `axis`.
    std::vector<float> absmax(static_cast<size_t>(dims[static_cast<size_t>(axis)]), 0.0f);
    std::vector<int> channel_of(30);
    for (int i2 = 0; i2 < 2; ++i2) {
      for (int i1 = 0; i1 < 3; ++i1) {
        for (int i0 = 0; i0 < 5; ++i0) {
          const int flat = i0 + 5 * (i1 + 3 * i2);
          const int c = axis == 0 ? i0 : axis == 1 ? i1 : i2;
          channel_of[static_cast<size_t>(flat)] = c;
          absmax[static_cast<size_t>(c)] = std::max(absmax[static_cast<size_t>(c)], std::fabs(x[static_cast<size_t>(flat)]));
        }
      }
    }
    std::vector<float> want_scales;
    for (float a : absmax) want_scales.push_back(a / 127.0f);
    EXPECT_EQ(p.scales, want_scales);
    const std::vector<uint8_t> codes = Codes(q.get());
    for (size_t i = 0; i < x.size(); ++i) {
      const float s = want_scales[static_cast<size_t>(channel_of[i])];
      EXPECT_EQ(codes[i], static_cast<uint8_t>(static_cast<int8_t>(std::nearbyint(x[i] / s)))) << i;
    }
    EXPECT_EQ(Info(q.get()).axis, axis);
  }
}

TEST(IntQuant, PerChannelOfFourDimensions) {
  const int64_t d[4] = {3, 2, 4, 5};  // 120 elements
  std::vector<float> x(120);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.7f * static_cast<float>(i)) * static_cast<float>(1 + i % 9);
  Tensor t = MakeTensor(x, {d[0], d[1], d[2], d[3]});
  for (int32_t axis : {2, 3}) {
    IntTensor q = Quantize(t.get(), Options(6, AXQ_INT_AFFINE, AXQ_PER_CHANNEL, axis));
    const Params p = GetParams(q.get());
    ASSERT_EQ(p.dims, std::vector<int64_t>{d[axis]});
    std::vector<float> lo(static_cast<size_t>(d[axis]), 0.0f), hi(lo);
    for (size_t i = 0; i < x.size(); ++i) {
      const int64_t index[4] = {static_cast<int64_t>(i) % 3, static_cast<int64_t>(i) / 3 % 2,
                                static_cast<int64_t>(i) / 6 % 4, static_cast<int64_t>(i) / 24};
      const size_t c = static_cast<size_t>(index[axis]);
      lo[c] = std::min(lo[c], x[i]);
      hi[c] = std::max(hi[c], x[i]);
    }
    for (size_t c = 0; c < lo.size(); ++c) {
      EXPECT_EQ(p.scales[c], static_cast<float>((static_cast<double>(hi[c]) - lo[c]) / 63.0)) << axis << " " << c;
    }
  }
}

TEST(IntQuant, PerGroupParametersAndShape) {
  const int64_t row_len = 12, rows = 3, g = 4;
  std::vector<float> x(static_cast<size_t>(row_len * rows));
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i)) * static_cast<float>(1 + i / 4);
  Tensor t = MakeTensor(x, {row_len, rows});
  IntTensor q = Quantize(t.get(), Options(4, AXQ_INT_AFFINE, AXQ_PER_GROUP, 1, g));
  const Params p = GetParams(q.get());
  EXPECT_EQ(p.dims, (std::vector<int64_t>{row_len / g, rows}));
  ASSERT_EQ(p.scales.size(), 9u);
  for (size_t k = 0; k < 9; ++k) {
    float lo = 0, hi = 0;
    for (size_t i = k * g; i < (k + 1) * g; ++i) {
      lo = std::min(lo, x[i]);
      hi = std::max(hi, x[i]);
    }
    const float s = static_cast<float>((static_cast<double>(hi) - lo) / 15.0);
    EXPECT_EQ(p.scales[k], s) << k;
    EXPECT_EQ(p.zero_points[k], std::min(15.0f, std::max(0.0f, std::nearbyint(-lo / s)))) << k;
  }
  const axq_int_tensor_info_t info = Info(q.get());
  EXPECT_EQ(info.group_size, g);
  EXPECT_EQ(info.axis, -1);
  EXPECT_EQ(info.param_count, 9u);
  EXPECT_EQ(info.code_bytes, 18u);
  EXPECT_EQ(info.param_bytes, 72u);
  EXPECT_DOUBLE_EQ(info.bits_per_weight, 8.0 * (18 + 72) / 36);
  EXPECT_EQ(info.ndim, 2);
  EXPECT_EQ(info.dims[0], row_len);
  EXPECT_EQ(info.dims[1], rows);
  EXPECT_EQ(info.dims[2], 1);
  EXPECT_EQ(info.nelements, 36);
}

TEST(IntQuant, OddGroupsWithPackedCodes) {
  // g = 3 groups share bytes: codes are still element 2i low, 2i+1 high.
  Tensor t = MakeTensor({7, -7, 1, 14, 2, -4}, {6});
  IntTensor q = Quantize(t.get(), Options(4, AXQ_INT_SYMMETRIC, AXQ_PER_GROUP, 1, 3));
  EXPECT_EQ(GetParams(q.get()).scales, (std::vector<float>{1.0f, 2.0f}));
  // codes 7 -7 1 | 7 1 -2
  EXPECT_EQ(Codes(q.get()), (std::vector<uint8_t>{0x97, 0x71, 0xE1}));
}

TEST(IntQuant, FinerGranularityHasLowerError) {
  const int64_t row_len = 256, rows = 32;
  const std::vector<float> x = ChannelVarianceData(row_len, rows, 7);
  Tensor t = MakeTensor(x, {row_len, rows});
  for (uint32_t bits : {4u, 8u}) {
    for (axq_int_scheme scheme : {AXQ_INT_SYMMETRIC, AXQ_INT_AFFINE, AXQ_INT_POWER_OF_TWO}) {
      SCOPED_TRACE(std::to_string(bits) + " bits, scheme " + std::to_string(scheme));
      const double tensor = Mse(x, Dequantize(Quantize(t.get(), Options(bits, scheme)).get()));
      const double channel =
          Mse(x, Dequantize(Quantize(t.get(), Options(bits, scheme, AXQ_PER_CHANNEL, 1)).get()));
      const double group =
          Mse(x, Dequantize(Quantize(t.get(), Options(bits, scheme, AXQ_PER_GROUP, 1, 32)).get()));
      EXPECT_LE(channel, tensor);
      EXPECT_LE(group, tensor);
      EXPECT_LT(channel, 0.5 * tensor);  // the data was built for it
    }
  }
}

// |x - x'| <= s/2 for every element, s its own scale; plus the rounding of
// x/s and of the product (2 ulps of x) and of the scale itself, which can
// let a top value clamp by (2^b - 1) * 2^-24 * s more (affine).
TEST(IntQuant, RoundTripWithinHalfAScale) {
  const int64_t row_len = 48, rows = 6;
  const std::vector<float> x = ChannelVarianceData(row_len, rows, 11);
  Tensor t = MakeTensor(x, {row_len, rows});
  for (uint32_t bits = 2; bits <= 8; ++bits) {
    for (axq_int_scheme scheme : {AXQ_INT_SYMMETRIC, AXQ_INT_AFFINE, AXQ_INT_POWER_OF_TWO}) {
      for (axq_granularity gran : {AXQ_PER_TENSOR, AXQ_PER_CHANNEL, AXQ_PER_GROUP}) {
        for (int32_t axis : {0, 1}) {
          SCOPED_TRACE(std::to_string(bits) + " bits, scheme " + std::to_string(scheme) + ", granularity " +
                       std::to_string(gran) + ", axis " + std::to_string(axis));
          IntTensor q = Quantize(t.get(), Options(bits, scheme, gran, axis, 12));
          const std::vector<float> y = Dequantize(q.get());
          const Params p = GetParams(q.get());
          for (int64_t r = 0; r < rows; ++r) {
            for (int64_t j = 0; j < row_len; ++j) {
              const size_t i = static_cast<size_t>(r * row_len + j);
              size_t k = 0;
              if (gran == AXQ_PER_CHANNEL) k = static_cast<size_t>(axis == 0 ? j : r);
              if (gran == AXQ_PER_GROUP) k = static_cast<size_t>(r * (row_len / 12) + j / 12);
              const double s = p.scales[k];
              const double bound = s * (0.5 + 255.0 * std::ldexp(1.0, -24)) + std::ldexp(std::fabs(x[i]), -22);
              ASSERT_LE(std::fabs(static_cast<double>(x[i]) - y[i]), bound) << "element " << i;
            }
          }
          if (scheme == AXQ_INT_POWER_OF_TWO) {
            for (float s : p.scales) EXPECT_EQ(Bits(s) & 0x007FFFFFu, 0u) << s;  // 2^k
          }
        }
      }
    }
  }
}

TEST(IntQuant, ResultsDoNotDependOnThreads) {
  const std::vector<float> x = ChannelVarianceData(40000, 5, 13);
  Tensor t = MakeTensor(x, {40000, 5});
  for (axq_granularity gran : {AXQ_PER_TENSOR, AXQ_PER_CHANNEL, AXQ_PER_GROUP}) {
    axq_int_options_t o = Options(4, AXQ_INT_AFFINE, gran, 0, 64);
    o.n_threads = 1;
    IntTensor one = Quantize(t.get(), o);
    for (uint32_t threads : {2u, 3u, 0u}) {
      o.n_threads = threads;
      IntTensor many = Quantize(t.get(), o);
      EXPECT_EQ(Codes(one.get()), Codes(many.get()));
      EXPECT_EQ(GetParams(one.get()).scales, GetParams(many.get()).scales);
    }
  }
}

// ---------------------------------------------------------------------------
// Fake quantization and the STE

TEST(IntQuant, FakeQuantizeHandCases) {
  axq_fake_quant_params_t p;
  ASSERT_EQ(AXQ_OK, axq_fake_quant_params_init(&p));
  p.scale = 0.5f;  // 8-bit symmetric: representable range [-63.5, 63.5]
  const std::vector<float> x = {0.26f, 0.25f, 0.75f, -0.75f, 100, -100, 63.5f, -63.6f};
  std::vector<float> y(x.size());
  std::vector<uint8_t> mask(x.size(), 9);
  ASSERT_EQ(AXQ_OK, axq_fake_quantize(y.data(), mask.data(), x.size(), x.data(), &p)) << axq_last_error();
  EXPECT_EQ(y, (std::vector<float>{0.5f, 0, 1.0f, -1.0f, 63.5f, -63.5f, 63.5f, -63.5f}));
  EXPECT_EQ(mask, (std::vector<uint8_t>{1, 1, 1, 1, 0, 0, 1, 0}));
  p.ste = AXQ_STE_PLAIN;
  ASSERT_EQ(AXQ_OK, axq_fake_quantize(y.data(), mask.data(), x.size(), x.data(), &p));
  EXPECT_EQ(mask, std::vector<uint8_t>(x.size(), 1));
}

TEST(IntQuant, ClampedMaskUsesTheZeroPointShiftedRange) {
  axq_fake_quant_params_t p;
  ASSERT_EQ(AXQ_OK, axq_fake_quant_params_init(&p));
  p.scheme = AXQ_INT_AFFINE;
  p.scale = 0.5f;
  p.zero_point = 10;  // representable: (0 - 10) * 0.5 = -5 .. (255 - 10) * 0.5 = 122.5
  const float lo = -5.0f, hi = 122.5f;
  const std::vector<float> x = {lo, std::nextafter(lo, -INFINITY), hi, std::nextafter(hi, INFINITY),
                                -1.0f,   // inside, though below qmin * s = 0
                                125.0f,  // outside, though below qmax * s = 127.5
                                -5.2f, -6.0f};
  std::vector<float> y(x.size());
  std::vector<uint8_t> mask(x.size());
  ASSERT_EQ(AXQ_OK, axq_fake_quantize(y.data(), mask.data(), x.size(), x.data(), &p));
  EXPECT_EQ(mask, (std::vector<uint8_t>{1, 0, 1, 0, 1, 0, 0, 0}));
  // -5.2: round(-10.4) + 10 = 0 -> -5; -6: round(-12) + 10 = -2 -> 0 -> -5.
  EXPECT_EQ(y, (std::vector<float>{-5, -5, 122.5f, 122.5f, -1, 122.5f, -5, -5}));
}

TEST(IntQuant, FakeQuantizeInPlaceAndOverLongArrays) {
  axq_fake_quant_params_t p;
  ASSERT_EQ(AXQ_OK, axq_fake_quant_params_init(&p));
  p.bits = 4;
  p.scheme = AXQ_INT_AFFINE;
  p.scale = 0.125f;
  p.zero_point = 7;
  p.n_threads = 3;
  std::vector<float> x = ChannelVarianceData(50000, 2, 17);
  std::vector<float> y(x.size());
  std::vector<uint8_t> mask(x.size());
  ASSERT_EQ(AXQ_OK, axq_fake_quantize(y.data(), mask.data(), x.size(), x.data(), &p));
  for (size_t i = 0; i < x.size(); i += 97) {
    const float level = std::min(15.0f, std::max(0.0f, std::nearbyint(x[i] / 0.125f) + 7.0f));
    ASSERT_EQ(y[i], (level - 7.0f) * 0.125f) << i;
    ASSERT_EQ(mask[i], x[i] >= -0.875f && x[i] <= 1.0f ? 1 : 0) << i;
  }
  ASSERT_EQ(AXQ_OK, axq_fake_quantize(x.data(), nullptr, x.size(), x.data(), &p));
  EXPECT_EQ(x, y);
}

TEST(IntQuant, FakeQuantizeEqualsQuantizeThenDequantize) {
  const std::vector<float> x = ChannelVarianceData(96, 10, 19);
  Tensor t = MakeTensor(x, {96, 10});
  for (uint32_t bits : {2u, 4u, 5u, 8u}) {
    for (axq_int_scheme scheme : {AXQ_INT_SYMMETRIC, AXQ_INT_AFFINE, AXQ_INT_POWER_OF_TWO}) {
      for (axq_granularity gran : {AXQ_PER_TENSOR, AXQ_PER_CHANNEL, AXQ_PER_GROUP}) {
        for (int32_t axis : {0, 1}) {
          SCOPED_TRACE(std::to_string(bits) + " bits, scheme " + std::to_string(scheme) + ", granularity " +
                       std::to_string(gran) + ", axis " + std::to_string(axis));
          const axq_int_options_t o = Options(bits, scheme, gran, axis, 24);
          IntTensor q = Quantize(t.get(), o);
          const std::vector<float> want = Dequantize(q.get());
          std::vector<uint8_t> mask(x.size());
          axq_tensor_t* y = nullptr;
          ASSERT_EQ(AXQ_OK, axq_fake_quantize_tensor(&y, mask.data(), mask.size(), t.get(), AXQ_STE_CLAMPED, &o))
              << axq_last_error();
          Tensor yt(y);
          const std::vector<float> got = Floats(y);
          ASSERT_EQ(axq_test::FirstFloatMismatch(got.data(), want.data(), static_cast<int64_t>(got.size())), -1);
          EXPECT_EQ(Dims(y), (std::vector<int64_t>{96, 10}));
          // Each element's mask from its own scale and zero point.
          const Params p = GetParams(q.get());
          const float qmin = scheme == AXQ_INT_AFFINE ? 0.0f : -static_cast<float>((1 << (bits - 1)) - 1);
          const float qmax = scheme == AXQ_INT_AFFINE ? static_cast<float>((1 << bits) - 1) : -qmin;
          for (int64_t r = 0; r < 10; ++r) {
            for (int64_t j = 0; j < 96; ++j) {
              const size_t i = static_cast<size_t>(r * 96 + j);
              size_t k = 0;
              if (gran == AXQ_PER_CHANNEL) k = static_cast<size_t>(axis == 0 ? j : r);
              if (gran == AXQ_PER_GROUP) k = static_cast<size_t>(r * 4 + j / 24);
              const float lo = (qmin - p.zero_points[k]) * p.scales[k];
              const float hi = (qmax - p.zero_points[k]) * p.scales[k];
              ASSERT_EQ(mask[i], x[i] >= lo && x[i] <= hi ? 1 : 0) << i;
            }
          }
          // Params from a range equal the ones quantization chose.
          if (gran == AXQ_PER_TENSOR) {
            axq_fake_quant_params_t fp;
            ASSERT_EQ(AXQ_OK, axq_fake_quant_params_init(&fp));
            fp.bits = bits;
            fp.scheme = scheme;
            const auto mm = std::minmax_element(x.begin(), x.end());
            ASSERT_EQ(AXQ_OK, axq_fake_quant_params_from_range(&fp, *mm.first, *mm.second));
            EXPECT_EQ(fp.scale, p.scales[0]);
            EXPECT_EQ(static_cast<float>(fp.zero_point), p.zero_points[0]);
            std::vector<float> flat(x.size());
            ASSERT_EQ(AXQ_OK, axq_fake_quantize(flat.data(), nullptr, x.size(), x.data(), &fp));
            EXPECT_EQ(axq_test::FirstFloatMismatch(flat.data(), want.data(), static_cast<int64_t>(x.size())), -1);
          }
        }
      }
    }
  }
}

TEST(IntQuant, SteBackward) {
  const std::vector<float> grad_out = {1, -2, 3, -4, 5};
  const std::vector<uint8_t> mask = {1, 0, 1, 0, 7};
  std::vector<float> grad_in(5, 99.0f);
  ASSERT_EQ(AXQ_OK, axq_ste_backward(grad_in.data(), grad_out.data(), mask.data(), 5));
  EXPECT_EQ(grad_in, (std::vector<float>{1, 0, 3, 0, 5}));
  ASSERT_EQ(AXQ_OK, axq_ste_backward(grad_in.data(), grad_out.data(), nullptr, 5));
  EXPECT_EQ(grad_in, grad_out);
  std::vector<float> in_place = grad_out;
  ASSERT_EQ(AXQ_OK, axq_ste_backward(in_place.data(), in_place.data(), mask.data(), 5));
  EXPECT_EQ(in_place, (std::vector<float>{1, 0, 3, 0, 5}));
}

// ---------------------------------------------------------------------------
// Bad arguments

TEST(IntQuant, RejectsBadOptions) {
  Tensor t = MakeTensor(std::vector<float>(200, 1.0f), {100, 2});
  axq_int_tensor_t* q = reinterpret_cast<axq_int_tensor_t*>(&q);  // must be reset to NULL
  axq_int_options_t o = Options(8, AXQ_INT_SYMMETRIC);
  for (uint32_t bits : {0u, 1u, 9u, 16u}) {
    o.bits = bits;
    ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT, "opts->bits");
    EXPECT_EQ(q, nullptr);
  }
  o = Options(8, static_cast<axq_int_scheme>(3));
  ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT, "opts->scheme: 3");
  o = Options(8, static_cast<axq_int_scheme>(-1));
  ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT, "opts->scheme");
  o = Options(8, AXQ_INT_SYMMETRIC, static_cast<axq_granularity>(3));
  ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT, "opts->granularity: 3");
  for (int32_t axis : {-1, 2, 4}) {
    o = Options(8, AXQ_INT_SYMMETRIC, AXQ_PER_CHANNEL, axis);
    ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT, "opts->axis");
  }
  for (int64_t g : {0, -4}) {
    o = Options(8, AXQ_INT_SYMMETRIC, AXQ_PER_GROUP, 1, g);
    ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT, "must be positive");
  }
  o = Options(8, AXQ_INT_SYMMETRIC, AXQ_PER_GROUP, 1, 32);
  ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT,
                "32 does not divide the row length 100 (dims[0]); groups never straddle rows, so the nearest "
                "valid group sizes are 25 and 50");
  o.group_size = 128;
  ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT, "nearest valid group size is 100");
  o.struct_size = 3;
  ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  o.struct_size = sizeof(o) + 8;
  ExpectFailure(axq_int_quantize(&q, t.get(), &o), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  // The same checks hold for the fake-quantization convenience.
  o = Options(8, AXQ_INT_SYMMETRIC, AXQ_PER_GROUP, 1, 3);
  axq_tensor_t* y = reinterpret_cast<axq_tensor_t*>(&y);
  ExpectFailure(axq_fake_quantize_tensor(&y, nullptr, 0, t.get(), AXQ_STE_CLAMPED, &o), AXQ_ERR_INVALID_ARGUMENT,
                "nearest valid group sizes are 2 and 4");
  EXPECT_EQ(y, nullptr);
}

TEST(IntQuant, RejectsBadTensors) {
  axq_int_tensor_t* q = nullptr;
  ExpectFailure(axq_int_quantize(&q, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT, "src: NULL");
  Tensor t = MakeTensor({1, 2}, {2});
  ExpectFailure(axq_int_quantize(nullptr, t.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "out: NULL");
  axq_tensor_t* f16 = nullptr;
  const int64_t dims[1] = {4};
  ASSERT_EQ(AXQ_OK, axq_tensor_create(&f16, AXQ_TYPE_F16, 1, dims));
  Tensor f16t(f16);
  ExpectFailure(axq_int_quantize(&q, f16, nullptr), AXQ_ERR_INVALID_ARGUMENT, "f32");
  // NaN and Inf name the first offending element, for every granularity.
  for (axq_granularity gran : {AXQ_PER_TENSOR, AXQ_PER_CHANNEL, AXQ_PER_GROUP}) {
    for (int32_t axis : {0, 1}) {
      for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
        std::vector<float> x(64, 0.5f);
        x[37] = bad;
        x[50] = bad;
        Tensor tb = MakeTensor(x, {16, 4});
        axq_int_options_t o = Options(8, AXQ_INT_AFFINE, gran, axis, 8);
        ExpectFailure(axq_int_quantize(&q, tb.get(), &o), AXQ_ERR_NON_FINITE, "src[37]");
        EXPECT_EQ(q, nullptr);
        axq_tensor_t* y = nullptr;
        ExpectFailure(axq_fake_quantize_tensor(&y, nullptr, 0, tb.get(), AXQ_STE_PLAIN, &o), AXQ_ERR_NON_FINITE,
                      "src[37]");
      }
    }
  }
}

TEST(IntQuant, RejectsBadHandlesAndOutputs) {
  Tensor t = MakeTensor({1, -2, 3, 4}, {4});
  IntTensor q = Quantize(t.get(), Options(8, AXQ_INT_AFFINE));
  axq_tensor_t* y = nullptr;
  ExpectFailure(axq_int_dequantize(&y, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT, "q: NULL");
  ExpectFailure(axq_int_dequantize(nullptr, q.get(), nullptr), AXQ_ERR_INVALID_ARGUMENT, "out: NULL");
  axq_dequantize_options_t d;
  ASSERT_EQ(AXQ_OK, axq_dequantize_options_init(&d));
  d.struct_size = 1;
  ExpectFailure(axq_int_dequantize(&y, q.get(), &d), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  EXPECT_EQ(y, nullptr);
  const uint8_t* codes = reinterpret_cast<const uint8_t*>(&codes);
  size_t size = 5;
  ExpectFailure(axq_int_tensor_codes(&codes, &size, nullptr), AXQ_ERR_INVALID_ARGUMENT, "q: NULL");
  EXPECT_EQ(codes, nullptr);
  EXPECT_EQ(size, 0u);
  ExpectFailure(axq_int_tensor_codes(nullptr, &size, q.get()), AXQ_ERR_INVALID_ARGUMENT, "codes: NULL");
  ExpectFailure(axq_int_tensor_codes(&codes, nullptr, q.get()), AXQ_ERR_INVALID_ARGUMENT, "size: NULL");
  ExpectFailure(axq_int_tensor_params(nullptr, nullptr, q.get()), AXQ_ERR_INVALID_ARGUMENT, "both NULL");
  axq_tensor_t* s = nullptr;
  ExpectFailure(axq_int_tensor_params(&s, nullptr, nullptr), AXQ_ERR_INVALID_ARGUMENT, "q: NULL");
  // One output alone works.
  ASSERT_EQ(AXQ_OK, axq_int_tensor_params(&s, nullptr, q.get()));
  Tensor st(s);
  EXPECT_EQ(axq_tensor_nelements(s), 1);
  axq_int_tensor_info_t info{};
  info.struct_size = 2;
  ExpectFailure(axq_int_tensor_info(&info, q.get()), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  info.struct_size = sizeof(info);
  ExpectFailure(axq_int_tensor_info(&info, nullptr), AXQ_ERR_INVALID_ARGUMENT, "q: NULL");
  ExpectFailure(axq_int_tensor_info(nullptr, q.get()), AXQ_ERR_INVALID_ARGUMENT, "out: NULL");
  // An older, shorter info struct gets only its own fields.
  axq_int_tensor_info_t small;
  std::memset(&small, 0xEE, sizeof(small));
  small.struct_size = offsetof(axq_int_tensor_info_t, scheme);
  ASSERT_EQ(AXQ_OK, axq_int_tensor_info(&small, q.get()));
  EXPECT_EQ(small.bits, 8u);
  EXPECT_EQ(static_cast<uint32_t>(small.scheme), 0xEEEEEEEEu);
  axq_int_tensor_destroy(nullptr);  // a no-op
  // Fake tensor: mask and count must agree; ste must be known.
  std::vector<uint8_t> mask(4);
  ExpectFailure(axq_fake_quantize_tensor(&y, mask.data(), 3, t.get(), AXQ_STE_CLAMPED, nullptr),
                AXQ_ERR_INVALID_ARGUMENT, "mask_count: 3");
  ExpectFailure(axq_fake_quantize_tensor(&y, nullptr, 4, t.get(), AXQ_STE_CLAMPED, nullptr),
                AXQ_ERR_INVALID_ARGUMENT, "mask: NULL");
  ExpectFailure(axq_fake_quantize_tensor(&y, mask.data(), 4, t.get(), static_cast<axq_ste>(2), nullptr),
                AXQ_ERR_INVALID_ARGUMENT, "ste: 2");
  ExpectFailure(axq_fake_quantize_tensor(&y, mask.data(), 4, nullptr, AXQ_STE_CLAMPED, nullptr),
                AXQ_ERR_INVALID_ARGUMENT, "src: NULL");
  ExpectFailure(axq_fake_quantize_tensor(nullptr, mask.data(), 4, t.get(), AXQ_STE_CLAMPED, nullptr),
                AXQ_ERR_INVALID_ARGUMENT, "out: NULL");
}

TEST(IntQuant, RejectsBadFakeQuantArguments) {
  std::vector<float> x = {1, 2, 3, 4, 5, 6}, y(6);
  axq_fake_quant_params_t p;
  ASSERT_EQ(AXQ_OK, axq_fake_quant_params_init(&p));
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), nullptr), AXQ_ERR_INVALID_ARGUMENT,
                "params: NULL");
  ExpectFailure(axq_fake_quantize(nullptr, nullptr, 6, x.data(), &p), AXQ_ERR_INVALID_ARGUMENT, "y: NULL");
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, nullptr, &p), AXQ_ERR_INVALID_ARGUMENT, "x: NULL");
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 0, x.data(), &p), AXQ_ERR_INVALID_ARGUMENT, "n: 0");
  ExpectFailure(axq_fake_quantize(x.data() + 1, nullptr, 5, x.data(), &p), AXQ_ERR_INVALID_ARGUMENT, "overlaps");
  for (float scale : {0.0f, -1.0f, std::nanf(""), INFINITY}) {
    axq_fake_quant_params_t b = p;
    b.scale = scale;
    ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b), AXQ_ERR_INVALID_ARGUMENT,
                  "params->scale");
  }
  axq_fake_quant_params_t b = p;
  b.bits = 1;
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b), AXQ_ERR_INVALID_ARGUMENT, "params->bits");
  b = p;
  b.scheme = 7;
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b), AXQ_ERR_INVALID_ARGUMENT, "params->scheme");
  b = p;
  b.ste = 2;
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b), AXQ_ERR_INVALID_ARGUMENT, "params->ste");
  b = p;
  b.zero_point = 1;
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b), AXQ_ERR_INVALID_ARGUMENT,
                "params->zero_point: 1");
  b = p;
  b.scheme = AXQ_INT_AFFINE;
  b.bits = 4;
  b.zero_point = 16;
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b), AXQ_ERR_INVALID_ARGUMENT, "0..15");
  b.zero_point = -1;
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b), AXQ_ERR_INVALID_ARGUMENT, "0..15");
  b = p;
  b.scheme = AXQ_INT_POWER_OF_TWO;
  b.scale = 0.3f;
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b), AXQ_ERR_INVALID_ARGUMENT, "power of two");
  b.scale = 0.25f;
  EXPECT_EQ(AXQ_OK, axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b));
  b = p;
  b.struct_size = 0;
  ExpectFailure(axq_fake_quantize(y.data(), nullptr, 6, x.data(), &b), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  // NaN/Inf: the first index, also in place.
  for (float bad : {std::nanf(""), -INFINITY}) {
    std::vector<float> v(40000, 0.5f);
    v[30001] = bad;
    v[39000] = bad;
    ExpectFailure(axq_fake_quantize(v.data(), nullptr, v.size(), v.data(), &p), AXQ_ERR_NON_FINITE, "x[30001]");
  }
  // Range to params.
  ExpectFailure(axq_fake_quant_params_from_range(nullptr, 0, 1), AXQ_ERR_INVALID_ARGUMENT, "params: NULL");
  ExpectFailure(axq_fake_quant_params_from_range(&p, 2, 1), AXQ_ERR_INVALID_ARGUMENT, "min_value");
  ExpectFailure(axq_fake_quant_params_from_range(&p, std::nanf(""), 1), AXQ_ERR_NON_FINITE, "finite");
  b = p;
  b.bits = 12;
  ExpectFailure(axq_fake_quant_params_from_range(&b, 0, 1), AXQ_ERR_INVALID_ARGUMENT, "params->bits");
  b = p;
  b.struct_size = offsetof(axq_fake_quant_params_t, scale);
  ExpectFailure(axq_fake_quant_params_from_range(&b, 0, 1), AXQ_ERR_INVALID_ARGUMENT, "zero_point");
  ASSERT_EQ(AXQ_OK, axq_fake_quant_params_from_range(&p, -3, 1));
  EXPECT_EQ(p.scale, 3.0f / 127.0f);
  EXPECT_EQ(p.zero_point, 0);
  p.scheme = AXQ_INT_AFFINE;
  ASSERT_EQ(AXQ_OK, axq_fake_quant_params_from_range(&p, -1, 254));
  EXPECT_EQ(p.scale, 1.0f);
  EXPECT_EQ(p.zero_point, 1);
  // STE backward.
  std::vector<float> g(6);
  ExpectFailure(axq_ste_backward(nullptr, x.data(), nullptr, 6), AXQ_ERR_INVALID_ARGUMENT, "grad_in: NULL");
  ExpectFailure(axq_ste_backward(g.data(), nullptr, nullptr, 6), AXQ_ERR_INVALID_ARGUMENT, "grad_out: NULL");
  ExpectFailure(axq_ste_backward(g.data(), x.data(), nullptr, 0), AXQ_ERR_INVALID_ARGUMENT, "n: 0");
  ExpectFailure(axq_ste_backward(x.data() + 2, x.data(), nullptr, 4), AXQ_ERR_INVALID_ARGUMENT, "overlaps");
  std::vector<float> bad_grad = {1, 2, INFINITY, 4};
  ExpectFailure(axq_ste_backward(bad_grad.data(), bad_grad.data(), nullptr, 4), AXQ_ERR_NON_FINITE,
                "grad_out[2]");
  EXPECT_EQ(bad_grad[2], INFINITY);  // checked before anything was written
}

}  // namespace
