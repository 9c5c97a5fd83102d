// Scalar references of the float formats (floatquant.h). They follow the
// header's definitions step by step, are compiled with -ffp-contract=off
// like every source here, and are the oracle the Highway kernels
// (fp8-inl.h, fourbit-inl.h) must match bit for bit.
#ifndef AXQ_FLOATQUANT_FLOATQUANT_REF_H_
#define AXQ_FLOATQUANT_FLOATQUANT_REF_H_

#include <cstddef>
#include <cstdint>

#include "src/floatquant/fourbit_tables.h"

namespace axq {

enum class Fp8Format : int32_t { kE4M3 = 0, kE5M2 = 1 };

// What sets an FP8 format apart.
struct Fp8Spec {
  int mantissa_bits;
  int bias;
  float max_finite;
  uint8_t max_code;  // code of +max_finite
  uint8_t nan_code;  // canonical NaN
  bool has_inf;
  uint8_t inf_code;  // code of +inf (E5M2 only)
};

const Fp8Spec& Fp8SpecFor(Fp8Format format);

// One value, no scale.
uint8_t fp8_encode_one_ref(float x, Fp8Format format);
float fp8_decode_one_ref(uint8_t code, Fp8Format format);

// out[i] = encode(x[i] / scale); out[i] = decode(codes[i]) * scale.
void fp8_encode_ref(const float* x, size_t n, Fp8Format format, float scale, uint8_t* out);
void fp8_decode_ref(const uint8_t* codes, size_t n, Fp8Format format, float scale, float* out);

// One block of len values (len <= the block size; odd only for the last
// block of an odd n): its absmax and ceil(len / 2) packed bytes. Input must
// be finite.
void quantize_4bit_block_ref(const float* x, size_t len, FourBitKind kind, uint8_t* packed,
                             float* absmax);

// n values in blocks of `block` (even): ceil(n/2) packed bytes and
// ceil(n/block) absmax values. Returns false, leaving the outputs
// unspecified, if the input holds NaN or Inf.
bool quantize_4bit_ref(const float* x, size_t n, size_t block, FourBitKind kind, uint8_t* packed,
                       float* absmax);
// y[i] = value(code i) * absmax of its block.
void dequantize_4bit_ref(const uint8_t* packed, size_t n, size_t block, FourBitKind kind,
                         const float* absmax, float* y);

}  // namespace axq

#endif  // AXQ_FLOATQUANT_FLOATQUANT_REF_H_
