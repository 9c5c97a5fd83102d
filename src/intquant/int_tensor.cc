#include "src/intquant/int_tensor.h"

#include <atomic>
#include <cstring>

#include "src/intquant/int_params.h"
#include "src/intquant/intquant_kernels.h"

namespace axq {
namespace {

Status CheckSource(const axq_tensor& src) {
  if (src.traits->type != AXQ_TYPE_F32) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "src: a %s tensor; integer quantization takes f32", src.traits->name);
  }
  return OkStatus();
}

const float* F32Data(const axq_tensor& t) { return reinterpret_cast<const float*>(t.data.get()); }

// Codes of `row` from element `begin` (even) on.
uint8_t* CodesAt(const IntLayout& l, uint8_t* codes, int64_t row, int64_t begin) {
  return codes + row * l.row_bytes + (l.codec.packed() ? begin / 2 : begin);
}

// Per group, ranges, parameters and codes come from one fused pass.
Status QuantizeGroups(const IntLayout& l, const IntQuantKernels& k, const float* x, unsigned threads,
                      axq_int_tensor* q) {
  std::atomic<bool> non_finite{false};
  ForEachSpan(l, threads, [&](int64_t row, int64_t begin, int64_t end) {
    const int64_t first = l.ForRow(row).first + begin / l.group_size;
    const int64_t bad = k.quantize_groups(x + row * l.row_len + begin, (end - begin) / l.group_size, l.group_size,
                                          l.codec, CodesAt(l, q->codes.get(), row, begin), q->scales.data() + first,
                                          q->zero_points.data() + first);
    if (bad >= 0) non_finite.store(true, std::memory_order_relaxed);
  });
  if (non_finite.load()) return FailFirstNonFinite(x, l.nelements, "src");
  return OkStatus();
}

}  // namespace

Status IntQuantize(std::unique_ptr<axq_int_tensor>* out, const axq_tensor& src, const axq_int_options_t& options,
                   unsigned threads, KernelSet set) {
  AXQ_RETURN_IF_ERROR(CheckSource(src));
  auto q = std::make_unique<axq_int_tensor>();
  AXQ_RETURN_IF_ERROR(MakeIntLayout(&q->layout, src.ndim, src.dims, options));
  const IntLayout& l = q->layout;
  const IntQuantKernels& k = IntQuantKernelsFor(set);
  const float* x = F32Data(src);
  q->codes.reset(new uint8_t[l.code_bytes()]);
  q->scales.resize(static_cast<size_t>(l.param_count));
  q->zero_points.resize(static_cast<size_t>(l.param_count));
  if (l.granularity == AXQ_PER_GROUP) {
    AXQ_RETURN_IF_ERROR(QuantizeGroups(l, k, x, threads, q.get()));
  } else {
    AXQ_RETURN_IF_ERROR(ComputeIntParams(l, k, x, threads, q->scales.data(), q->zero_points.data(), "src"));
    ForEachSpan(l, threads, [&](int64_t row, int64_t begin, int64_t end) {
      const IntLayout::RowParams p = l.ForRow(row);
      const int64_t first = p.first + begin / p.run;
      k.encode(x + row * l.row_len + begin, end - begin, p.run, q->scales.data() + first,
               q->zero_points.data() + first, l.codec, CodesAt(l, q->codes.get(), row, begin));
    });
  }
  *out = std::move(q);
  return OkStatus();
}

Status IntDequantize(std::unique_ptr<axq_tensor>* out, const axq_int_tensor& q, unsigned threads, KernelSet set) {
  const IntLayout& l = q.layout;
  std::unique_ptr<axq_tensor> y;
  AXQ_RETURN_IF_ERROR(NewTensor(&y, AXQ_TYPE_F32, l.ndim, l.dims, Fill::kUninitialized));
  const IntQuantKernels& k = IntQuantKernelsFor(set);
  float* dst = reinterpret_cast<float*>(y->data.get());
  uint8_t* codes = q.codes.get();
  ForEachSpan(l, threads, [&](int64_t row, int64_t begin, int64_t end) {
    const IntLayout::RowParams p = l.ForRow(row);
    const int64_t first = p.first + begin / p.run;
    k.decode(CodesAt(l, codes, row, begin), end - begin, p.run, q.scales.data() + first,
             q.zero_points.data() + first, l.codec, dst + row * l.row_len + begin);
  });
  *out = std::move(y);
  return OkStatus();
}

