#include "src/floatquant/double_quant.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "src/floatquant/fourbit_tables.h"

namespace axq {
namespace {

// Group i (0..6) of the map holds the 2^i means of adjacent points of
// linspace(0.1, 1, 2^i + 1), times 10^(i - 6). Mean j is
// 0.1 + 0.9 (2j + 1) / 2^(i+1) = (2^(i+1) + 9 (2j + 1)) / (10 * 2^(i+1)),
// so each entry is a ratio of integers, divided once in long double (64-bit
// significand: far finer than any f32 tie such a ratio can approach) and
// rounded once to f32.
std::array<float, 256> BuildDynamicMap() {
  std::array<float, 256> map{};
  size_t count = 0;
  for (int i = 0; i < 7; ++i) {
    const long double two_pow = static_cast<long double>(1 << (i + 1));
    long double ten_pow = 1.0L;
    for (int k = 0; k < 7 - i; ++k) ten_pow *= 10.0L;  // 10 * 10^(6 - i), exact
    for (int j = 0; j < (1 << i); ++j) {
      const long double numerator = two_pow + 9.0L * static_cast<long double>(2 * j + 1);
      const float value = static_cast<float>(numerator / (two_pow * ten_pow));
      map[count++] = value;
      map[count++] = -value;
    }
  }
  map[count++] = 0.0f;
  map[count++] = 1.0f;
  std::sort(map.begin(), map.end());
  return map;
}

// Midpoint k lies between entries k and k + 1 (exact in double, then f32).
std::array<float, 255> BuildMidpoints(const std::array<float, 256>& map) {
  std::array<float, 255> mid{};
  for (size_t k = 0; k < mid.size(); ++k) {
    mid[k] = static_cast<float>((static_cast<double>(map[k]) + static_cast<double>(map[k + 1])) * 0.5);
  }
  return mid;
}

const std::array<float, 255>& Midpoints() {
  static const std::array<float, 255> mid = BuildMidpoints(DynamicMap());
  return mid;
}

// The search below starts from a bucket of v's sign, exponent and top 4
// mantissa bits (1/16 of a binade, which holds at most a few midpoints):
// for each bucket, the number of midpoints below every value in it.
constexpr int kBucketShift = 19;
constexpr size_t kBuckets = size_t{1} << (32 - kBucketShift);

uint32_t BitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

float FloatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

std::array<uint8_t, kBuckets> BuildBucketStarts(const std::array<float, 255>& mid) {
  std::array<uint8_t, kBuckets> start{};
  const uint32_t half = static_cast<uint32_t>(kBuckets / 2);
  for (uint32_t key = 0; key < half; ++key) {
    // Positive bucket: its values are >= its lower bound. Negative bucket:
    // its values are > -(the magnitude bound above it), which may be inf.
    const float lower = FloatOf(key << kBucketShift);
    const float upper = FloatOf((key + 1) << kBucketShift);
    start[key] = static_cast<uint8_t>(std::lower_bound(mid.begin(), mid.end(), lower) - mid.begin());
    start[key + half] = static_cast<uint8_t>(std::lower_bound(mid.begin(), mid.end(), -upper) - mid.begin());
  }
  return start;
}

const std::array<uint8_t, kBuckets>& BucketStarts() {
  static const std::array<uint8_t, kBuckets> start = BuildBucketStarts(Midpoints());
  return start;
}

}  // namespace

const std::array<float, 256>& DynamicMap() {
  static const std::array<float, 256> map = BuildDynamicMap();
  return map;
}

uint8_t NearestDynamicCode(float v) {
  // The number of midpoints strictly below v: a bucket's count, then the
  // few midpoints inside the bucket one by one.
  const std::array<float, 255>& mid = Midpoints();
  size_t count = BucketStarts()[BitsOf(v) >> kBucketShift];
  while (count < mid.size() && v > mid[count]) ++count;
  return static_cast<uint8_t>(count);
}

void DoubleQuantize(const float* absmax, size_t count, DoubleQuantized* out) {
  double sum = 0.0;
  for (size_t i = 0; i < count; ++i) sum += static_cast<double>(absmax[i]);
  const float offset = static_cast<float>(sum / static_cast<double>(count));
  out->offset = offset;
  out->codes.resize(count);
  out->absmax2.assign((count + kDoubleQuantGroup - 1) / kDoubleQuantGroup, 0.0f);
  for (size_t g = 0; g < out->absmax2.size(); ++g) {
    const size_t begin = g * kDoubleQuantGroup;
    const size_t end = std::min(count, begin + kDoubleQuantGroup);
    float amax2 = 0.0f;
    for (size_t i = begin; i < end; ++i) amax2 = std::fmax(amax2, std::fabs(absmax[i] - offset));
    out->absmax2[g] = amax2;
    // As for the 4-bit blocks: a subnormal absmax2 is scaled by 2^64 so that
    // its reciprocal stays finite.
    const float pre = amax2 < std::numeric_limits<float>::min() ? kSubnormalBlockScale : 1.0f;
    const float inv = amax2 == 0.0f ? 0.0f : 1.0f / (amax2 * pre);
    for (size_t i = begin; i < end; ++i) {
      out->codes[i] = NearestDynamicCode(((absmax[i] - offset) * pre) * inv);
    }
  }
}

void DoubleDequantize(const uint8_t* codes, const float* absmax2, float offset, size_t count, float* out) {
  const std::array<float, 256>& map = DynamicMap();
  for (size_t i = 0; i < count; ++i) {
    const float scaled = map[codes[i]] * absmax2[i / kDoubleQuantGroup];
    out[i] = scaled + offset;
  }
}

}  // namespace axq
