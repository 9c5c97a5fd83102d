// u8 x i8 -> i32 multiply-accumulate for the integer matmul kernels.
//
// Highway 1.0.3 has no 8-bit dot product, so the x86 targets reach theirs
// through the vectors' .raw: AVX3_DL's vpdpbusd (four products per i32 lane),
// AVX3's and AVX2's vpmaddubsw + vpmaddwd. vpmaddubsw saturates its 16-bit
// pair sums, so callers keep |u| * 128 * 2 below 32768 (codes up to 63).
// Every other target uses PortableDot, built from 16-bit lanes.
#if defined(AXQ_MATMUL_INT8_DOT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef AXQ_MATMUL_INT8_DOT_INL_H_
#undef AXQ_MATMUL_INT8_DOT_INL_H_
#else
#define AXQ_MATMUL_INT8_DOT_INL_H_
#endif

#include "hwy/highway.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// 1 where DotU8I8 below exists (full-width u8 and i8 vectors).
#undef AXQ_NATIVE_INT8_DOT
#if HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2
#define AXQ_NATIVE_INT8_DOT 1
#else
#define AXQ_NATIVE_INT8_DOT 0
#endif

// Highway 1.0.3's AVX3_DL target string names avxvnni (the VEX form, which
// AVX-512 CPUs such as Ice Lake and Zen 4 lack) instead of avx512vnni, so
// every function that inlines vpdpbusd enables avx512vnni itself, on top of
// the target's own features (clang replaces, rather than extends, the
// features of a function that names its own).
#undef AXQ_KERNEL_ATTR
#if HWY_TARGET == HWY_AVX3_DL
#define AXQ_KERNEL_ATTR __attribute__((target(HWY_TARGET_STR ",avx512vnni")))
#else
#define AXQ_KERNEL_ATTR
#endif

// u8 codes x i8 activations on one 32-byte block (AVX2 and up), four
// adjacent products summed into each i32 lane.
#if HWY_TARGET == HWY_AVX3_DL
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec256<int32_t> DotU8I8x32(hn::Vec256<int32_t> acc,
                                                          hn::Vec256<uint8_t> u,
                                                          hn::Vec256<int8_t> s) {
  // With avxvnni enabled (see above) the compiler would pick the VEX
  // encoding of the 256-bit form, which these CPUs lack: spell out EVEX.
  __m256i sum = acc.raw;
  asm("%{evex%} vpdpbusd %[s], %[u], %[sum]" : [sum] "+v"(sum) : [u] "v"(u.raw), [s] "v"(s.raw));
  return hn::Vec256<int32_t>{sum};
}
#elif HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2
HWY_INLINE hn::Vec256<int32_t> DotU8I8x32(hn::Vec256<int32_t> acc, hn::Vec256<uint8_t> u,
                                          hn::Vec256<int8_t> s) {
  const __m256i pairs = _mm256_maddubs_epi16(u.raw, s.raw);
  return hn::Vec256<int32_t>{
      _mm256_add_epi32(acc.raw, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)))};
}
#endif

// The same on a full vector.
#if HWY_TARGET == HWY_AVX3_DL
AXQ_KERNEL_ATTR HWY_INLINE hn::Vec512<int32_t> DotU8I8(hn::Vec512<int32_t> acc, hn::Vec512<uint8_t> u,
                                       hn::Vec512<int8_t> s) {
  return hn::Vec512<int32_t>{_mm512_dpbusd_epi32(acc.raw, u.raw, s.raw)};
}
#elif HWY_TARGET == HWY_AVX3
HWY_INLINE hn::Vec512<int32_t> DotU8I8(hn::Vec512<int32_t> acc, hn::Vec512<uint8_t> u,
                                       hn::Vec512<int8_t> s) {
  const __m512i pairs = _mm512_maddubs_epi16(u.raw, s.raw);
  return hn::Vec512<int32_t>{
      _mm512_add_epi32(acc.raw, _mm512_madd_epi16(pairs, _mm512_set1_epi16(1)))};
}
#elif HWY_TARGET == HWY_AVX2
HWY_INLINE hn::Vec256<int32_t> DotU8I8(hn::Vec256<int32_t> acc, hn::Vec256<uint8_t> u,
                                       hn::Vec256<int8_t> s) {
  return DotU8I8x32(acc, u, s);  // a full vector is one 32-byte block
}
#endif
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX2
// Signed x signed through vpmaddubsw: |w| times a with w's sign. Exact for
// any w (|-128| is 128 as u8) when |a| <= 127, as Q8_0 activations are.
HWY_INLINE hn::Vec256<int32_t> DotI8I8x32(hn::Vec256<int32_t> acc, hn::Vec256<int8_t> w,
                                          hn::Vec256<int8_t> a) {
  const __m256i pairs =
      _mm256_maddubs_epi16(_mm256_sign_epi8(w.raw, w.raw), _mm256_sign_epi8(a.raw, w.raw));
  return hn::Vec256<int32_t>{
      _mm256_add_epi32(acc.raw, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)))};
}
#endif

// The portable form: codes and activations widened to 16-bit lanes, then
// pairwise 16 x 16 -> 32-bit products. d16 is the 16-bit tag the caller
// loads with; acc0/acc1 are the two i32 accumulators this needs.
template <class D16, class V32>
HWY_INLINE void PortableDot(D16 /*d16*/, hn::Vec<D16> u, hn::Vec<D16> s, V32& acc0, V32& acc1) {
  const hn::Repartition<int32_t, D16> d32;
  acc0 = hn::ReorderWidenMulAccumulate(d32, u, s, acc0, acc1);
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#endif  // AXQ_MATMUL_INT8_DOT_INL_H_
