// axq_matmul, axq_matmul_i2s, axq_matmul_i2s_i8 and their options.
#include <memory>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/parallel.h"
#include "src/core/tensor.h"
#include "src/matmul/engine.h"
#include "src/matmul/repack.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

axq_status RunMatmul(axq::MatmulEntry entry, axq_tensor_t* y, const axq_tensor_t* w,
                     const axq_tensor_t* x, const axq_matmul_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(y, "y"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(w, "w"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(x, entry == axq::MatmulEntry::kI2sI8 ? "x_i8" : "x"));
    axq_matmul_options_t options;
    (void)axq_matmul_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    return axq::Matmul(entry, y, w, x, axq::ResolveThreadCount(options.n_threads));
  });
}

}  // namespace

extern "C" {

AXQ_API axq_status axq_matmul_options_init_sized(axq_matmul_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_matmul_options_t defaults{};
    return axq::InitOptions(opts, size, defaults);
  });
}

// Binaries built before axq_matmul_options_init_sized: the struct as 0.2 defined it.
AXQ_API axq_status (axq_matmul_options_init)(axq_matmul_options_t* opts) {
  return axq_matmul_options_init_sized(opts, axq::kMatmulOptions02Size);
}

AXQ_API axq_status axq_matmul(axq_tensor_t* y, const axq_tensor_t* w, const axq_tensor_t* x,
                              const axq_matmul_options_t* opts) {
  return RunMatmul(axq::MatmulEntry::kAny, y, w, x, opts);
}

AXQ_API axq_status axq_matmul_i2s(axq_tensor_t* y, const axq_tensor_t* w, const axq_tensor_t* x,
                                  const axq_matmul_options_t* opts) {
  return RunMatmul(axq::MatmulEntry::kI2s, y, w, x, opts);
}

AXQ_API axq_status axq_tensor_repack(axq_tensor_t** out, const axq_tensor_t* w) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(w, "w"));
    if (!axq::CanRepack(w->traits->type)) {
      return axq::Fail(AXQ_ERR_UNSUPPORTED, "w: %s weights have no repacked layout (q4_0, q4_1 "
                       "and q8_0 do)", w->traits->name);
    }
    if (w->repacked) return axq::Fail(AXQ_ERR_INVALID_ARGUMENT, "w: already repacked");
    std::unique_ptr<axq_tensor> result;
    AXQ_RETURN_IF_ERROR(axq::NewTensor(&result, w->traits->type, w->ndim, w->dims,
                                       axq::Fill::kUninitialized));
    const axq::ElementShape shape = axq::ShapeOf(*w);
    const axq::RepackShape packed{w->traits->type, shape.rows,
                                  shape.row_len / w->traits->block_elems,
                                  static_cast<size_t>(w->traits->block_bytes)};
    AXQ_RETURN_IF_ERROR(axq::ResizeTensorData(result.get(), packed.bytes()));
    axq::RepackRows(packed, w->data.get(), result->data.get());
    result->repacked = true;
    *out = result.release();
    return OkStatus();
  });
}

AXQ_API int axq_tensor_is_repacked(const axq_tensor_t* t) {
  if (t == nullptr) {
    (void)axq::Fail(AXQ_ERR_INVALID_ARGUMENT, "axq_tensor_is_repacked: t is NULL");
    return 0;
  }
  return t->repacked ? 1 : 0;
}

AXQ_API axq_status axq_matmul_i2s_i8(axq_tensor_t* y, const axq_tensor_t* w,
                                     const axq_tensor_t* x_i8, const axq_matmul_options_t* opts) {
  return RunMatmul(axq::MatmulEntry::kI2sI8, y, w, x_i8, opts);
}

}  // extern "C"
