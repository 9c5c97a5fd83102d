#include "src/core/convert.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include "src/core/parallel.h"
#include "src/quant/ternary.h"
#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

// Below this many elements per thread, starting a thread costs more than it
// saves (about 256 KiB of f32 input).
constexpr int64_t kMinElementsPerThread = 64 * 1024;

Status NonFiniteError(const TypeTraits& traits, const float* src, int64_t n) {
  int64_t bad = 0;
  while (bad < n && std::isfinite(src[bad])) ++bad;
  return Fail(AXQ_ERR_NON_FINITE, "src[%lld] = %g: %s cannot represent NaN or Inf",
              static_cast<long long>(bad), bad < n ? static_cast<double>(src[bad]) : 0.0,
              traits.name);
}

// Fixed 64K-element chunks, so that a reduction over them has one order
// whatever the thread count.
template <class ChunkFn>
void ForEachFixedChunk(int64_t n, unsigned threads, ChunkFn&& fn) {
  const int64_t chunks = (n + kAbsmeanChunk - 1) / kAbsmeanChunk;
  ParallelFor(chunks, threads, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const int64_t first = c * kAbsmeanChunk;
      fn(c, first, std::min(n, first + kAbsmeanChunk) - first);
    }
  });
}

bool AllFinite(const float* x, int64_t n, unsigned threads) {
  std::atomic<bool> finite{true};
  ForEachFixedChunk(n, threads, [&](int64_t, int64_t first, int64_t len) {
    for (int64_t i = first; i < first + len; ++i) {
      if (!std::isfinite(x[i])) {
        finite.store(false, std::memory_order_relaxed);
        return;
      }
    }
  });
  return finite.load();
}

// The tensor-wide scale of a ternary quantization.
float TernaryScale(const float* x, int64_t n, unsigned threads, TernaryRule rule) {
  const int64_t chunks = (n + kAbsmeanChunk - 1) / kAbsmeanChunk;
  std::vector<double> partial(static_cast<size_t>(chunks), 0.0);
  ForEachFixedChunk(n, threads, [&](int64_t c, int64_t first, int64_t len) {
    partial[static_cast<size_t>(c)] = rule == TernaryRule::kAbsmean
                                          ? AbsSumChunk(x + first, len)
                                          : static_cast<double>(I2sReferenceScale(x + first, len));
  });
  if (rule == TernaryRule::kReference) {  // the I2_S reference: max |x|
    return static_cast<float>(*std::max_element(partial.begin(), partial.end()));
  }
  double sum = 0.0;
  for (double p : partial) sum += p;
  return AbsmeanScaleFromSum(sum, n);
}

// I2_S under either rule, and TQ1_0/TQ2_0 under absmean: one scale for the
// whole tensor, then blocks in parallel.
Status QuantizeTernaryTensor(const TypeTraits& traits, const float* src, uint8_t* dst, int64_t n,
                             unsigned threads, TernaryRule rule) {
  if (!AllFinite(src, n, threads)) return NonFiniteError(traits, src, n);
  const float scale = TernaryScale(src, n, threads, rule);
  const int64_t be = traits.block_elems;
  const int64_t bb = traits.block_bytes;
  ParallelFor(n / be, threads, kMinElementsPerThread / be, [&](int64_t begin, int64_t end) {
    const float* x = src + begin * be;
    uint8_t* y = dst + begin * bb;
    const int64_t k = (end - begin) * be;
    switch (traits.type) {
      case AXQ_TYPE_I2_S:
        if (rule == TernaryRule::kAbsmean) {
          PackI2sAbsmeanCodes(x, y, k, scale);
        } else {
          PackI2sReferenceCodes(x, y, k, scale);
        }
        break;
      case AXQ_TYPE_TQ1_0: QuantizeTq1_0Absmean(x, y, k, scale); break;
      default: QuantizeTq2_0Absmean(x, y, k, scale); break;
    }
  });
  if (traits.type == AXQ_TYPE_I2_S) WriteI2sTail(dst + n / 4, scale);
  return OkStatus();
}

