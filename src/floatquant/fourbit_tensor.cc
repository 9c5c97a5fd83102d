#include "src/floatquant/fourbit_tensor.h"

#include <atomic>
#include <cmath>
#include <cstring>

#include "src/core/parallel.h"
#include "src/floatquant/double_quant.h"
#include "src/floatquant/floatquant_kernels.h"

namespace axq {
namespace {

constexpr uint32_t kMinBlock = 32;
constexpr uint32_t kMaxBlock = 4096;
// Values per parallel chunk (rounded to whole blocks).
constexpr int64_t kChunkElements = int64_t{1} << 16;

uint64_t CeilDiv(uint64_t a, uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

Status CheckLayout(int32_t kind, uint32_t block_size, uint32_t double_quant, const char* where) {
  if (kind != static_cast<int32_t>(FourBitKind::kNf4) && kind != static_cast<int32_t>(FourBitKind::kFp4)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s->kind: %d is not an axq_4bit_kind (AXQ_4BIT_NF4 0, AXQ_4BIT_FP4 1)",
                where, kind);
  }
  if (block_size < kMinBlock || block_size > kMaxBlock || (block_size & (block_size - 1)) != 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s->block_size: %u is not a power of two in %u..%u", where, block_size,
                kMinBlock, kMaxBlock);
  }
  if (double_quant > 1) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s->double_quant: %u is neither 0 nor 1", where, double_quant);
  }
  return OkStatus();
}

int64_t BlocksPerChunk(uint32_t block_size) {
  const int64_t blocks = kChunkElements / block_size;
  return blocks > 0 ? blocks : 1;
}

Status FindNonFinite(const float* src, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(src[i])) {
      return Fail(AXQ_ERR_NON_FINITE, "src[%zu]: %g is not finite; NF4/FP4 cannot hold NaN or Inf", i,
                  static_cast<double>(src[i]));
    }
  }
  return Fail(AXQ_ERR_INTERNAL, "src: non-finite value reported but not found");
}

Status RequireFinite(const float* values, size_t count, const char* name) {
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) {
      return Fail(AXQ_ERR_NON_FINITE, "%s[%zu]: %g is not finite", name, i, static_cast<double>(values[i]));
    }
  }
  return OkStatus();
}

}  // namespace

uint64_t FourBitBlockCount(const axq_nf4_tensor& t) { return CeilDiv(t.n, t.block_size); }

Status NewFourBitTensor(std::unique_ptr<axq_nf4_tensor>* out, const float* src, size_t n,
                        const axq_nf4_options_t& opts) {
  if (src == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "src: NULL");
  if (n == 0) return Fail(AXQ_ERR_INVALID_ARGUMENT, "n: must be positive, got 0");
  if (n > static_cast<size_t>(INT64_MAX)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "n: %zu values are more than libaxq can index", n);
  }
  AXQ_RETURN_IF_ERROR(CheckLayout(opts.kind, opts.block_size, opts.double_quant, "opts"));
  auto t = std::make_unique<axq_nf4_tensor>();
  t->kind = static_cast<FourBitKind>(opts.kind);
  t->block_size = opts.block_size;
  t->double_quant = opts.double_quant != 0;
  t->n = n;
  const uint64_t blocks = FourBitBlockCount(*t);
  t->packed_size = CeilDiv(n, 2);
  t->packed.reset(new uint8_t[t->packed_size]);
  std::unique_ptr<float[]> absmax(new float[blocks]);

  const FloatQuantKernels& k = FloatQuantKernelsFor();
  const size_t block = opts.block_size;
  std::atomic<bool> finite{true};
  ParallelFor(static_cast<int64_t>(blocks), ResolveThreadCount(opts.n_threads), BlocksPerChunk(opts.block_size),
              [&](int64_t begin, int64_t end) {
                const size_t first = static_cast<size_t>(begin) * block;
                const size_t last = static_cast<size_t>(end) * block < n ? static_cast<size_t>(end) * block : n;
                if (!k.quantize_4bit(src + first, last - first, block, opts.kind, t->packed.get() + first / 2,
                                     absmax.get() + begin)) {
                  finite.store(false, std::memory_order_relaxed);
                }
              });
  if (!finite.load()) return FindNonFinite(src, n);

  if (t->double_quant) {
    DoubleQuantized dq;
    DoubleQuantize(absmax.get(), blocks, &dq);
    t->absmax_codes = std::move(dq.codes);
    t->absmax2 = std::move(dq.absmax2);
    t->offset = dq.offset;
  } else {
    t->absmax.assign(absmax.get(), absmax.get() + blocks);
  }
  *out = std::move(t);
  return OkStatus();
}

