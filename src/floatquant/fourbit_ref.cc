// NF4 / FP4 reference (floatquant.h, "NF4 and FP4"): per block absmax,
// v = x * (1 / absmax), code = thresholds crossed, high nibble first.
#include <cmath>
#include <cstdint>
#include <limits>

#include "src/floatquant/floatquant_ref.h"
#include "src/floatquant/fourbit_tables.h"

namespace axq {
namespace {

uint8_t Nf4Code(float v) {
  uint8_t code = 0;
  for (float t : kNf4Thresholds) code = static_cast<uint8_t>(code + (v > t ? 1 : 0));
  return code;
}

uint8_t Fp4Code(float v) {
  const uint32_t sign = v < 0.0f ? 8u : 0u;  // -0 is not below 0: it gets code 0
  const float magnitude = std::fabs(v);
  uint32_t code = 0;
  for (int k = 0; k < 7; ++k) {
    if (magnitude > kFp4Thresholds[k]) code += kFp4Steps[k];
  }
  return static_cast<uint8_t>(code | sign);
}

uint8_t Code(float v, FourBitKind kind) { return kind == FourBitKind::kNf4 ? Nf4Code(v) : Fp4Code(v); }

}  // namespace

void quantize_4bit_block_ref(const float* x, size_t len, FourBitKind kind, uint8_t* packed,
                             float* absmax) {
  float amax = 0.0f;
  for (size_t i = 0; i < len; ++i) amax = std::fmax(amax, std::fabs(x[i]));
  *absmax = amax;
  // A subnormal absmax has no finite reciprocal in general: scale the block
  // by 2^64 first, which is exact and leaves every ratio unchanged.
  const float pre = amax < std::numeric_limits<float>::min() ? kSubnormalBlockScale : 1.0f;
  const float inv = amax == 0.0f ? 0.0f : 1.0f / (amax * pre);
  for (size_t i = 0; i < len; i += 2) {
    const uint8_t high = Code((x[i] * pre) * inv, kind);
    const uint8_t low = i + 1 < len ? Code((x[i + 1] * pre) * inv, kind)
                                    : (kind == FourBitKind::kNf4 ? kNf4ZeroCode : kFp4ZeroCode);
    packed[i / 2] = static_cast<uint8_t>((high << 4) | low);
  }
}

bool quantize_4bit_ref(const float* x, size_t n, size_t block, FourBitKind kind, uint8_t* packed,
                       float* absmax) {
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) return false;
  }
  for (size_t start = 0, b = 0; start < n; start += block, ++b) {
    const size_t len = n - start < block ? n - start : block;
    quantize_4bit_block_ref(x + start, len, kind, packed + start / 2, absmax + b);
  }
  return true;
}

void dequantize_4bit_ref(const uint8_t* packed, size_t n, size_t block, FourBitKind kind,
                         const float* absmax, float* y) {
  const float* values = FourBitValues(kind);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t byte = packed[i / 2];
    const uint8_t code = (i % 2 == 0) ? static_cast<uint8_t>(byte >> 4) : static_cast<uint8_t>(byte & 0x0F);
    y[i] = values[code] * absmax[i / block];
  }
}

}  // namespace axq
