// F16 and BF16 rows (FORMATS.md §1.1, §1.2): one conversion per element.
#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/ref.h"

namespace axq {

void quantize_row_f16_ref(const float* x, void* y, int64_t k) {
  uint8_t* out = static_cast<uint8_t*>(y);
  for (int64_t i = 0; i < k; ++i) StoreLE16(out + 2 * i, Fp32ToFp16(x[i]));
}

void dequantize_row_f16_ref(const void* x, float* y, int64_t k) {
  const uint8_t* in = static_cast<const uint8_t*>(x);
  for (int64_t i = 0; i < k; ++i) y[i] = Fp16ToFp32(LoadLE16(in + 2 * i));
}

}  // namespace axq
