#include "src/matmul/activations.h"

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "src/core/parallel.h"
#include "src/core/type_traits.h"
#include "src/matmul/kquant_blocks.h"
#include "src/quant/half.h"
#include "src/quant/ternary_layout.h"
#include "src/simd/kernels.h"

namespace axq {
namespace {

constexpr int64_t kStrideAlign = 64;

struct FreeAligned {
  void operator()(void* p) const { std::free(p); }
};

void* AllocateAligned(size_t bytes) {
  const size_t padded = (bytes + kStrideAlign - 1) / kStrideAlign * kStrideAlign;
  void* p = std::aligned_alloc(kStrideAlign, padded == 0 ? kStrideAlign : padded);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, padded == 0 ? kStrideAlign : padded);
  return p;
}

int64_t RoundUp(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

// Rows per thread chunk: enough work to pay for a wake-up.
int64_t MinRowsPerThread(int64_t k) { return std::max<int64_t>(1, (1 << 16) / k); }

}  // namespace

void PermuteForI2s(const int8_t* natural, int8_t* permuted, int64_t k) {
  const int64_t paired = k / 256 * 256;
  for (int64_t base = 0; base < paired; base += 256) {
    for (int group = 0; group < 4; ++group) {
      for (int block = 0; block < 2; ++block) {
        std::memcpy(permuted + base + (2 * group + block) * 32, natural + base + block * 128 + group * 32, 32);
      }
    }
  }
  std::memcpy(permuted + paired, natural + paired, static_cast<size_t>(k - paired));
}

struct PreparedActivations::Storage {
  std::unique_ptr<int8_t, FreeAligned> q;
  std::unique_ptr<float, FreeAligned> d, s, f;
  std::unique_ptr<int32_t, FreeAligned> sum;
  std::unique_ptr<int16_t, FreeAligned> sum16;
};

PreparedActivations::PreparedActivations() : storage_(new Storage) {}
PreparedActivations::~PreparedActivations() = default;

Status PreparedActivations::Quantize(axq_type partner, const float* x, int64_t rows, int64_t k,
                                     unsigned threads) {
  view_ = ActivationView{};
  view_.rows = rows;
  view_.k = k;
  if (partner == AXQ_TYPE_F32) {  // used in place
    view_.f = x;
    view_.f_stride = k;
    return OkStatus();
  }
  const TypeTraits* traits = FindTypeTraits(partner);
  const FormatKernels* kernels = KernelsFor(partner);
  if (traits == nullptr || kernels == nullptr) {
    return Fail(AXQ_ERR_INTERNAL, "internal error: no kernels for activation type %d", partner);
  }
  size_t row_bytes = 0;
  AXQ_RETURN_IF_ERROR(CheckedRowBytes(&row_bytes, *traits, k, "x dims[0]"));

  if (partner == AXQ_TYPE_F16 || partner == AXQ_TYPE_BF16) {
    // Values rounded to the half type, kept as f32 (exact).
    view_.f_stride = RoundUp(k, kStrideAlign / 4);
    storage_->f.reset(static_cast<float*>(AllocateAligned(sizeof(float) * view_.f_stride * rows)));
    float* f = storage_->f.get();
    ParallelFor(rows, threads, MinRowsPerThread(k), [&](int64_t begin, int64_t end) {
      std::vector<uint8_t> half(row_bytes);
      for (int64_t r = begin; r < end; ++r) {
        (void)kernels->quantize(x + r * k, half.data(), k);
        kernels->dequantize(half.data(), f + r * view_.f_stride, k);
      }
    });
    view_.f = f;
    return OkStatus();
  }

  const bool i8s = partner == AXQ_TYPE_I8_S;
  view_.blocks = i8s ? 1 : k / traits->block_elems;
  view_.q_stride = RoundUp(k, kStrideAlign);
  storage_->q.reset(static_cast<int8_t*>(AllocateAligned(static_cast<size_t>(view_.q_stride * rows))));
  const size_t per_block = static_cast<size_t>(view_.blocks * rows);
  storage_->d.reset(static_cast<float*>(AllocateAligned(sizeof(float) * per_block)));
  storage_->sum.reset(static_cast<int32_t*>(AllocateAligned(sizeof(int32_t) * per_block)));
  if (partner == AXQ_TYPE_Q8_1) {
    storage_->s.reset(static_cast<float*>(AllocateAligned(sizeof(float) * per_block)));
  }
  if (partner == AXQ_TYPE_Q8_K) {
    storage_->sum16.reset(static_cast<int16_t*>(AllocateAligned(sizeof(int16_t) * per_block * kQ8KSums)));
  }
  std::atomic<bool> finite{true};
  ParallelFor(rows, threads, MinRowsPerThread(k), [&](int64_t begin, int64_t end) {
    std::vector<uint8_t> packed(row_bytes);
    for (int64_t r = begin; r < end; ++r) {
      if (!kernels->quantize(x + r * k, packed.data(), k)) {
        finite.store(false, std::memory_order_relaxed);
        return;
      }
      int8_t* q = storage_->q.get() + r * view_.q_stride;
      float* d = storage_->d.get() + r * view_.blocks;
      int32_t* sum = storage_->sum.get() + r * view_.blocks;
      switch (partner) {
        case AXQ_TYPE_Q8_0:
        case AXQ_TYPE_Q8_1: {
          const size_t header = partner == AXQ_TYPE_Q8_0 ? 2 : 4;
          const size_t stride = header + 32;
          for (int64_t b = 0; b < view_.blocks; ++b) {
            const uint8_t* block = packed.data() + b * stride;
            d[b] = Fp16ToFp32(LoadLE16(block));
            if (partner == AXQ_TYPE_Q8_1) {
              storage_->s.get()[r * view_.blocks + b] = Fp16ToFp32(LoadLE16(block + 2));
            }
            std::memcpy(q + b * 32, block + header, 32);
          }
          break;
        }
        case AXQ_TYPE_Q8_K: {
          int16_t* sum16 = storage_->sum16.get() + r * view_.blocks * kQ8KSums;
          for (int64_t b = 0; b < view_.blocks; ++b) {
            const uint8_t* block = packed.data() + b * kQ8_KBytes;
            d[b] = LoadF32LE(block);
            std::memcpy(q + b * kSuperBlock, block + kQ8_KQsOffset, kSuperBlock);
          }
          // The K-quant kernels' per-16 sums, from the codes (|sum| <= 16 * 127).
          for (int64_t g = 0; g < view_.blocks * kQ8KSums; ++g) {
            int32_t total = 0;
            for (int i = 0; i < 16; ++i) total += q[16 * g + i];
            sum16[g] = static_cast<int16_t>(total);
          }
          break;
        }
        default:  // I8_S, stored in the I2_S kernels' order, with its own sum
          PermuteForI2s(reinterpret_cast<const int8_t*>(packed.data()), q, k);
          d[0] = LoadF32LE(packed.data() + k);
          sum[0] = static_cast<int32_t>(LoadLE32(packed.data() + k + 4));
          continue;
      }
      const int64_t block_len = traits->block_elems;
      for (int64_t b = 0; b < view_.blocks; ++b) {
        int32_t total = 0;
        for (int64_t i = 0; i < block_len; ++i) total += q[b * block_len + i];
        sum[b] = total;
      }
    }
  });
  if (!finite.load()) {
    int64_t bad = 0;
    while (bad < rows * k && std::isfinite(x[bad])) ++bad;
    return Fail(AXQ_ERR_NON_FINITE, "x[%lld] = %g: activations are quantized to %s, which cannot "
                "represent NaN or Inf", static_cast<long long>(bad),
                bad < rows * k ? static_cast<double>(x[bad]) : 0.0, traits->name);
  }
  view_.q = storage_->q.get();
  view_.d = storage_->d.get();
  view_.s = storage_->s.get();
  view_.sum = storage_->sum.get();
  view_.sum16 = storage_->sum16.get();
  return OkStatus();
}

Status PreparedActivations::FromI8s(const uint8_t* data, int64_t rows, int64_t k,
                                    unsigned threads) {
  view_ = ActivationView{};
  view_.rows = rows;
  view_.k = k;
  view_.blocks = 1;
  view_.q_stride = RoundUp(k, kStrideAlign);
  storage_->q.reset(static_cast<int8_t*>(AllocateAligned(static_cast<size_t>(view_.q_stride * rows))));
  storage_->d.reset(static_cast<float*>(AllocateAligned(sizeof(float) * rows)));
  storage_->sum.reset(static_cast<int32_t*>(AllocateAligned(sizeof(int32_t) * rows)));
  const int64_t row_bytes = k + static_cast<int64_t>(kI8sRowTailBytes);
  ParallelFor(rows, threads, MinRowsPerThread(k), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const uint8_t* in = data + r * row_bytes;
      int8_t* q = storage_->q.get() + r * view_.q_stride;
      PermuteForI2s(reinterpret_cast<const int8_t*>(in), q, k);
      storage_->d.get()[r] = LoadF32LE(in + k);
      // The stored sum is used as given: it is part of bitnet.cpp's formula.
      storage_->sum.get()[r] = static_cast<int32_t>(LoadLE32(in + k + 4));
    }
  });
  view_.q = storage_->q.get();
  view_.d = storage_->d.get();
  view_.sum = storage_->sum.get();
  return OkStatus();
}

}  // namespace axq
