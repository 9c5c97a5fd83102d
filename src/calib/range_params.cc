#include "src/calib/range_params.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace axq {

Status RangeToParams(float lo, float hi, uint32_t bits, bool symmetric, float* scale, int32_t* zero_point) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    return Fail(AXQ_ERR_NON_FINITE, "lo, hi: [%g, %g] is not a finite range", static_cast<double>(lo),
                static_cast<double>(hi));
  }
  if (lo > hi) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "lo, hi: lo %g is above hi %g", static_cast<double>(lo),
                static_cast<double>(hi));
  }
  if (bits < 1 || bits > 8) return Fail(AXQ_ERR_INVALID_ARGUMENT, "bits: %u is not in 1..8", bits);

  if (symmetric) {
    const double amax = std::max(std::fabs(static_cast<double>(lo)), std::fabs(static_cast<double>(hi)));
    // 1 bit: qmax = 2^0 - 1 = 0 leaves no positive code; read the two codes
    // as -1 and +1 instead (documented in the header).
    const double qmax = bits == 1 ? 1.0 : static_cast<double>((1u << (bits - 1)) - 1u);
    if (amax == 0.0) {
      *scale = 1.0f;
    } else {
      *scale = std::max(static_cast<float>(amax / qmax), FLT_MIN);
    }
    *zero_point = 0;
    return OkStatus();
  }

  // Affine: 0 must be a code, so the range always contains it.
  const double low = std::min(static_cast<double>(lo), 0.0);
  const double high = std::max(static_cast<double>(hi), 0.0);
  const double qmax = static_cast<double>((1u << bits) - 1u);
  if (high == low) {  // all-zero data
    *scale = 1.0f;
    *zero_point = 0;
    return OkStatus();
  }
  const double exact_scale = (high - low) / qmax;
  if (exact_scale > static_cast<double>(FLT_MAX)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "lo, hi: the width %g of [%g, %g] overflows an f32 scale at %u bit(s)", high - low,
                static_cast<double>(lo), static_cast<double>(hi), bits);
  }
  const float s = std::max(static_cast<float>(exact_scale), FLT_MIN);
  const double zp = std::round(-low / static_cast<double>(s));
  *scale = s;
  *zero_point = static_cast<int32_t>(std::clamp(zp, 0.0, qmax));
  return OkStatus();
}

}  // namespace axq
