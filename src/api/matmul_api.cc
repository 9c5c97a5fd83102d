// axq_matmul, axq_matmul_i2s, axq_matmul_i2s_i8 and their options.
#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/parallel.h"
#include "src/matmul/engine.h"

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

AXQ_API axq_status axq_matmul_options_init(axq_matmul_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(opts, "opts"));
    *opts = axq_matmul_options_t{};
    opts->struct_size = sizeof(*opts);
    opts->n_threads = 0;
    return OkStatus();
  });
}

AXQ_API axq_status axq_matmul(axq_tensor_t* y, const axq_tensor_t* w, const axq_tensor_t* x,
                              const axq_matmul_options_t* opts) {
  return RunMatmul(axq::MatmulEntry::kAny, y, w, x, opts);
}

AXQ_API axq_status axq_matmul_i2s(axq_tensor_t* y, const axq_tensor_t* w, const axq_tensor_t* x,
                                  const axq_matmul_options_t* opts) {
  return RunMatmul(axq::MatmulEntry::kI2s, y, w, x, opts);
}

AXQ_API axq_status axq_matmul_i2s_i8(axq_tensor_t* y, const axq_tensor_t* w,
                                     const axq_tensor_t* x_i8, const axq_matmul_options_t* opts) {
  return RunMatmul(axq::MatmulEntry::kI2sI8, y, w, x_i8, opts);
}

}  // extern "C"
