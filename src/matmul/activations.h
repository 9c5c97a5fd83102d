// Activations rounded to the weight type's partner format (axq.h, "Matrix
// multiplication"), laid out for the dot kernels: codes in rows of 64-byte
// aligned stride, and per-block scales and code sums in separate arrays.
#ifndef AXQ_MATMUL_ACTIVATIONS_H_
#define AXQ_MATMUL_ACTIVATIONS_H_

#include <cstdint>
#include <memory>

#include "axq/axq.h"
#include "src/core/status.h"

namespace axq {

// What the kernels read. Quantized partners fill q/d/s/sum, float partners f.
struct ActivationView {
  int64_t rows = 0;
  int64_t k = 0;
  int64_t blocks = 0;          // per row: k / partner block (I8_S: 1)
  const int8_t* q = nullptr;   // codes, row r at q + r * q_stride
  int64_t q_stride = 0;
  const float* d = nullptr;    // [rows * blocks] block scale (I8_S: 127 / amax)
  const float* s = nullptr;    // [rows * blocks] Q8_1 only: F(s) = d * sum rounded to f16
  const int32_t* sum = nullptr;  // [rows * blocks] sum of the block's codes
  const int16_t* sum16 = nullptr;  // [rows * blocks * 16] Q8_K only: sums of 16 codes (bsums)
  const float* f = nullptr;    // float partners: values, row r at f + r * f_stride
  int64_t f_stride = 0;
};

// I2_S dot kernels read each 256-element pair of 128-blocks with its 32-element
// groups interleaved (block 0 group 0, block 1 group 0, block 0 group 1, ...),
// matching the order in which 64 weight bytes unpack. A trailing odd block
// stays in natural order. Position of element k of a row:
inline int64_t I2sActivationPosition(int64_t k, int64_t row_len) {
  const int64_t pair = k / 256;
  if ((pair + 1) * 256 > row_len) return k;  // the unpaired last block
  const int64_t within = k % 256;
  const int64_t block = within / 128, group = (within % 128) / 32, lane = within % 32;
  return pair * 256 + (2 * group + block) * 32 + lane;
}

// Copies a natural-order row of k codes into the I2_S kernels' order.
void PermuteForI2s(const int8_t* natural, int8_t* permuted, int64_t k);

// Owns the storage behind a view.
class PreparedActivations {
 public:
  PreparedActivations();
  ~PreparedActivations();
  const ActivationView& view() const { return view_; }

  // X (rows of k f32) rounded to `partner` (F32, F16, BF16, Q8_0, Q8_1,
  // Q8_K or I8_S). Fails with AXQ_ERR_NON_FINITE for NaN/Inf that a
  // quantized partner cannot hold.
  Status Quantize(axq_type partner, const float* x, int64_t rows, int64_t k, unsigned threads);
  // An I8_S tensor's rows (k codes + scale + sum each), for I2_S kernels.
  Status FromI8s(const uint8_t* data, int64_t rows, int64_t k, unsigned threads);

 private:
  struct Storage;
  std::unique_ptr<Storage> storage_;
  ActivationView view_;
};

}  // namespace axq

#endif  // AXQ_MATMUL_ACTIVATIONS_H_
