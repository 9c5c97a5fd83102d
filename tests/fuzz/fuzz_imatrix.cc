// libFuzzer target: the imatrix readers (GGUF and legacy .dat) on
// arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "src/imatrix/imatrix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  axq_imatrix im;
  if (axq::ParseImatrix(data, size, "fuzz", &im).ok()) {
    // Every entry's importance: the readers promised consistent sizes.
    for (const auto& entry : im.entries) {
      std::vector<float> importance(entry.second.sums.size());
      axq::ImatrixImportance(entry.second, importance.data());
    }
  }
  return 0;
}
