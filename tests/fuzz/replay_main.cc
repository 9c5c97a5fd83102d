// Replays a fuzz target's corpus without libFuzzer: every file under the
// given directories goes through LLVMFuzzerTestOneInput once (meson suite
// fuzz-replay, under the sanitizers of the build).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  int runs = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
      // Each input exactly as long as the file, so sanitizers see overreads;
      // and every prefix of it, the truncations the reader must reject.
      for (size_t n = 0; n <= bytes.size(); ++n) {
        std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        LLVMFuzzerTestOneInput(prefix.data(), prefix.size());
        ++runs;
      }
    }
  }
  if (runs == 0) {
    std::printf("no corpus files found\n0 passed, 1 failed\n");
    return 1;
  }
  std::printf("%d passed, 0 failed\n", runs);
  return 0;
}
