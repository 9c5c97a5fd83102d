#include "src/model/quantize_tensor.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "src/core/type_traits.h"
#include "src/core/weighted_convert.h"
#include "src/imatrix/imatrix.h"
#include "src/simd/kernels.h"

namespace axq {
namespace {

// Input converted and quantized this many f32 bytes at a time.
constexpr uint64_t kChunkBytes = uint64_t{16} << 20;

// Scratch memory that grows but is never cleared (std::vector would zero
// it on every resize).
template <class T>
class Buffer {
 public:
  T* Get(size_t count) {
    if (count > capacity_) {
      data_.reset(new T[count]);
      capacity_ = count;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<T[]> data_;
  size_t capacity_ = 0;
};

// The tensor's message, with its name in front; `st`'s own message copied
// first, as it lives in the buffer Fail writes.
Status InTensor(const Status& st, const std::string& name) {
  const std::string message = axq_last_error();
  return Fail(st.code(), "tensor '%s': %s", name.c_str(), message.c_str());
}

}  // namespace

bool IsFloatType(axq_type t) { return t == AXQ_TYPE_F32 || t == AXQ_TYPE_F16 || t == AXQ_TYPE_BF16; }

bool IsWeightType(axq_type t) { return !IsActivationOnlyType(t) && KernelsFor(t) != nullptr; }

Status QuantizeTensor(const SourceTensor& s, axq_type target, TernaryRule rule, unsigned threads,
                      const ChunkSink& sink, const std::vector<float>* importance) {
  const int64_t rows = s.rows();
  if (target == s.type) return sink(s.data, static_cast<size_t>(s.nbytes), rows);
  if (!IsFloatType(s.type) && !IsFloatType(target)) {
    return Fail(AXQ_ERR_UNSUPPORTED, "tensor '%s' is already %s: requantizing is not supported", s.name.c_str(),
                FindTypeTraits(s.type)->name);
  }
  const TypeTraits* source_traits = FindTypeTraits(s.type);
  const TypeTraits* traits = FindTypeTraits(target);
  const FormatKernels* kernels = KernelsFor(target);
  if (traits == nullptr || kernels == nullptr || !IsWeightType(target)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "tensor '%s': %s is not a weight type this libaxq writes", s.name.c_str(),
                traits != nullptr ? traits->name : "unknown");
  }
  size_t row_bytes = 0;
  AXQ_RETURN_IF_ERROR(CheckedRowBytes(&row_bytes, *traits, s.ne[0], s.name.c_str()));
  // A tensor-wide scale (I2_S, whose scale follows its last row; absmean
  // ternaries) needs the whole tensor at once; the rest goes in chunks.
  const bool whole = traits->tensor_tail_bytes != 0 || source_traits->tensor_tail_bytes != 0 ||
                     (rule == TernaryRule::kAbsmean && (target == AXQ_TYPE_TQ1_0 || target == AXQ_TYPE_TQ2_0));
  const uint64_t f32_row_bytes = 4 * static_cast<uint64_t>(std::max<int64_t>(1, s.ne[0]));
  const int64_t per_chunk = whole ? rows : std::max<int64_t>(1, static_cast<int64_t>(kChunkBytes / f32_row_bytes));
  // With an importance per expert, chunks stop at each expert's last row so
  // that one slice of importance serves a whole chunk.
  const bool weighted = importance != nullptr && !importance->empty() && kernels->quantize_weighted != nullptr && !whole;
  if (weighted && static_cast<int64_t>(importance->size()) != s.ne[0] &&
      static_cast<int64_t>(importance->size()) != s.ne[0] * s.ne[2]) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "tensor '%s': %zu importance values for rows of %lld", s.name.c_str(),
                importance->size(), static_cast<long long>(s.ne[0]));
  }
  const bool per_expert = weighted && static_cast<int64_t>(importance->size()) != s.ne[0];
  const int64_t slice_rows = per_expert ? s.ne[1] : rows;
  // F32 rows are read where they lie (when aligned: safetensors data need
  // not be); other sources are expanded into f32 first. Buffers are left
  // uninitialized: every byte is written before it is read.
  const bool in_place = s.type == AXQ_TYPE_F32 && reinterpret_cast<uintptr_t>(s.data) % alignof(float) == 0;
  Buffer<float> f32;
  Buffer<uint8_t> packed;
  for (int64_t row = 0; row < rows;) {
    const int64_t n = std::min({per_chunk, rows - row, slice_rows - row % slice_rows});
    const size_t count = static_cast<size_t>(n * s.ne[0]);
    const float* values = nullptr;
    if (in_place) {
      values = reinterpret_cast<const float*>(s.data) + static_cast<size_t>(row * s.ne[0]);
    } else {
      AXQ_RETURN_IF_ERROR(SourceRowsToF32(s, row, n, f32.Get(count)));
      values = f32.Get(count);
    }
    if (target == AXQ_TYPE_F32) {
      AXQ_RETURN_IF_ERROR(sink(values, count * sizeof(float), row + n));
      row += n;
      continue;
    }
    const size_t size = row_bytes * static_cast<size_t>(n) + (whole ? static_cast<size_t>(traits->tensor_tail_bytes) : 0);
    uint8_t* out = packed.Get(size);
    const Status st =
        weighted ? QuantizeWeightedRows(*kernels, *traits, values, out, {s.ne[0], n}, threads,
                                        {importance->data() + (per_expert ? row / slice_rows * s.ne[0] : 0), n})
                 : QuantizeElements(*kernels, *traits, values, out, {s.ne[0], n}, threads, rule);
    if (!st.ok()) return InTensor(st, s.name);
    AXQ_RETURN_IF_ERROR(sink(out, size, row + n));
    row += n;
  }
  return OkStatus();
}

