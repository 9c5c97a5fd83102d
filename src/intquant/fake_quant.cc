#include "src/intquant/fake_quant.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>

#include "src/core/parallel.h"
#include "src/intquant/int_codec.h"
#include "src/intquant/int_layout.h"
#include "src/intquant/int_params.h"
#include "src/intquant/intquant_kernels.h"

namespace axq {
namespace {

constexpr int64_t kChunkElements = 16384;
constexpr int64_t kMinElementsPerThread = 65536;

Status CheckCount(size_t n, const char* name) {
  if (n == 0) return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: 0 elements; nothing to do is an error here", name);
  if (n > static_cast<size_t>(PTRDIFF_MAX) / sizeof(float)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: %zu elements exceed the address space", name, n);
  }
  return OkStatus();
}

// Two arrays of n floats must be the same array or not overlap at all.
Status CheckAliasing(const float* out, const float* in, size_t n, const char* out_name, const char* in_name) {
  const auto a = reinterpret_cast<uintptr_t>(out);
  const auto b = reinterpret_cast<uintptr_t>(in);
  const uintptr_t bytes = n * sizeof(float);
  if (a != b && a < b + bytes && b < a + bytes) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: overlaps %s without being the same array", out_name, in_name);
  }
  return OkStatus();
}

bool IsPowerOfTwo(float s) {
  int e = 0;
  return std::frexp(s, &e) == 0.5f;
}

Status CheckParams(const axq_fake_quant_params_t& p) {
  AXQ_RETURN_IF_ERROR(CheckBitsAndScheme(p.bits, p.scheme, "params->bits", "params->scheme"));
  if (p.ste != AXQ_STE_PLAIN && p.ste != AXQ_STE_CLAMPED) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "params->ste: %d is not an axq_ste (0 plain, 1 clamped)", p.ste);
  }
  if (!(std::isfinite(p.scale) && p.scale > 0.0f)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "params->scale: %g; a scale must be finite and positive",
                static_cast<double>(p.scale));
  }
  if (p.scheme == AXQ_INT_POWER_OF_TWO && !IsPowerOfTwo(p.scale)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "params->scale: %g is not a power of two (scheme power of two)",
                static_cast<double>(p.scale));
  }
  if (p.scheme == AXQ_INT_AFFINE) {
    const int32_t levels = (1 << p.bits) - 1;
    if (p.zero_point < 0 || p.zero_point > levels) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "params->zero_point: %d is outside the codes 0..%d of %u-bit affine",
                  p.zero_point, levels, p.bits);
    }
  } else if (p.zero_point != 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "params->zero_point: %d; the symmetric schemes have zero point 0",
                p.zero_point);
  }
  return OkStatus();
}

}  // namespace

Status FakeQuantize(float* y, uint8_t* mask, size_t n, const float* x, const axq_fake_quant_params_t& params,
                    KernelSet set) {
  if (y == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "y: NULL");
  if (x == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "x: NULL");
  AXQ_RETURN_IF_ERROR(CheckCount(n, "n"));
  AXQ_RETURN_IF_ERROR(CheckAliasing(y, x, n, "y", "x"));
  AXQ_RETURN_IF_ERROR(CheckParams(params));
  const IntCodec codec = MakeIntCodec(static_cast<int32_t>(params.bits), static_cast<IntScheme>(params.scheme));
  const float scale = params.scale;
  const float zero_point = static_cast<float>(params.zero_point);
  const bool clamped = params.ste == AXQ_STE_CLAMPED;
  const IntQuantKernels& k = IntQuantKernelsFor(set);
  const int64_t count = static_cast<int64_t>(n);
  const int64_t chunks = (count + kChunkElements - 1) / kChunkElements;
  // The first NaN/Inf over all chunks; a chunk stops at its first, before
  // writing it, so in place the value is still in x to be reported.
  std::atomic<int64_t> first_bad{count};
  ParallelFor(chunks, ResolveThreadCount(params.n_threads), kMinElementsPerThread / kChunkElements,
              [&](int64_t begin, int64_t end) {
                for (int64_t c = begin; c < end; ++c) {
                  const int64_t first = c * kChunkElements;
                  const int64_t len = std::min(kChunkElements, count - first);
                  const int64_t bad = k.fake_quantize(x + first, len, len, &scale, &zero_point, codec, clamped,
                                                      y + first, mask == nullptr ? nullptr : mask + first);
                  if (bad < 0) continue;
                  int64_t seen = first_bad.load(std::memory_order_relaxed);
                  while (first + bad < seen &&
                         !first_bad.compare_exchange_weak(seen, first + bad, std::memory_order_relaxed)) {
                  }
                  return;  // later chunks of this range cannot hold an earlier value
                }
              });
  const int64_t bad = first_bad.load();
  if (bad < count) {
    return Fail(AXQ_ERR_NON_FINITE, "x[%lld]: %g is not finite", static_cast<long long>(bad),
                static_cast<double>(x[bad]));
  }
  return OkStatus();
}

Status FakeQuantParamsFromRange(axq_fake_quant_params_t* params, float min_value, float max_value) {
  AXQ_RETURN_IF_ERROR(CheckBitsAndScheme(params->bits, params->scheme, "params->bits", "params->scheme"));
  if (!std::isfinite(min_value) || !std::isfinite(max_value)) {
    return Fail(AXQ_ERR_NON_FINITE, "min_value, max_value: %g, %g; the range must be finite",
                static_cast<double>(min_value), static_cast<double>(max_value));
  }
  if (min_value > max_value) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "min_value: %g is above max_value %g", static_cast<double>(min_value),
                static_cast<double>(max_value));
  }
  const IntCodec codec = MakeIntCodec(static_cast<int32_t>(params->bits), static_cast<IntScheme>(params->scheme));
  IntRange range;
  const uint32_t lo_bits = AbsBits(min_value);
  const uint32_t hi_bits = AbsBits(max_value);
  range.abs_bits = lo_bits > hi_bits ? lo_bits : hi_bits;
  range.min = min_value;
  range.max = max_value;
  const IntParams p = ParamsFromRange(codec, range);
  params->scale = p.scale;
  params->zero_point = static_cast<int32_t>(p.zero_point);
  return OkStatus();
}

Status SteBackward(float* grad_in, const float* grad_out, const uint8_t* mask, size_t n) {
  if (grad_in == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "grad_in: NULL");
  if (grad_out == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "grad_out: NULL");
  AXQ_RETURN_IF_ERROR(CheckCount(n, "n"));
  AXQ_RETURN_IF_ERROR(CheckAliasing(grad_in, grad_out, n, "grad_in", "grad_out"));
  // Checked first, so that an in-place call fails before it writes.
  uint32_t worst = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t bits = AbsBits(grad_out[i]);
    worst = bits > worst ? bits : worst;
  }
  if (worst >= kNonFiniteBits) return FailFirstNonFinite(grad_out, static_cast<int64_t>(n), "grad_out");
  for (size_t i = 0; i < n; ++i) {
    grad_in[i] = mask == nullptr || mask[i] != 0 ? grad_out[i] : 0.0f;
  }
  return OkStatus();
}

}  // namespace axq
