#include "src/simd/targets.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "hwy/highway.h"
#include "hwy/targets.h"

namespace axq {
namespace {

constexpr size_t kMaxTargets = 64;

struct TargetList {
  int64_t bits[kMaxTargets];
  size_t count = 0;
  int64_t all = 0;  // union of bits
};

TargetList& Available() {
  static TargetList list;
  return list;
}

std::once_flag g_init_once;

bool NameEquals(const char* a, size_t a_len, const char* b) {
  if (std::strlen(b) != a_len) return false;
  for (size_t i = 0; i < a_len; ++i) {
    const char ca = (a[i] >= 'a' && a[i] <= 'z') ? static_cast<char>(a[i] - 32) : a[i];
    if (ca != b[i]) return false;
  }
  return true;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Parses the list into a target mask; fails on a name Highway compiled no
// target for (names are those of hwy::TargetName), unless `skip_unknown`.
Status ParseTargets(const char* names, bool skip_unknown, int64_t* mask) {
  *mask = 0;
  const char* p = names;
  while (*p != '\0') {
    while (IsSpace(*p) || *p == ',') ++p;
    const char* start = p;
    while (*p != '\0' && *p != ',') ++p;
    const char* end = p;
    while (end > start && IsSpace(end[-1])) --end;
    if (end == start) continue;
    int64_t found = 0;
    for (int64_t rest = HWY_TARGETS; rest != 0; rest &= rest - 1) {
      const int64_t bit = rest & -rest;
      if (NameEquals(start, static_cast<size_t>(end - start), hwy::TargetName(bit))) found = bit;
    }
    if (found == 0 && skip_unknown) continue;
    if (found == 0) {
      std::string known;
      for (int64_t rest = HWY_TARGETS; rest != 0; rest &= rest - 1) {
        if (!known.empty()) known += ", ";
        known += hwy::TargetName(rest & -rest);
      }
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "names: unknown SIMD target '%.*s' (compiled: %s)",
                  static_cast<int>(end - start), start, known.c_str());
    }
    *mask |= found;
  }
  return OkStatus();
}

Status ApplyMask(int64_t allowed) {
  const TargetList& list = Available();
  if (allowed != 0 && (allowed & list.all) == 0) {
    return Fail(AXQ_ERR_UNSUPPORTED, "names: none of the listed SIMD targets runs on this CPU");
  }
  // Highway keeps its baseline target enabled whatever is disabled, so a
  // working target always remains.
  hwy::DisableTargets(allowed == 0 ? 0 : (HWY_TARGETS & ~allowed));
  return OkStatus();
}

void Initialize() {
  TargetList& list = Available();
  for (int64_t rest = hwy::SupportedTargets() & HWY_TARGETS; rest != 0 && list.count < kMaxTargets;
       rest &= rest - 1) {
    list.bits[list.count++] = rest & -rest;  // lower bits are better targets
    list.all |= rest & -rest;
  }
  const char* env = std::getenv("AXQ_SIMD_TARGETS");
  int64_t mask = 0;
  // The variable cannot report errors, so it is lenient: names this build
  // did not compile (SCALAR in a clang build, say) are skipped, and a list
  // with no usable name leaves every target on.
  try {
    if (env != nullptr && ParseTargets(env, /*skip_unknown=*/true, &mask).ok() && mask != 0) {
      (void)ApplyMask(mask);
    }
  } catch (...) {  // out of memory while building a message: keep all targets
  }
}

}  // namespace

void EnsureTargetsInitialized() { std::call_once(g_init_once, Initialize); }

size_t AvailableTargetCount() {
  EnsureTargetsInitialized();
  return Available().count;
}

const char* AvailableTargetName(size_t i) {
  EnsureTargetsInitialized();
  if (i >= Available().count) return nullptr;
  return hwy::TargetName(Available().bits[i]);
}

const char* ActiveTargetName() {
  EnsureTargetsInitialized();
  const int64_t usable = hwy::SupportedTargets() & HWY_TARGETS;
  if (usable == 0) return hwy::TargetName(HWY_STATIC_TARGET);
  return hwy::TargetName(usable & -usable);
}

Status RestrictTargets(const char* names) {
  EnsureTargetsInitialized();
  int64_t mask = 0;
  if (names != nullptr) AXQ_RETURN_IF_ERROR(ParseTargets(names, /*skip_unknown=*/false, &mask));
  return ApplyMask(mask);
}

}  // namespace axq
