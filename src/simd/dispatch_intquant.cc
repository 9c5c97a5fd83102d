// Dispatch for the integer-quantization kernels (intquant_kernels.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_intquant.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/intquant/intquant-inl.h"
#include "src/intquant/intquant_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

IntRange IntRangeKernel(const float* x, int64_t n, bool with_min_max) { return IqRangeOf(x, n, with_min_max); }

int64_t QuantizeGroupsIntKernel(const float* x, int64_t n_groups, int64_t g, const IntCodec& codec, uint8_t* codes,
                                float* scales, float* zero_points) {
  return IqQuantizeGroups(x, n_groups, g, codec, codes, scales, zero_points);
}

void EncodeSpanIntKernel(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                         const IntCodec& codec, uint8_t* codes) {
  IqEncodeSpan(x, n, g, scales, zero_points, codec, codes);
}

void DecodeSpanIntKernel(const uint8_t* codes, int64_t n, int64_t g, const float* scales, const float* zero_points,
                         const IntCodec& codec, float* y) {
  IqDecodeSpan(codes, n, g, scales, zero_points, codec, y);
}

int64_t FakeQuantizeSpanKernel(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                            const IntCodec& codec, bool clamped_ste, float* y, uint8_t* mask) {
  return IqFakeQuantizeSpan(x, n, g, scales, zero_points, codec, clamped_ste, y, mask);
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

HWY_EXPORT(IntRangeKernel);
HWY_EXPORT(QuantizeGroupsIntKernel);
HWY_EXPORT(EncodeSpanIntKernel);
HWY_EXPORT(DecodeSpanIntKernel);
HWY_EXPORT(FakeQuantizeSpanKernel);

IntRange DispatchIntRange(const float* x, int64_t n, bool with_min_max) {
  return HWY_DYNAMIC_DISPATCH(IntRangeKernel)(x, n, with_min_max);
}

int64_t DispatchQuantizeGroupsInt(const float* x, int64_t n_groups, int64_t g, const IntCodec& codec, uint8_t* codes,
                                  float* scales, float* zero_points) {
  return HWY_DYNAMIC_DISPATCH(QuantizeGroupsIntKernel)(x, n_groups, g, codec, codes, scales, zero_points);
}

void DispatchEncodeSpanInt(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                           const IntCodec& codec, uint8_t* codes) {
  HWY_DYNAMIC_DISPATCH(EncodeSpanIntKernel)(x, n, g, scales, zero_points, codec, codes);
}

void DispatchDecodeSpanInt(const uint8_t* codes, int64_t n, int64_t g, const float* scales, const float* zero_points,
                           const IntCodec& codec, float* y) {
  HWY_DYNAMIC_DISPATCH(DecodeSpanIntKernel)(codes, n, g, scales, zero_points, codec, y);
}

int64_t DispatchFakeQuantizeSpan(const float* x, int64_t n, int64_t g, const float* scales, const float* zero_points,
                              const IntCodec& codec, bool clamped_ste, float* y, uint8_t* mask) {
  return HWY_DYNAMIC_DISPATCH(FakeQuantizeSpanKernel)(x, n, g, scales, zero_points, codec, clamped_ste, y, mask);
}

}  // namespace

void FillIntQuantKernels(IntQuantKernels* table) {
  table->range = DispatchIntRange;
  table->quantize_groups = DispatchQuantizeGroupsInt;
  table->encode = DispatchEncodeSpanInt;
  table->decode = DispatchDecodeSpanInt;
  table->fake_quantize = DispatchFakeQuantizeSpan;
}

}  // namespace axq
#endif  // HWY_ONCE
