// bitsandbytes' double quantization of the 4-bit formats' absmax values
// (floatquant.h, "Storage"): an offset (their mean) and the differences
// coded on the 256-entry dynamic map in groups of 256, each group with an
// f32 absmax2.
#ifndef AXQ_FLOATQUANT_DOUBLE_QUANT_H_
#define AXQ_FLOATQUANT_DOUBLE_QUANT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace axq {

constexpr size_t kDoubleQuantGroup = 256;

// create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8), each
// exact value rounded once to f32, ascending.
const std::array<float, 256>& DynamicMap();

// Index of the map entry nearest to v; a v equal to the f32 midpoint of two
// entries takes the lower index.
uint8_t NearestDynamicCode(float v);

struct DoubleQuantized {
  std::vector<uint8_t> codes;   // one per block
  std::vector<float> absmax2;   // one per group of kDoubleQuantGroup blocks
  float offset = 0.0f;
};

// Compresses `count` (> 0) finite absmax values.
void DoubleQuantize(const float* absmax, size_t count, DoubleQuantized* out);

// The effective absmax of block i: map[codes[i]] * absmax2[i / 256] + offset.
void DoubleDequantize(const uint8_t* codes, const float* absmax2, float offset, size_t count, float* out);

}  // namespace axq

#endif  // AXQ_FLOATQUANT_DOUBLE_QUANT_H_
