// Fake quantization over f32 arrays with explicit parameters, the
// parameters an observed range implies, and the straight-through
// estimator's backward pass (intquant.h, "Fake quantization").
#ifndef AXQ_INTQUANT_FAKE_QUANT_H_
#define AXQ_INTQUANT_FAKE_QUANT_H_

#include <cstddef>
#include <cstdint>

#include "axq/axq.h"
#include "src/core/status.h"
#include "src/simd/kernels.h"

namespace axq {

// params already read (ReadOptions); every argument is checked here.
Status FakeQuantize(float* y, uint8_t* mask, size_t n, const float* x, const axq_fake_quant_params_t& params,
                    KernelSet set = KernelSet::kDispatched);

// Sets params->scale and params->zero_point for the range [min_value, max_value].
Status FakeQuantParamsFromRange(axq_fake_quant_params_t* params, float min_value, float max_value);

Status SteBackward(float* grad_in, const float* grad_out, const uint8_t* mask, size_t n);

}  // namespace axq

#endif  // AXQ_INTQUANT_FAKE_QUANT_H_
