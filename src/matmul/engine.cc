#include "src/matmul/engine.h"

#include <algorithm>
#include <vector>

#include "src/core/thread_pool.h"
#include "src/core/type_traits.h"
#include "src/matmul/activations.h"
#include "src/matmul/matmul_kernels.h"
#include "src/matmul/repack.h"
#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

// Weight rows are handed to threads in multiples of this, the row group the
// SIMD kernels work on.
constexpr int64_t kRowGranule = 16;
// Below about this many multiply-adds per thread a wake-up costs more.
constexpr int64_t kMinMacsPerThread = 1 << 18;
// |code * q| <= 3 * 128 per element keeps I2_S sums exact in int32 and in
// the f32 epilogue's conversion up to here.
constexpr int64_t kMaxI2sRowLength = int64_t{1} << 22;

const char* EntryName(MatmulEntry entry) {
  switch (entry) {
    case MatmulEntry::kAny: return "axq_matmul";
    case MatmulEntry::kI2s: return "axq_matmul_i2s";
    default: return "axq_matmul_i2s_i8";
  }
}

Status CheckOperands(MatmulEntry entry, const axq_tensor& y, const axq_tensor& w,
                     const axq_tensor& x) {
  const char* fn = EntryName(entry);
  if (&y == &w || &y == &x) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "y: %s cannot write into its own input (%s)", fn,
                &y == &w ? "y is w" : "y is x");
  }
  const axq_type wt = w.traits->type;
  if (entry != MatmulEntry::kAny) {
    if (wt != AXQ_TYPE_I2_S) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "w: %s needs i2_s weights, got %s", fn, w.traits->name);
    }
  } else if (MatmulKernelFor(wt) == nullptr) {
    return Fail(AXQ_ERR_UNSUPPORTED, "w: %s %s", w.traits->name,
                IsActivationOnlyType(wt) ? "is an activation type, not a weight type"
                                : "weights have no matmul in this version");
  }
  const axq_type want_x = entry == MatmulEntry::kI2sI8 ? AXQ_TYPE_I8_S : AXQ_TYPE_F32;
  if (x.traits->type != want_x) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "x: %s needs %s activations, got %s", fn,
                FindTypeTraits(want_x)->name, x.traits->name);
  }
  if (y.traits->type != AXQ_TYPE_F32) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "y: must be an f32 tensor, got %s", y.traits->name);
  }
  const ElementShape ws = ShapeOf(w), xs = ShapeOf(x), ys = ShapeOf(y);
  if (xs.row_len != ws.row_len) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "x: rows of %lld elements, but w has rows of K = %lld (x dims[0] must equal w "
                "dims[0])", static_cast<long long>(xs.row_len), static_cast<long long>(ws.row_len));
  }
  if (ys.row_len != ws.rows || ys.rows != xs.rows) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "y: shape %lld x %lld (dims[0] x rows), expected M x N = %lld x %lld",
                static_cast<long long>(ys.row_len), static_cast<long long>(ys.rows),
                static_cast<long long>(ws.rows), static_cast<long long>(xs.rows));
  }
  if (wt == AXQ_TYPE_I2_S && ws.row_len > kMaxI2sRowLength) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "w: i2_s rows of %lld elements exceed the %lld this "
                "version multiplies exactly", static_cast<long long>(ws.row_len),
                static_cast<long long>(kMaxI2sRowLength));
  }
  return OkStatus();
}

}  // namespace

Status Matmul(MatmulEntry entry, axq_tensor* y, const axq_tensor* w, const axq_tensor* x,
              unsigned threads, KernelSet set) {
  AXQ_RETURN_IF_ERROR(CheckOperands(entry, *y, *w, *x));
  const axq_type wt = w->traits->type;
  const ElementShape ws = ShapeOf(*w), xs = ShapeOf(*x);
  PreparedActivations activations;
  if (entry == MatmulEntry::kI2sI8) {
    AXQ_RETURN_IF_ERROR(activations.FromI8s(x->data.get(), xs.rows, xs.row_len, threads));
  } else {
    AXQ_RETURN_IF_ERROR(activations.Quantize(ActivationPartner(wt),
                                             reinterpret_cast<const float*>(x->data.get()),
                                             xs.rows, xs.row_len, threads));
  }
  MatmulProblem p;
  p.w = w->data.get();
  MatmulKernelFn kernel = MatmulKernelFor(wt, set, w->repacked);
  std::vector<uint8_t> plain;
  if (w->repacked && kernel == nullptr) {  // the reference reads ggml blocks
    const RepackShape packed{wt, ws.rows, ws.row_len / w->traits->block_elems,
                             static_cast<size_t>(w->traits->block_bytes)};
    plain.resize(static_cast<size_t>(ws.rows * packed.blocks) * packed.block_bytes);
    UnrepackGroups(packed, p.w, 0, packed.groups(), plain.data());
    p.w = plain.data();
    kernel = MatmulKernelFor(wt, set, false);
  }
  p.m = ws.rows;
  p.k = ws.row_len;
  size_t row_bytes = 0;
  AXQ_RETURN_IF_ERROR(CheckedRowBytes(&row_bytes, *w->traits, p.k, "w dims[0]"));
  p.w_row_bytes = static_cast<int64_t>(row_bytes);
  if (wt == AXQ_TYPE_I2_S) p.w_scale = LoadF32LE(p.w + p.m * p.k / 4);
  p.x = activations.view();
  p.y = reinterpret_cast<float*>(y->data.get());

  const int64_t groups = (p.m + kRowGranule - 1) / kRowGranule;
  const int64_t work = p.m * p.k * p.x.rows;
  const int64_t tasks =
      std::max<int64_t>(1, std::min<int64_t>({static_cast<int64_t>(threads), groups,
                                              work / kMinMacsPerThread}));
  RunTasks(tasks, [&](int64_t t) {
    const int64_t first = groups * t / tasks * kRowGranule;
    const int64_t last = std::min(p.m, groups * (t + 1) / tasks * kRowGranule);
    if (first < last) kernel(p, first, last);
  });
  return OkStatus();
}

}  // namespace axq
