// The object behind axq_int_tensor_t: packed codes plus one scale and zero
// point per set, and the quantize/dequantize drivers over the kernels.
#ifndef AXQ_INTQUANT_INT_TENSOR_H_
#define AXQ_INTQUANT_INT_TENSOR_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "axq/axq.h"
#include "src/core/status.h"
#include "src/core/tensor.h"
#include "src/intquant/int_layout.h"
#include "src/simd/kernels.h"

struct axq_int_tensor {
  axq::IntLayout layout;
  std::unique_ptr<uint8_t[]> codes;  // layout.code_bytes()
  std::vector<float> scales;         // layout.param_count
  std::vector<float> zero_points;    // layout.param_count; 0 for the symmetric schemes
};

namespace axq {

// src must be an F32 tensor; options already read (ReadOptions).
Status IntQuantize(std::unique_ptr<axq_int_tensor>* out, const axq_tensor& src, const axq_int_options_t& options,
                   unsigned threads, KernelSet set = KernelSet::kDispatched);

Status IntDequantize(std::unique_ptr<axq_tensor>* out, const axq_int_tensor& q, unsigned threads,
                     KernelSet set = KernelSet::kDispatched);

// y = dequant(quant(src)) with the parameters IntQuantize would choose, and
// the STE mask (mask: nullptr or nelements bytes).
Status IntFakeQuantizeTensor(std::unique_ptr<axq_tensor>* out, uint8_t* mask, const axq_tensor& src,
                             const axq_int_options_t& options, bool clamped_ste, unsigned threads,
                             KernelSet set = KernelSet::kDispatched);

// New F32 tensors of the parameter shape; either output may be nullptr.
Status IntParamTensors(std::unique_ptr<axq_tensor>* scales, std::unique_ptr<axq_tensor>* zero_points,
                       const axq_int_tensor& q);

void FillIntTensorInfo(const axq_int_tensor& q, axq_int_tensor_info_t* info);

}  // namespace axq

#endif  // AXQ_INTQUANT_INT_TENSOR_H_
