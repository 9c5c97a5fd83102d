// FP8 reference (floatquant.h, "FP8"): rounds |x| on the grid of its binade
// with nearbyint (ties to even under the default rounding mode), then
// writes the fields; decoding evaluates sign * 2^(e - bias) * (1 + m / 2^M).
#include <cmath>
#include <cstdint>

#include "src/floatquant/floatquant_ref.h"

namespace axq {
namespace {

constexpr Fp8Spec kE4M3 = {3, 7, 448.0f, 0x7E, 0x7F, false, 0x00};
constexpr Fp8Spec kE5M2 = {2, 15, 57344.0f, 0x7B, 0x7E, true, 0x7C};

}  // namespace

const Fp8Spec& Fp8SpecFor(Fp8Format format) { return format == Fp8Format::kE4M3 ? kE4M3 : kE5M2; }

uint8_t fp8_encode_one_ref(float x, Fp8Format format) {
  const Fp8Spec& s = Fp8SpecFor(format);
  if (std::isnan(x)) return s.nan_code;
  const uint8_t sign = std::signbit(x) ? 0x80 : 0x00;
  const double a = std::fabs(static_cast<double>(x));
  if (std::isinf(a)) return sign | (s.has_inf ? s.inf_code : s.max_code);
  const int min_exponent = 1 - s.bias;  // binade of the smallest normal
  if (a == 0.0) return sign;
  // a = f * 2^e with f in [0.5, 1): its binade is 2^(e-1). Below the
  // smallest normal the grid is the subnormal one.
  int e = 0;
  (void)std::frexp(a, &e);
  const int binade = e - 1 < min_exponent ? min_exponent : e - 1;
  // Steps of 2^(binade - M) in a, exactly (a scaling by a power of two).
  const double steps = std::nearbyint(std::ldexp(a, s.mantissa_bits - binade));
  const double rounded = std::ldexp(steps, binade - s.mantissa_bits);
  if (rounded > static_cast<double>(s.max_finite)) return sign | s.max_code;
  const int implicit_one = 1 << s.mantissa_bits;
  int exponent_field = 0;
  int mantissa = static_cast<int>(steps);
  if (mantissa >= 2 * implicit_one) {  // rounded up into the next binade
    exponent_field = binade + 1 + s.bias;
    mantissa = 0;
  } else if (mantissa >= implicit_one) {
    exponent_field = binade + s.bias;
    mantissa -= implicit_one;
  }  // else subnormal: exponent field 0, mantissa = steps
  return static_cast<uint8_t>(sign | (exponent_field << s.mantissa_bits) | mantissa);
}

float fp8_decode_one_ref(uint8_t code, Fp8Format format) {
  const Fp8Spec& s = Fp8SpecFor(format);
  const bool negative = (code & 0x80) != 0;
  const int exponent_field = (code & 0x7F) >> s.mantissa_bits;
  const int mantissa = code & ((1 << s.mantissa_bits) - 1);
  const int top_exponent = (1 << (7 - s.mantissa_bits)) - 1;
  float magnitude = 0.0f;
  if (!s.has_inf && exponent_field == top_exponent && mantissa == (1 << s.mantissa_bits) - 1) {
    magnitude = NAN;
  } else if (s.has_inf && exponent_field == top_exponent) {
    magnitude = mantissa == 0 ? INFINITY : NAN;
  } else if (exponent_field == 0) {
    magnitude = static_cast<float>(std::ldexp(mantissa, 1 - s.bias - s.mantissa_bits));
  } else {
    const double significand = 1.0 + std::ldexp(mantissa, -s.mantissa_bits);
    magnitude = static_cast<float>(std::ldexp(significand, exponent_field - s.bias));
  }
  return negative ? -magnitude : magnitude;
}

void fp8_encode_ref(const float* x, size_t n, Fp8Format format, float scale, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) out[i] = fp8_encode_one_ref(x[i] / scale, format);
}

void fp8_decode_ref(const uint8_t* codes, size_t n, Fp8Format format, float scale, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = fp8_decode_one_ref(codes[i], format) * scale;
}

}  // namespace axq
