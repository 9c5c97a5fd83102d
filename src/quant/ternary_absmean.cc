// BitNet b1.58's absmean ternarizer packed into I2_S, TQ1_0 and TQ2_0.
#include <cmath>
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/ternary.h"
#include "src/quant/ternary_layout.h"

namespace axq {

double AbsSumChunk(const float* x, int64_t n) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += std::fabs(static_cast<double>(x[i]));
  return sum;
}

float AbsmeanScaleFromSum(double abs_sum, int64_t count) {
  const double mean = abs_sum / static_cast<double>(count);
  return static_cast<float>(mean > 1e-5 ? mean : 1e-5);
}

void PackI2sAbsmeanCodes(const float* x, uint8_t* dst, int64_t k, float scale) {
  const float inv = 1.0f / scale;
  uint8_t codes[kI2sBlock];
  for (int64_t b = 0; b < k / kI2sBlock; ++b, x += kI2sBlock, dst += kI2sBlockBytes) {
    for (int j = 0; j < kI2sBlock; ++j) codes[j] = AbsmeanCode(x[j], inv);
    PackI2sCodes(codes, dst, kI2sBlock);
  }
}

namespace {

template <void (*Pack)(const uint8_t*, uint16_t, uint8_t*), size_t kBlockBytes>
void QuantizeTqAbsmean(const float* x, uint8_t* dst, int64_t k, float scale) {
  const float inv = 1.0f / scale;
  const uint16_t d_bits = Fp32ToFp16(scale);
  uint8_t codes[kSuperBlock];
  for (int64_t b = 0; b < k / kSuperBlock; ++b, x += kSuperBlock, dst += kBlockBytes) {
    for (int j = 0; j < kSuperBlock; ++j) codes[j] = AbsmeanCode(x[j], inv);
    Pack(codes, d_bits, dst);
  }
}

}  // namespace

void QuantizeTq1_0Absmean(const float* x, uint8_t* dst, int64_t k, float scale) {
  QuantizeTqAbsmean<PackTq1_0Block, kTq1_0Bytes>(x, dst, k, scale);
}

void QuantizeTq2_0Absmean(const float* x, uint8_t* dst, int64_t k, float scale) {
  QuantizeTqAbsmean<PackTq2_0Block, kTq2_0Bytes>(x, dst, k, scale);
}

}  // namespace axq