bool IsTernaryWeight(axq_type type) {
  return type == AXQ_TYPE_I2_S || type == AXQ_TYPE_TQ1_0 || type == AXQ_TYPE_TQ2_0;
}

}  // namespace

Status LookupKernels(const FormatKernels** out, const TypeTraits& traits, const char* arg) {
  *out = KernelsFor(traits.type);
  if (*out == nullptr) {
    return Fail(AXQ_ERR_UNSUPPORTED, "%s: %s is not implemented in this version", arg,
                traits.name);
  }
  return OkStatus();
}

Status QuantizeElements(const FormatKernels& kernels, const TypeTraits& traits, const float* src,
                        void* dst, ElementShape shape, unsigned threads, TernaryRule rule) {
  const int64_t n = shape.count();
  uint8_t* out = static_cast<uint8_t*>(dst);
  if (traits.type == AXQ_TYPE_I2_S ||
      (rule == TernaryRule::kAbsmean && IsTernaryWeight(traits.type))) {
    return QuantizeTernaryTensor(traits, src, out, n, threads, rule);
  }
  std::atomic<bool> all_finite{true};
  if (traits.row_tail_bytes != 0) {  // I8_S: each row has its own scale
    const int64_t row_bytes = shape.row_len + traits.row_tail_bytes;
    ParallelFor(shape.rows, threads, std::max<int64_t>(1, kMinElementsPerThread / shape.row_len),
                [&](int64_t begin, int64_t end) {
                  for (int64_t r = begin; r < end; ++r) {
                    if (!kernels.quantize(src + r * shape.row_len, out + r * row_bytes,
                                          shape.row_len)) {
                      all_finite.store(false, std::memory_order_relaxed);
                    }
                  }
                });
  } else {
    const int64_t be = traits.block_elems;
    const int64_t bb = traits.block_bytes;
    ParallelFor(n / be, threads, kMinElementsPerThread / be, [&](int64_t begin, int64_t end) {
      if (!kernels.quantize(src + begin * be, out + begin * bb, (end - begin) * be)) {
        all_finite.store(false, std::memory_order_relaxed);
      }
    });
  }
  if (all_finite.load()) return OkStatus();
  return NonFiniteError(traits, src, n);
}

void DequantizeElements(const FormatKernels& kernels, const TypeTraits& traits, const void* src,
                        float* dst, ElementShape shape, unsigned threads) {
  const uint8_t* in = static_cast<const uint8_t*>(src);
  const int64_t n = shape.count();
  if (traits.type == AXQ_TYPE_I2_S) {
    const float scale = LoadF32LE(in + n / 4);
    ParallelFor(n / kI2sBlock, threads, kMinElementsPerThread / kI2sBlock,
                [&](int64_t begin, int64_t end) {
                  DequantizeI2sCodes(in + begin * kI2sBlockBytes, scale, dst + begin * kI2sBlock,
                                     (end - begin) * kI2sBlock);
                });
    return;
  }
  if (traits.row_tail_bytes != 0) {
    const int64_t row_bytes = shape.row_len + traits.row_tail_bytes;
    ParallelFor(shape.rows, threads, std::max<int64_t>(1, kMinElementsPerThread / shape.row_len),
                [&](int64_t begin, int64_t end) {
                  for (int64_t r = begin; r < end; ++r) {
                    kernels.dequantize(in + r * row_bytes, dst + r * shape.row_len,
                                       shape.row_len);
                  }
                });
    return;
  }
  const int64_t be = traits.block_elems;
  const int64_t bb = traits.block_bytes;
  ParallelFor(n / be, threads, kMinElementsPerThread / be, [&](int64_t begin, int64_t end) {
    kernels.dequantize(in + begin * bb, dst + begin * be, (end - begin) * be);
  });
}

}  // namespace axq
