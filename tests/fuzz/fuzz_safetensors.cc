// libFuzzer target: the safetensors reader (and its JSON parser).
#include <cstddef>
#include <cstdint>

#include "src/safetensors/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  axq::safetensors::File file;
  if (axq::safetensors::Parse(data, size, "fuzz", &file).ok()) {
    volatile uint8_t sink = 0;
    for (const axq::safetensors::TensorInfo& t : file.tensors) {
      if (t.end > t.begin) sink = sink ^ file.data[t.begin] ^ file.data[t.end - 1];
    }
  }
  return 0;
}
