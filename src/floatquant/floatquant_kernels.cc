// Builds the float formats' two kernel tables once.
#include "src/floatquant/floatquant_kernels.h"

#include "src/floatquant/floatquant_ref.h"
#include "src/simd/targets.h"

namespace axq {
namespace {

void EncodeReference(const float* x, size_t n, int32_t format, float scale, uint8_t* out) {
  fp8_encode_ref(x, n, static_cast<Fp8Format>(format), scale, out);
}

void DecodeReference(const uint8_t* codes, size_t n, int32_t format, float scale, float* out) {
  fp8_decode_ref(codes, n, static_cast<Fp8Format>(format), scale, out);
}

bool QuantizeReference(const float* x, size_t n, size_t block, int32_t kind, uint8_t* packed, float* absmax) {
  return quantize_4bit_ref(x, n, block, static_cast<FourBitKind>(kind), packed, absmax);
}

void DequantizeReference(const uint8_t* packed, size_t n, size_t block, int32_t kind, const float* absmax,
                         float* y) {
  dequantize_4bit_ref(packed, n, block, static_cast<FourBitKind>(kind), absmax, y);
}

FloatQuantKernels ReferenceKernels() {
  FloatQuantKernels k;
  k.fp8_encode = EncodeReference;
  k.fp8_decode = DecodeReference;
  k.quantize_4bit = QuantizeReference;
  k.dequantize_4bit = DequantizeReference;
  return k;
}

}  // namespace

const FloatQuantKernels& FloatQuantKernelsFor(KernelSet set) {
  EnsureTargetsInitialized();  // AXQ_SIMD_TARGETS applies before the first dispatch
  static const FloatQuantKernels reference = ReferenceKernels();
  static const FloatQuantKernels dispatched = DispatchedFloatQuantKernels();
  return set == KernelSet::kReference ? reference : dispatched;
}

}  // namespace axq
