// libFuzzer target: the AXQT reader and its conversions.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "src/axqt/axqt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  axq::axqt::File file;
  if (axq::axqt::Parse(data, size, "fuzz", &file).ok()) {
    std::vector<uint8_t> bytes;
    std::vector<float> values;
    for (const axq::axqt::Tensor& t : file.tensors) {
      if (t.numel > (1 << 20)) continue;  // keep each run small
      (void)axq::axqt::ToGgml(file, t, &bytes);
      (void)axq::axqt::ToF32(file, t, &values);
    }
  }
  return 0;
}
