// Dispatch for the float formats: FP8 encode/decode, NF4/FP4 blocks.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_floatquant.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/floatquant/floatquant_kernels.h"
#include "src/floatquant/fourbit-inl.h"
#include "src/floatquant/fp8-inl.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

void Fp8Encode(const float* x, size_t n, int32_t format, float scale, uint8_t* out) {
  if (format == static_cast<int32_t>(Fp8Format::kE4M3)) {
    EncodeFp8<E4M3Layout>(x, n, scale, out);
  } else {
    EncodeFp8<E5M2Layout>(x, n, scale, out);
  }
}

void Fp8Decode(const uint8_t* codes, size_t n, int32_t format, float scale, float* out) {
  if (format == static_cast<int32_t>(Fp8Format::kE4M3)) {
    DecodeFp8<E4M3Layout>(codes, n, scale, out);
  } else {
    DecodeFp8<E5M2Layout>(codes, n, scale, out);
  }
}

bool Quantize4Bit(const float* x, size_t n, size_t block, int32_t kind, uint8_t* packed, float* absmax) {
  if (kind == static_cast<int32_t>(FourBitKind::kNf4)) {
    return QuantizeFourBit<FourBitKind::kNf4>(x, n, block, packed, absmax);
  }
  return QuantizeFourBit<FourBitKind::kFp4>(x, n, block, packed, absmax);
}

void Dequantize4Bit(const uint8_t* packed, size_t n, size_t block, int32_t kind, const float* absmax, float* y) {
  if (kind == static_cast<int32_t>(FourBitKind::kNf4)) {
    DequantizeFourBit<FourBitKind::kNf4>(packed, n, block, absmax, y);
  } else {
    DequantizeFourBit<FourBitKind::kFp4>(packed, n, block, absmax, y);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

HWY_EXPORT(Fp8Encode);
HWY_EXPORT(Fp8Decode);
HWY_EXPORT(Quantize4Bit);
HWY_EXPORT(Dequantize4Bit);

void DispatchFp8Encode(const float* x, size_t n, int32_t format, float scale, uint8_t* out) {
  HWY_DYNAMIC_DISPATCH(Fp8Encode)(x, n, format, scale, out);
}

void DispatchFp8Decode(const uint8_t* codes, size_t n, int32_t format, float scale, float* out) {
  HWY_DYNAMIC_DISPATCH(Fp8Decode)(codes, n, format, scale, out);
}

bool DispatchQuantize4Bit(const float* x, size_t n, size_t block, int32_t kind, uint8_t* packed, float* absmax) {
  return HWY_DYNAMIC_DISPATCH(Quantize4Bit)(x, n, block, kind, packed, absmax);
}

void DispatchDequantize4Bit(const uint8_t* packed, size_t n, size_t block, int32_t kind, const float* absmax,
                            float* y) {
  HWY_DYNAMIC_DISPATCH(Dequantize4Bit)(packed, n, block, kind, absmax, y);
}

}  // namespace

FloatQuantKernels DispatchedFloatQuantKernels() {
  FloatQuantKernels k;
  k.fp8_encode = DispatchFp8Encode;
  k.fp8_decode = DispatchFp8Decode;
  k.quantize_4bit = DispatchQuantize4Bit;
  k.dequantize_4bit = DispatchDequantize4Bit;
  return k;
}

}  // namespace axq
#endif  // HWY_ONCE