Status IntFakeQuantizeTensor(std::unique_ptr<axq_tensor>* out, uint8_t* mask, const axq_tensor& src,
                             const axq_int_options_t& options, bool clamped_ste, unsigned threads, KernelSet set) {
  AXQ_RETURN_IF_ERROR(CheckSource(src));
  IntLayout l;
  AXQ_RETURN_IF_ERROR(MakeIntLayout(&l, src.ndim, src.dims, options));
  const IntQuantKernels& k = IntQuantKernelsFor(set);
  const float* x = F32Data(src);
  std::vector<float> scales(static_cast<size_t>(l.param_count));
  std::vector<float> zero_points(static_cast<size_t>(l.param_count));
  AXQ_RETURN_IF_ERROR(ComputeIntParams(l, k, x, threads, scales.data(), zero_points.data(), "src"));
  std::unique_ptr<axq_tensor> y;
  AXQ_RETURN_IF_ERROR(NewTensor(&y, AXQ_TYPE_F32, l.ndim, l.dims, Fill::kUninitialized));
  float* dst = reinterpret_cast<float*>(y->data.get());
  ForEachSpan(l, threads, [&](int64_t row, int64_t begin, int64_t end) {
    const IntLayout::RowParams p = l.ForRow(row);
    const int64_t first = p.first + begin / p.run;
    const int64_t offset = row * l.row_len + begin;
    // The input is finite (the parameters were computed from all of it).
    (void)k.fake_quantize(x + offset, end - begin, p.run, scales.data() + first, zero_points.data() + first, l.codec,
                          clamped_ste, dst + offset, mask == nullptr ? nullptr : mask + offset);
  });
  *out = std::move(y);
  return OkStatus();
}

Status IntParamTensors(std::unique_ptr<axq_tensor>* scales, std::unique_ptr<axq_tensor>* zero_points,
                       const axq_int_tensor& q) {
  const IntLayout& l = q.layout;
  const size_t bytes = static_cast<size_t>(l.param_count) * sizeof(float);
  std::unique_ptr<axq_tensor> s, z;
  if (scales != nullptr) {
    AXQ_RETURN_IF_ERROR(NewTensor(&s, AXQ_TYPE_F32, l.param_ndim, l.param_dims, Fill::kUninitialized));
    std::memcpy(s->data.get(), q.scales.data(), bytes);
  }
  if (zero_points != nullptr) {
    AXQ_RETURN_IF_ERROR(NewTensor(&z, AXQ_TYPE_F32, l.param_ndim, l.param_dims, Fill::kUninitialized));
    std::memcpy(z->data.get(), q.zero_points.data(), bytes);
  }
  if (scales != nullptr) *scales = std::move(s);
  if (zero_points != nullptr) *zero_points = std::move(z);
  return OkStatus();
}

void FillIntTensorInfo(const axq_int_tensor& q, axq_int_tensor_info_t* info) {
  const IntLayout& l = q.layout;
  info->bits = static_cast<uint32_t>(l.codec.bits);
  info->scheme = static_cast<int32_t>(l.codec.scheme);
  info->granularity = l.granularity;
  info->axis = l.granularity == AXQ_PER_CHANNEL ? l.axis : -1;
  info->ndim = l.ndim;
  info->group_size = l.granularity == AXQ_PER_GROUP ? l.group_size : 0;
  for (int i = 0; i < AXQ_MAX_DIMS; ++i) info->dims[i] = l.dims[i];
  info->nelements = l.nelements;
  info->code_bytes = l.code_bytes();
  info->param_count = static_cast<uint64_t>(l.param_count);
  info->param_bytes = l.param_bytes();
  info->bits_per_weight = l.bits_per_weight();
}

}  // namespace axq
