// libFuzzer target: the GGUF reader on arbitrary bytes.
#include <cstddef>
#include <cstdint>

#include "src/gguf/gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  axq::gguf::File file;
  if (axq::gguf::Parse(data, size, "fuzz", &file).ok()) {
    // Touch every tensor's bytes: the reader promised they are in bounds.
    volatile uint8_t sink = 0;
    for (const axq::gguf::TensorInfo& t : file.tensors) {
      if (t.nbytes > 0) sink = sink ^ file.TensorData(t)[0] ^ file.TensorData(t)[t.nbytes - 1];
    }
  }
  return 0;
}
