// Helpers shared by the GoogleTest suites: reference vectors, targets,
// bit-exact comparisons, deterministic inputs.
#ifndef AXQ_TESTS_TEST_SUPPORT_H_
#define AXQ_TESTS_TEST_SUPPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "gtest/gtest.h"

namespace axq_test {

// Directory of the copied ggml reference vectors (set by Meson).
std::string VectorDir();

std::vector<uint8_t> ReadBytes(const std::string& path);
std::vector<float> ReadFloats(const std::string& path);

// One line of manifest.tsv.
struct VectorCase {
  std::string name;   // case
  std::string type;   // ggml type name
  int type_id = 0;
  int64_t n = 0;
  std::string input, quant, dequant;  // file names; dequant may be "-"
};
std::vector<VectorCase> ReadManifest();

// One line of i2s_manifest.tsv: M weight rows of K, N activation rows.
struct I2sCase {
  std::string name;
  int64_t m = 0, k = 0, n = 0;
};
std::vector<I2sCase> ReadI2sManifest();

// A path inside a scratch directory made for this process and removed
// when it exits.
std::string ScratchPath(const std::string& name);

// Types implemented in this build (axq_type_info can_quantize).
bool IsImplemented(axq_type type);

// SIMD targets this CPU runs, as names for axq_simd_set_targets.
std::vector<std::string> AvailableTargets();

// Restricts dispatch to one target for the lifetime of the object.
class ScopedTarget {
 public:
  explicit ScopedTarget(const std::string& name);
  ~ScopedTarget();
};

// Bitwise float comparison where any two NaNs are equal (FORMATS: the NaN
// from 0 * inf is a platform default). Returns the first mismatch or -1.
int64_t FirstFloatMismatch(const float* a, const float* b, int64_t n);

// splitmix64-based generator for reproducible inputs.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  double Uniform();         // [0, 1)
  float Gaussian();         // N(0, 1)
 private:
  uint64_t state_;
};

// Value families that stress rounding: gaussians of many scales, exact ties,
// constant and zero blocks, subnormals, huge values.
std::vector<float> StressInput(int64_t n, uint64_t seed);

}  // namespace axq_test

#endif  // AXQ_TESTS_TEST_SUPPORT_H_