Status FourBitTensorFromParts(std::unique_ptr<axq_nf4_tensor>* out, const axq_nf4_parts_t& p) {
  AXQ_RETURN_IF_ERROR(CheckLayout(p.kind, p.block_size, p.double_quant, "parts"));
  if (p.n == 0) return Fail(AXQ_ERR_INVALID_ARGUMENT, "parts->n: must be positive, got 0");
  if (p.n > static_cast<uint64_t>(INT64_MAX)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "parts->n: %llu values are more than libaxq can index",
                static_cast<unsigned long long>(p.n));
  }
  if (p.packed == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "parts->packed: NULL");
  auto t = std::make_unique<axq_nf4_tensor>();
  t->kind = static_cast<FourBitKind>(p.kind);
  t->block_size = p.block_size;
  t->double_quant = p.double_quant != 0;
  t->n = p.n;
  const uint64_t blocks = FourBitBlockCount(*t);
  if (t->double_quant) {
    if (p.absmax != nullptr) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "parts->absmax: must be NULL with double_quant (use absmax_codes)");
    }
    if (p.absmax_codes == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "parts->absmax_codes: NULL");
    if (p.absmax2 == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "parts->absmax2: NULL");
    if (!std::isfinite(p.offset)) {
      return Fail(AXQ_ERR_NON_FINITE, "parts->offset: %g is not finite", static_cast<double>(p.offset));
    }
    const uint64_t groups = CeilDiv(blocks, kDoubleQuantGroup);
    AXQ_RETURN_IF_ERROR(RequireFinite(p.absmax2, groups, "parts->absmax2"));
    t->absmax_codes.assign(p.absmax_codes, p.absmax_codes + blocks);
    t->absmax2.assign(p.absmax2, p.absmax2 + groups);
    t->offset = p.offset;
  } else {
    if (p.absmax_codes != nullptr || p.absmax2 != nullptr) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT,
                  "parts->absmax_codes, parts->absmax2: must be NULL without double_quant (use absmax)");
    }
    if (p.absmax == nullptr) return Fail(AXQ_ERR_INVALID_ARGUMENT, "parts->absmax: NULL");
    AXQ_RETURN_IF_ERROR(RequireFinite(p.absmax, blocks, "parts->absmax"));
    t->absmax.assign(p.absmax, p.absmax + blocks);
  }
  t->packed_size = CeilDiv(p.n, 2);
  t->packed.reset(new uint8_t[t->packed_size]);
  std::memcpy(t->packed.get(), p.packed, t->packed_size);
  *out = std::move(t);
  return OkStatus();
}

void EffectiveAbsmax(const axq_nf4_tensor& t, float* out) {
  const size_t blocks = FourBitBlockCount(t);
  if (t.double_quant) {
    DoubleDequantize(t.absmax_codes.data(), t.absmax2.data(), t.offset, blocks, out);
  } else {
    std::memcpy(out, t.absmax.data(), blocks * sizeof(float));
  }
}

void DequantizeFourBitTensor(const axq_nf4_tensor& t, float* dst, unsigned threads) {
  const uint64_t blocks = FourBitBlockCount(t);
  std::vector<float> absmax(blocks);
  EffectiveAbsmax(t, absmax.data());
  const FloatQuantKernels& k = FloatQuantKernelsFor();
  const size_t block = t.block_size;
  const size_t n = t.n;
  ParallelFor(static_cast<int64_t>(blocks), threads, BlocksPerChunk(t.block_size), [&](int64_t begin, int64_t end) {
    const size_t first = static_cast<size_t>(begin) * block;
    const size_t last = static_cast<size_t>(end) * block < n ? static_cast<size_t>(end) * block : n;
    k.dequantize_4bit(t.packed.get() + first / 2, last - first, block, static_cast<int32_t>(t.kind),
                      absmax.data() + begin, dst + first);
  });
}

void FillFourBitInfo(const axq_nf4_tensor& t, axq_nf4_info_t* info) {
  const uint64_t blocks = FourBitBlockCount(t);
  info->kind = static_cast<int32_t>(t.kind);
  info->block_size = t.block_size;
  info->double_quant = t.double_quant ? 1 : 0;
  info->n = t.n;
  info->block_count = blocks;
  info->packed_bytes = t.packed_size;
  info->group_size = t.double_quant ? kDoubleQuantGroup : 0;
  info->group_count = t.double_quant ? t.absmax2.size() : 0;
  info->total_bytes = t.double_quant ? info->packed_bytes + blocks + 4 * info->group_count + 4
                                     : info->packed_bytes + 4 * blocks;
  info->bits_per_parameter = 8.0 * static_cast<double>(info->total_bytes) / static_cast<double>(t.n);
}

void FillFourBitParts(const axq_nf4_tensor& t, axq_nf4_parts_t* parts) {
  parts->kind = static_cast<int32_t>(t.kind);
  parts->block_size = t.block_size;
  parts->double_quant = t.double_quant ? 1 : 0;
  parts->n = t.n;
  parts->packed = t.packed.get();
  parts->absmax = t.double_quant ? nullptr : t.absmax.data();
  parts->absmax_codes = t.double_quant ? t.absmax_codes.data() : nullptr;
  parts->absmax2 = t.double_quant ? t.absmax2.data() : nullptr;
  parts->offset = t.double_quant ? t.offset : 0.0f;
}

}  // namespace axq