Status ImportanceFor(const axq_imatrix* imatrix, const SourceTensor& s, std::vector<float>* out) {
  out->clear();
  if (imatrix == nullptr) return OkStatus();
  std::lock_guard<std::mutex> lock(imatrix->mutex);
  const auto it = imatrix->entries.find(s.name);
  if (it == imatrix->entries.end()) return OkStatus();
  const ImatrixEntry& entry = it->second;
  const int64_t want = s.ne[0] * s.ne[2];
  if (static_cast<int64_t>(entry.sums.size()) != want) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "tensor '%s': its imatrix entry has %zu values, the tensor %lld columns%s",
                s.name.c_str(), entry.sums.size(), static_cast<long long>(s.ne[0]),
                s.ne[2] > 1 ? " per expert" : "");
  }
  out->resize(entry.sums.size());
  ImatrixImportance(entry, out->data());
  return OkStatus();
}

ProgressMeter::ProgressMeter(axq_progress_fn fn, void* user, uint64_t tensor_count, uint64_t bytes_total)
    : fn_(fn), user_(user), tensor_count_(tensor_count), bytes_total_(bytes_total),
      start_(std::chrono::steady_clock::now()) {}

Status ProgressMeter::Report(uint64_t tensor_index, const std::string& name, uint64_t bytes_done) {
  if (fn_ == nullptr) return OkStatus();
  axq_progress_t p{};
  p.struct_size = sizeof(p);
  p.tensor_index = tensor_index;
  p.tensor_count = tensor_count_;
  p.tensor_name = name.c_str();
  p.bytes_done = bytes_done;
  p.bytes_total = bytes_total_;
  p.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  p.bytes_per_second = p.elapsed_seconds > 0 ? static_cast<double>(bytes_done) / p.elapsed_seconds : 0;
  p.eta_seconds = p.bytes_per_second > 0 ? static_cast<double>(bytes_total_ - bytes_done) / p.bytes_per_second : -1;
  if (fn_(&p, user_) != 0) {
    return Fail(AXQ_ERR_CANCELLED, "cancelled by the progress callback at tensor %llu of %llu ('%s')",
                static_cast<unsigned long long>(tensor_index + 1), static_cast<unsigned long long>(tensor_count_),
                name.c_str());
  }
  return OkStatus();
}

}  // namespace axq
