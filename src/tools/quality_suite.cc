#include "src/tools/quality_suite.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "axq/axq.h"
#include "src/tools/demo_data.h"

namespace axq_tool {
namespace {

// splitmix64: small, seedable, the same on every platform.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Gaussian() {  // Box-Muller, one value per call
    const double u1 = std::max(Uniform(), 1e-300), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  uint64_t state_;
};

struct IntTensorDeleter {
  void operator()(axq_int_tensor_t* t) const { axq_int_tensor_destroy(t); }
};
using IntTensorPtr = std::unique_ptr<axq_int_tensor_t, IntTensorDeleter>;

struct DataSet {
  std::string name;
  std::vector<float> values;
  int64_t cols, rows;  // rows are the channels
};

bool Fail(const std::string& what) {
  std::fprintf(stderr, "axq: quality suite: %s: %s\n", what.c_str(), axq_last_error());
  return false;
}

const char* SchemeName(int32_t scheme) {
  switch (scheme) {
    case AXQ_INT_SYMMETRIC: return "sym";
    case AXQ_INT_AFFINE: return "affine";
    default: return "pow2";
  }
}


// FP8 with one scale per row, and bitsandbytes' 4-bit formats.
bool FloatFormats(const DataSet& set, std::vector<QualityResult>* results) {
  const size_t n = set.values.size();
  std::vector<float> back(n);
  for (int32_t format : {AXQ_FP8_E4M3, AXQ_FP8_E5M2}) {
    axq_fp8_options_t opts;
    axq_fp8_options_init(&opts);
    opts.format = format;
    opts.granularity = AXQ_FP8_PER_ROW;
    std::vector<uint8_t> codes(n);
    std::vector<float> scales(static_cast<size_t>(set.rows));
    const std::string method = format == AXQ_FP8_E4M3 ? "fp8 e4m3 row" : "fp8 e5m2 row";
    if (axq_fp8_quantize(codes.data(), n, scales.data(), scales.size(), set.values.data(), set.rows, set.cols,
                         &opts) != AXQ_OK ||
        axq_fp8_dequantize(back.data(), n, codes.data(), scales.data(), scales.size(), set.rows, set.cols, &opts) !=
            AXQ_OK) {
      return Fail(set.name + " " + method);
    }
    const axq_error_stats_t e = CompareSignals(set.values.data(), back.data(), static_cast<int64_t>(back.size()));
    const double bits = 8.0 + 32.0 * static_cast<double>(set.rows) / static_cast<double>(n);
    results->push_back({set.name, method, bits, e.mse, e.max_abs_error, e.sqnr_db});
  }
  for (int32_t kind : {AXQ_4BIT_NF4, AXQ_4BIT_FP4}) {
    for (uint32_t double_quant : {1u, 0u}) {
      axq_nf4_options_t opts;
      axq_nf4_options_init(&opts);
      opts.kind = kind;
      opts.double_quant = double_quant;
      const std::string method =
          std::string(kind == AXQ_4BIT_NF4 ? "nf4" : "fp4") + " b64" + (double_quant ? " dq" : "");
      axq_nf4_tensor_t* t = nullptr;
      if (axq_nf4_quantize(&t, set.values.data(), n, &opts) != AXQ_OK) return Fail(set.name + " " + method);
      axq_nf4_info_t info;
      info.struct_size = sizeof(info);
      const bool ok = axq_nf4_dequantize(back.data(), n, t, nullptr) == AXQ_OK && axq_nf4_info(&info, t) == AXQ_OK;
      axq_nf4_destroy(t);
      if (!ok) return Fail(set.name + " " + method);
      const axq_error_stats_t e = CompareSignals(set.values.data(), back.data(), static_cast<int64_t>(back.size()));
      results->push_back({set.name, method, info.bits_per_parameter, e.mse, e.max_abs_error, e.sqnr_db});
    }
  }
  return true;
}

// Int8 per tensor with the range a calibrator picks instead of min/max:
// clipping outliers trades their error for a finer step everywhere else.
bool CalibratedInt8(const DataSet& set, std::vector<QualityResult>* results) {
  axq_calibrator_t* cal = nullptr;
  if (axq_calibrator_create(&cal, nullptr) != AXQ_OK) return Fail(set.name);
  const bool observed = axq_calibrator_observe(cal, set.values.data(), set.values.size()) == AXQ_OK;
  struct Method {
    int32_t id;
    const char* name;
  };
  const Method methods[] = {{AXQ_CALIB_ENTROPY, "sym int8 tensor kl"}, {AXQ_CALIB_PERCENTILE, "sym int8 tensor p99.9"}};
  std::vector<float> y(set.values.size());
  bool ok = observed;
  for (const Method& m : methods) {
    if (!ok) break;
    axq_range_options_t ro;
    axq_range_options_init(&ro);
    ro.method = m.id;
    ro.percentile = 99.9f;
    float lo = 0, hi = 0;
    axq_fake_quant_params_t p;
    axq_fake_quant_params_init(&p);
    p.bits = 8;
    p.scheme = AXQ_INT_SYMMETRIC;
    ok = axq_calibrator_range(&lo, &hi, cal, &ro) == AXQ_OK && axq_fake_quant_params_from_range(&p, lo, hi) == AXQ_OK &&
         axq_fake_quantize(y.data(), nullptr, y.size(), set.values.data(), &p) == AXQ_OK;
    if (ok) {
      const axq_error_stats_t e = CompareSignals(set.values.data(), y.data(), static_cast<int64_t>(y.size()));
      // One f32 scale for the tensor.
      const double bits = 8.0 + 32.0 / static_cast<double>(y.size());
      results->push_back({set.name, m.name, bits, e.mse, e.max_abs_error, e.sqnr_db});
    }
  }
  axq_calibrator_destroy(cal);
  return ok ? true : Fail(set.name + " calibrated int8");
}

}  // namespace

