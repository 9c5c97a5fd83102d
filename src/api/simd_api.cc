// axq_simd_*: report and limit the dispatch targets.
#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/simd/targets.h"

extern "C" {

AXQ_API const char* axq_simd_target_name(void) { return axq::ActiveTargetName(); }

AXQ_API size_t axq_simd_target_count(void) { return axq::AvailableTargetCount(); }

AXQ_API const char* axq_simd_target_at(size_t i) { return axq::AvailableTargetName(i); }

AXQ_API axq_status axq_simd_set_targets(const char* names) {
  return axq::Guard([&] { return axq::RestrictTargets(names); });
}

}  // extern "C"
