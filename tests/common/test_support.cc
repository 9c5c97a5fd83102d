#include "tests/common/test_support.h"

#include <cmath>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <algorithm>

namespace axq_test {

std::string VectorDir() { return AXQ_TEST_VECTOR_DIR; }

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<float> ReadFloats(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadBytes(path);
  std::vector<float> out(bytes.size() / sizeof(float));
  std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
  return out;
}

std::vector<VectorCase> ReadManifest() {
  std::ifstream in(VectorDir() + "/manifest.tsv");
  if (!in) throw std::runtime_error("cannot open manifest.tsv in " + VectorDir());
  std::vector<VectorCase> cases;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    VectorCase c;
    std::string type_id, n, bytes;
    std::getline(fields, c.name, '\t');
    std::getline(fields, c.type, '\t');
    std::getline(fields, type_id, '\t');
    std::getline(fields, n, '\t');
    std::getline(fields, c.input, '\t');
    std::getline(fields, c.quant, '\t');
    std::getline(fields, bytes, '\t');
    std::getline(fields, c.dequant, '\t');
    c.type_id = std::stoi(type_id);
    c.n = std::stoll(n);
    cases.push_back(c);
  }
  return cases;
}

std::vector<I2sCase> ReadI2sManifest() {
  std::ifstream in(VectorDir() + "/i2s_manifest.tsv");
  if (!in) throw std::runtime_error("cannot open i2s_manifest.tsv in " + VectorDir());
  std::vector<I2sCase> cases;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    I2sCase c;
    fields >> c.name >> c.m >> c.k >> c.n;
    cases.push_back(c);
  }
  return cases;
}

std::string ScratchPath(const std::string& name) {
  // Leaked on purpose: the exit handler still needs it.
  static const std::string* dir = nullptr;
  if (dir == nullptr) {
    char pattern[] = "/tmp/axq-test-XXXXXX";
    dir = new std::string(mkdtemp(pattern));
    std::atexit([] { std::filesystem::remove_all(*dir); });
  }
  return *dir + "/" + name;
}

bool IsImplemented(axq_type type) {
  axq_type_info_t info;
  info.struct_size = sizeof(info);
  return axq_type_info(&info, type) == AXQ_OK && info.can_quantize == 1;
}

std::vector<std::string> AvailableTargets() {
  std::vector<std::string> names;
  for (size_t i = 0; i < axq_simd_target_count(); ++i) names.push_back(axq_simd_target_at(i));
  return names;
}

ScopedTarget::ScopedTarget(const std::string& name) {
  if (axq_simd_set_targets(name.c_str()) != AXQ_OK) {
    throw std::runtime_error("cannot select target " + name + ": " + axq_last_error());
  }
}

ScopedTarget::~ScopedTarget() { (void)axq_simd_set_targets(nullptr); }

int64_t FirstFloatMismatch(const float* a, const float* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    uint32_t ua, ub;
    std::memcpy(&ua, &a[i], 4);
    std::memcpy(&ub, &b[i], 4);
    if (ua == ub) continue;
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    return i;
  }
  return -1;
}

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

float Rng::Gaussian() {
  const double u1 = Uniform(), u2 = Uniform();
  return static_cast<float>(std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(6.283185307179586 * u2));
}

std::vector<float> StressInput(int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t b = 0; b < n; b += 32) {
    const int64_t end = std::min<int64_t>(n, b + 32);
    const int kind = static_cast<int>(rng.Next() % 10);
    const int zero_side = (rng.Next() & 1) ? 1 : -1;
    const float scale = std::ldexp(1.0f, static_cast<int>(rng.Next() % 60) - 40);
    for (int64_t i = b; i < end; ++i) {
      float v = 0.0f;
      switch (kind) {
        case 0: v = 0.0f; break;                                      // zero block
        case 1: v = scale; break;                                     // constant block
        case 2: v = std::ldexp(rng.Gaussian(), -135); break;         // subnormal
        case 3: v = rng.Gaussian() * 3e4f; break;                     // f16 overflow
        case 4: v = static_cast<float>(static_cast<int>(rng.Next() % 33) - 16) * 0.5f; break;  // ties
        case 5: v = rng.Gaussian() * 1e30f; break;                    // huge
        case 6: v = (i % 2 == 0) ? 3.0e38f : -3.0e38f; break;         // max - min overflows
        case 7: {  // signed zeros beside values of one sign: min or max is a zero
          const uint64_t r = rng.Next() % 3;
          v = r == 0 ? 0.0f : r == 1 ? -0.0f : (zero_side < 0 ? -1.0f : 1.0f) * scale;
          break;
        }
        default: v = rng.Gaussian() * scale; break;
      }
      x[static_cast<size_t>(i)] = v;
    }
  }
  return x;
}

}  // namespace axq_test