std::vector<float> GaussianData(int64_t n, double mean, double stddev, uint64_t seed) {
  Random r(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = static_cast<float>(mean + stddev * r.Gaussian());
  return v;
}

std::vector<float> UniformData(int64_t n, double lo, double hi, uint64_t seed) {
  Random r(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = static_cast<float>(lo + (hi - lo) * r.Uniform());
  return v;
}

std::vector<float> OutlierData(int64_t n, double ratio, double magnitude, uint64_t seed) {
  std::vector<float> v = GaussianData(n, 0, 1, seed);
  Random r(seed ^ 0x5EED);
  const int64_t outliers = static_cast<int64_t>(static_cast<double>(n) * ratio);
  for (int64_t i = 0; i < outliers; ++i) {
    const uint64_t at = r.Next() % static_cast<uint64_t>(n);
    v[at] = static_cast<float>((r.Next() & 1) ? magnitude : -magnitude);
  }
  return v;
}

std::vector<float> MultiChannelData(int64_t channels, int64_t per_channel, double spread, uint64_t seed) {
  std::vector<float> v;
  v.reserve(static_cast<size_t>(channels * per_channel));
  for (int64_t c = 0; c < channels; ++c) {
    const double sigma = 1.0 + static_cast<double>(c) / static_cast<double>(channels) * spread;
    const std::vector<float> row = GaussianData(per_channel, 0, sigma, seed + static_cast<uint64_t>(c));
    v.insert(v.end(), row.begin(), row.end());
  }
  return v;
}

bool RunQualitySuite(std::vector<QualityResult>* results) {
  const int64_t rows = 64, cols = 1024;
  const std::vector<DataSet> sets = {
      {"gaussian", GaussianData(rows * cols, 0, 1, 42), cols, rows},
      {"uniform", UniformData(rows * cols, -1, 1, 43), cols, rows},
      {"outliers 1%", OutlierData(rows * cols, 0.01, 10, 44), cols, rows},
      {"channels x6", MultiChannelData(rows, cols, 5, 45), cols, rows},
  };
  struct Granularity {
    int32_t kind;
    const char* name;
  };
  const Granularity granularities[] = {{AXQ_PER_TENSOR, "tensor"}, {AXQ_PER_CHANNEL, "channel"}, {AXQ_PER_GROUP, "g32"}};
  for (const DataSet& set : sets) {
    const int64_t dims[2] = {set.cols, set.rows};
    axq_tensor_t* raw = nullptr;
    if (axq_tensor_from_f32(&raw, set.values.data(), 2, dims) != AXQ_OK) return Fail(set.name);
    TensorPtr src(raw);
    for (int32_t scheme : {AXQ_INT_SYMMETRIC, AXQ_INT_AFFINE}) {
      for (uint32_t bits : {4u, 8u}) {
        for (const Granularity& g : granularities) {
          axq_int_options_t opts;
          axq_int_options_init(&opts);
          opts.bits = bits;
          opts.scheme = scheme;
          opts.granularity = g.kind;
          opts.axis = 1;  // each row is a channel
          opts.group_size = 32;
          axq_int_tensor_t* q = nullptr;
          const std::string method = std::string(SchemeName(scheme)) + " int" + std::to_string(bits) + " " + g.name;
          if (axq_int_quantize(&q, src.get(), &opts) != AXQ_OK) return Fail(set.name + " " + method);
          IntTensorPtr quantized(q);
          axq_tensor_t* back = nullptr;
          if (axq_int_dequantize(&back, q, nullptr) != AXQ_OK) return Fail(set.name + " " + method);
          TensorPtr restored(back);
          axq_int_tensor_info_t info;
          info.struct_size = sizeof(info);
          if (axq_int_tensor_info(&info, q) != AXQ_OK) return Fail(set.name + " " + method);
          const axq_error_stats_t e = CompareSignals(set.values.data(), static_cast<const float*>(axq_tensor_data(back)),
                                                       static_cast<int64_t>(set.values.size()));
          results->push_back({set.name, method, info.bits_per_weight, e.mse, e.max_abs_error, e.sqnr_db});
        }
      }
    }
    if (!FloatFormats(set, results) || !CalibratedInt8(set, results)) return false;
    // The GGUF block formats on the same data, for comparison.
    for (axq_type type : {AXQ_TYPE_Q8_0, AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1}) {
      axq_quant_report_t r;
      r.struct_size = sizeof(r);
      if (axq_quant_report(&r, src.get(), type, nullptr, nullptr) != AXQ_OK) return Fail(set.name);
      axq_type_info_t info;
      info.struct_size = sizeof(info);
      axq_type_info(&info, type);
      results->push_back({set.name, std::string("gguf ") + info.name, r.bits_per_weight, r.error.mse,
                          r.error.max_abs_error, r.error.sqnr_db});
    }
  }
  return true;
}

void PrintQualitySuite(const std::vector<QualityResult>& results) {
  // Per data set, best first, so that each set reads as a ranking.
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<QualityResult> sorted = results;
    // Results come grouped by data set; each group is sorted on its own.
    for (auto begin = sorted.begin(); begin != sorted.end();) {
      auto end = std::find_if(begin, sorted.end(), [&](const QualityResult& r) { return r.data != begin->data; });
      std::stable_sort(begin, end, [&](const QualityResult& a, const QualityResult& b) {
        return pass == 0 ? a.sqnr_db > b.sqnr_db : a.quality_per_bit() > b.quality_per_bit();
      });
      begin = end;
    }
    std::printf("\nquality suite, %s (64 x 1024 values per data set; bits/w with every scale)\n",
                pass == 0 ? "by SQNR" : "by SQNR per bit");
    std::printf("%-12s %-22s %7s %11s %10s %8s %9s\n", "data", "method", "bits/w", "MSE", "max err", "SQNR dB",
                "dB/bit");
    for (const QualityResult& r : sorted) {
      std::printf("%-12s %-22s %7.3f %11.4e %10.4f %8.2f %9.3f\n", r.data.c_str(), r.method.c_str(),
                  r.bits_per_weight, r.mse, r.max_error, r.sqnr_db, r.quality_per_bit());
    }
  }
}

}  // namespace axq_tool
