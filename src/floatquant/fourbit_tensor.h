// The object behind axq_nf4_tensor_t: bitsandbytes' 4-bit storage of a flat
// vector (floatquant.h, "NF4 and FP4"), and its threaded quantize and
// dequantize. Options are read and checked by the C boundary.
#ifndef AXQ_FLOATQUANT_FOURBIT_TENSOR_H_
#define AXQ_FLOATQUANT_FOURBIT_TENSOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "axq/axq.h"
#include "src/core/status.h"
#include "src/floatquant/fourbit_tables.h"

struct axq_nf4_tensor {
  axq::FourBitKind kind = axq::FourBitKind::kNf4;
  uint32_t block_size = 64;
  bool double_quant = false;
  uint64_t n = 0;
  // ceil(n / 2) bytes; not a vector, so that allocating it does not also
  // zero it (the kernels write every byte).
  std::unique_ptr<uint8_t[]> packed;
  size_t packed_size = 0;
  std::vector<float> absmax;          // per block, without double quantization
  std::vector<uint8_t> absmax_codes;  // per block, with it
  std::vector<float> absmax2;         // per group of 256 blocks, with it
  float offset = 0.0f;
};

namespace axq {

// Checks opts (kind, block size, flag) and src (finite), then quantizes.
Status NewFourBitTensor(std::unique_ptr<axq_nf4_tensor>* out, const float* src, size_t n,
                        const axq_nf4_options_t& opts);

// Checks and copies the parts.
Status FourBitTensorFromParts(std::unique_ptr<axq_nf4_tensor>* out, const axq_nf4_parts_t& parts);

uint64_t FourBitBlockCount(const axq_nf4_tensor& t);

// The absmax that dequantization uses, one per block.
void EffectiveAbsmax(const axq_nf4_tensor& t, float* out);

void DequantizeFourBitTensor(const axq_nf4_tensor& t, float* dst, unsigned threads);

void FillFourBitInfo(const axq_nf4_tensor& t, axq_nf4_info_t* info);
void FillFourBitParts(const axq_nf4_tensor& t, axq_nf4_parts_t* parts);

}  // namespace axq

#endif  // AXQ_FLOATQUANT_FOURBIT_TENSOR_H_
