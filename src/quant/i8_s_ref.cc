// I8_S, bitnet.cpp's int8 activations (FORMATS.md §5): per row s =
// 127 / max(1e-5, max|x|) (double, stored f32), q = clamp(nearest_int(x*s),
// -128, 127), and the row sum of q. libaxq stores a row as its k int8 codes
// followed by s (f32) and the sum (int32), little-endian.
#include <cmath>
#include <cstdint>

#include "src/quant/ref.h"
#include "src/quant/ternary_layout.h"

namespace axq {

void quantize_row_i8_s_ref(const float* x, void* y, int64_t k) {
  uint8_t* out = static_cast<uint8_t*>(y);
  double amax = 0.00001;
  for (int64_t i = 0; i < k; ++i) amax = std::fmax(amax, std::fabs(static_cast<double>(x[i])));
  const float s = static_cast<float>(127.0 / amax);
  int32_t sum = 0;
  for (int64_t i = 0; i < k; ++i) {
    int q = NearestInt(x[i] * s);
    q = q < -128 ? -128 : (q > 127 ? 127 : q);
    out[i] = static_cast<uint8_t>(static_cast<int8_t>(q));
    sum += q;
  }
  StoreF32LE(out + k, s);
  StoreLE32(out + k + 4, static_cast<uint32_t>(sum));
}

void dequantize_row_i8_s_ref(const void* x, float* y, int64_t k) {
  const uint8_t* in = static_cast<const uint8_t*>(x);
  const float s = LoadF32LE(in + k);
  for (int64_t i = 0; i < k; ++i) y[i] = static_cast<float>(static_cast<int8_t>(in[i])) / s;
}

}  // namespace axq
