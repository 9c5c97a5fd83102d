#include "src/core/convert.h"

#include <atomic>
#include <cmath>

#include "src/core/parallel.h"

namespace axq {
namespace {

// Below this many elements per thread, starting a thread costs more than it
// saves (about 256 KiB of f32 input).
constexpr int64_t kMinElementsPerThread = 64 * 1024;

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
                        void* dst, int64_t n, unsigned threads) {
  const int64_t be = traits.block_elems;
  const int64_t bb = traits.block_bytes;
  std::atomic<bool> all_finite{true};
  ParallelFor(n / be, threads, kMinElementsPerThread / be, [&](int64_t begin, int64_t end) {
    uint8_t* out = static_cast<uint8_t*>(dst) + begin * bb;
    if (!kernels.quantize(src + begin * be, out, (end - begin) * be)) {
      all_finite.store(false, std::memory_order_relaxed);
    }
  });
  if (all_finite.load()) return OkStatus();
  int64_t bad = 0;
  while (bad < n && std::isfinite(src[bad])) ++bad;
  return Fail(AXQ_ERR_NON_FINITE, "src[%lld] = %g: %s cannot represent NaN or Inf",
              static_cast<long long>(bad), bad < n ? static_cast<double>(src[bad]) : 0.0,
              traits.name);
}

void DequantizeElements(const FormatKernels& kernels, const TypeTraits& traits, const void* src,
                        float* dst, int64_t n, unsigned threads) {
  const int64_t be = traits.block_elems;
  const int64_t bb = traits.block_bytes;
  ParallelFor(n / be, threads, kMinElementsPerThread / be, [&](int64_t begin, int64_t end) {
    kernels.dequantize(static_cast<const uint8_t*>(src) + begin * bb, dst + begin * be,
                       (end - begin) * be);
  });
}

}  // namespace axq
