// I2_S, bitnet.cpp's x86 layout (FORMATS.md §5): 2-bit codes (0 = -1,
// 1 = 0, 2 = +1), element j of each 128-block in byte j % 32 at bits
// 6 - 2 * (j / 32); then one f32 scale and 28 zero bytes for the tensor.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "src/quant/ref.h"
#include "src/quant/ternary.h"
#include "src/quant/ternary_layout.h"

namespace axq {

void PackI2sCodes(const uint8_t* codes, uint8_t* dst, int64_t k) {
  for (int64_t b = 0; b < k / kI2sBlock; ++b, codes += kI2sBlock, dst += kI2sBlockBytes) {
    for (int m = 0; m < 32; ++m) {
      dst[m] = static_cast<uint8_t>((codes[m] << 6) | (codes[32 + m] << 4) | (codes[64 + m] << 2) |
                                    codes[96 + m]);
    }
  }
}

void WriteI2sTail(uint8_t* tail, float scale) {
  std::memset(tail, 0, kI2sTailBytes);
  StoreF32LE(tail, scale);
}

float I2sReferenceScale(const float* x, int64_t k) {
  double max = 0.0;  // bitnet.cpp keeps it in double; the max of floats is exact anyway
  for (int64_t i = 0; i < k; ++i) max = std::fmax(max, std::fabs(static_cast<double>(x[i])));
  return static_cast<float>(max);
}

uint8_t I2sReferenceCode(float w, float scale) {
  if (std::fabs(static_cast<double>(w)) < 1e-6) return 1;
  return w * scale > 0.0f ? 2 : 0;
}

void PackI2sReferenceCodes(const float* x, uint8_t* dst, int64_t k, float scale) {
  uint8_t codes[kI2sBlock];
  for (int64_t b = 0; b < k / kI2sBlock; ++b, x += kI2sBlock, dst += kI2sBlockBytes) {
    for (int j = 0; j < kI2sBlock; ++j) codes[j] = I2sReferenceCode(x[j], scale);
    PackI2sCodes(codes, dst, kI2sBlock);
  }
}

void quantize_i2_s_ref(const float* x, void* y, int64_t k) {
  uint8_t* out = static_cast<uint8_t*>(y);
  const float scale = I2sReferenceScale(x, k);
  PackI2sReferenceCodes(x, out, k, scale);
  WriteI2sTail(out + k / 4, scale);
}

void DequantizeI2sCodes(const uint8_t* codes, float scale, float* y, int64_t k) {
  for (int64_t b = 0; b < k / kI2sBlock; ++b, codes += kI2sBlockBytes, y += kI2sBlock) {
    for (int j = 0; j < kI2sBlock; ++j) {
      y[j] = scale * static_cast<float>(I2sCode(codes, j) - 1);
    }
  }
}

void dequantize_i2_s_ref(const void* x, float* y, int64_t k) {
  const uint8_t* in = static_cast<const uint8_t*>(x);
  DequantizeI2sCodes(in, LoadF32LE(in + k / 4), y, k);
}

}  // namespace axq
