// The quantization quality suite `axq demo` ends with: deterministic data
// sets (gaussian, uniform, outliers, channels of different variance) run
// over integer schemes x bit widths x granularities and a few GGUF types,
// reported sorted by SQNR and by SQNR per bit.
#ifndef AXQ_TOOLS_QUALITY_SUITE_H_
#define AXQ_TOOLS_QUALITY_SUITE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace axq_tool {

// Seeded generators; the same seed gives the same values everywhere.
std::vector<float> GaussianData(int64_t n, double mean, double stddev, uint64_t seed);
std::vector<float> UniformData(int64_t n, double lo, double hi, uint64_t seed);
// N(0, 1) with floor(n * ratio) values set to +-magnitude.
std::vector<float> OutlierData(int64_t n, double ratio, double magnitude, uint64_t seed);
// `channels` rows of `per_channel` values; row c ~ N(0, (1 + c/channels * spread)^2).
std::vector<float> MultiChannelData(int64_t channels, int64_t per_channel, double spread, uint64_t seed);

struct QualityResult {
  std::string data, method;
  double bits_per_weight = 0, mse = 0, max_error = 0, sqnr_db = 0;
  double quality_per_bit() const { return bits_per_weight > 0 ? sqnr_db / bits_per_weight : 0; }
};

// Runs the suite; false (message printed) if the library refuses a case.
bool RunQualitySuite(std::vector<QualityResult>* results);

// Prints the results twice: by SQNR, and by SQNR per bit.
void PrintQualitySuite(const std::vector<QualityResult>& results);

}  // namespace axq_tool

#endif  // AXQ_TOOLS_QUALITY_SUITE_H_
