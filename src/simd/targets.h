// Which Highway targets the kernels may use (axq_simd_* and the
// AXQ_SIMD_TARGETS environment variable).
#ifndef AXQ_SIMD_TARGETS_H_
#define AXQ_SIMD_TARGETS_H_

#include <cstddef>

#include "src/core/status.h"

namespace axq {

// Applies AXQ_SIMD_TARGETS once per process; cheap after the first call.
void EnsureTargetsInitialized();

// Compiled targets that this CPU can run, best first (unrestricted).
size_t AvailableTargetCount();
const char* AvailableTargetName(size_t i);  // nullptr past the end

// The target that dispatch picks now.
const char* ActiveTargetName();

// Comma-separated names, case-insensitive; nullptr or "" lifts the limit.
Status RestrictTargets(const char* names);

}  // namespace axq

#endif  // AXQ_SIMD_TARGETS_H_
