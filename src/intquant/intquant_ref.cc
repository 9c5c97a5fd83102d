// Scalar references of the integer-quantization kernels (intquant_kernels.h):
// one element at a time, straight from the formulas in int_codec.h.
#include <cstdint>

#include "src/intquant/int_codec.h"
#include "src/intquant/intquant_kernels.h"

namespace axq {
namespace {

}  // namespace

IntRange int_range_ref(const float* x, int64_t n, bool with_min_max) {
  IntRange r;
  r.min = x[0];
  r.max = x[0];
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t bits = AbsBits(x[i]);
    r.abs_bits = bits > r.abs_bits ? bits : r.abs_bits;
    if (with_min_max) {
      r.min = x[i] < r.min ? x[i] : r.min;
      r.max = x[i] > r.max ? x[i] : r.max;
    }
  }
  return r;
}

int64_t quantize_groups_int_ref(const float* x, int64_t n_groups, int64_t g, const IntCodec& codec, uint8_t* codes,
                                float* scales, float* zero_points) {
  for (int64_t k = 0; k < n_groups; ++k) {
    const float* group = x + k * g;
    const IntRange range = int_range_ref(group, g, codec.affine());
    if (range.abs_bits >= kNonFiniteBits) return k;
    const IntParams p = ParamsFromRange(codec, range);
    scales[k] = p.scale;
    zero_points[k] = p.zero_point;
    for (int64_t i = 0; i < g; ++i) {
      const float level = QuantizeLevel(group[i], p.scale, p.zero_point, codec);
      PutCode(codes, k * g + i, StoredCode(level, codec), codec);
    }
  }
  return -1;
}

void encode_span_int_ref(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                         const IntCodec& codec, uint8_t* codes) {
  for (int64_t i = 0; i < n; ++i) {
    const float level = QuantizeLevel(x[i], scales[i / g], zero_points[i / g], codec);
    PutCode(codes, i, StoredCode(level, codec), codec);
  }
}

void decode_span_int_ref(const uint8_t* codes, int64_t n, int64_t g, const float* scales, const float* zero_points,
                         const IntCodec& codec, float* y) {
  for (int64_t i = 0; i < n; ++i) {
    const float level = static_cast<float>(CodeValue(GetCode(codes, i, codec), codec));
    y[i] = DequantizeLevel(level, scales[i / g], zero_points[i / g]);
  }
}

int64_t fake_quantize_span_ref(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                            const IntCodec& codec, bool clamped_ste, float* y, uint8_t* mask) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (AbsBits(v) >= kNonFiniteBits) return i;
    const float s = scales[i / g];
    const float zp = zero_points[i / g];
    y[i] = DequantizeLevel(QuantizeLevel(v, s, zp, codec), s, zp);
    if (mask != nullptr) {
      const SteBounds b = RepresentableRange(s, zp, codec);
      mask[i] = !clamped_ste || (v >= b.lo && v <= b.hi) ? 1 : 0;
    }
  }
  return -1;
}

}  // namespace axq
