#include "src/floatquant/fp8_tensor.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "src/core/parallel.h"
#include "src/floatquant/floatquant_kernels.h"

namespace axq {
namespace {

// Elements per parallel chunk: big enough that the pool's overhead is noise.
constexpr int64_t kChunkElements = int64_t{1} << 16;

// max |x| as f32 bits (order-free, so any split gives the same answer);
// NaN/Inf give a value >= 0x7F800000.
uint32_t MaxMagnitudeBits(const float* x, size_t n) {
  uint32_t max_bits = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, x + i, sizeof(bits));
    bits &= 0x7FFFFFFFu;
    max_bits = bits > max_bits ? bits : max_bits;
  }
  return max_bits;
}

float FloatFromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

Status ReportNonFinite(const float* src, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(src[i])) {
      return Fail(AXQ_ERR_NON_FINITE, "src[%zu]: %g is not finite; axq_fp8_encode converts NaN/Inf", i,
                  static_cast<double>(src[i]));
    }
  }
  return Fail(AXQ_ERR_INTERNAL, "src: non-finite value reported but not found");
}

}  // namespace

float Fp8ScaleFor(float amax, Fp8Format format) {
  if (amax == 0.0f) return 1.0f;
  const float scale = amax / Fp8SpecFor(format).max_finite;
  return scale == 0.0f ? std::numeric_limits<float>::denorm_min() : scale;
}

Status Fp8QuantizeMatrix(uint8_t* codes, float* scales, const float* src, const Fp8Matrix& m, unsigned threads) {
  const size_t cols = static_cast<size_t>(m.cols);
  const size_t n = static_cast<size_t>(m.rows) * cols;
  // Per-row maxima first (in parallel; max does not depend on the split).
  std::vector<uint32_t> row_max(static_cast<size_t>(m.rows));
  const int64_t rows_per_chunk = m.cols >= kChunkElements ? 1 : kChunkElements / m.cols;
  ParallelFor(m.rows, threads, rows_per_chunk, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) row_max[r] = MaxMagnitudeBits(src + r * m.cols, cols);
  });
  uint32_t all_max = 0;
  for (uint32_t bits : row_max) all_max = bits > all_max ? bits : all_max;
  if (all_max >= 0x7F800000u) return ReportNonFinite(src, n);

  const FloatQuantKernels& k = FloatQuantKernelsFor();
  const int32_t format = static_cast<int32_t>(m.format);
  if (!m.per_row) {
    const float scale = Fp8ScaleFor(FloatFromBits(all_max), m.format);
    scales[0] = scale;
    ParallelFor(static_cast<int64_t>(n), threads, kChunkElements, [&](int64_t begin, int64_t end) {
      k.fp8_encode(src + begin, static_cast<size_t>(end - begin), format, scale, codes + begin);
    });
    return OkStatus();
  }
  for (int64_t r = 0; r < m.rows; ++r) scales[r] = Fp8ScaleFor(FloatFromBits(row_max[r]), m.format);
  ParallelFor(m.rows, threads, rows_per_chunk, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      k.fp8_encode(src + r * m.cols, cols, format, scales[r], codes + r * m.cols);
    }
  });
  return OkStatus();
}

void Fp8DequantizeMatrix(float* dst, const uint8_t* codes, const float* scales, const Fp8Matrix& m,
                         unsigned threads) {
  const FloatQuantKernels& k = FloatQuantKernelsFor();
  const int32_t format = static_cast<int32_t>(m.format);
  const size_t cols = static_cast<size_t>(m.cols);
  if (!m.per_row) {
    const int64_t n = m.rows * m.cols;
    ParallelFor(n, threads, kChunkElements, [&](int64_t begin, int64_t end) {
      k.fp8_decode(codes + begin, static_cast<size_t>(end - begin), format, scales[0], dst + begin);
    });
    return;
  }
  const int64_t rows_per_chunk = m.cols >= kChunkElements ? 1 : kChunkElements / m.cols;
  ParallelFor(m.rows, threads, rows_per_chunk, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      k.fp8_decode(codes + r * m.cols, cols, format, scales[r], dst + r * m.cols);
    }
  });
}

}  // namespace axq
