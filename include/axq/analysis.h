/*
 * libaxq — Error analysis: statistics of an approximation against its reference, per-type reports and the quantization benchmark suite.
 *
 * Part of the stable C API; <axq/axq.h> includes it, and its conventions
 * (statuses, axq_last_error(), options structs) hold here too.
 */
#ifndef AXQ_ANALYSIS_H
#define AXQ_ANALYSIS_H

#include "axq/axq.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_ANALYSIS_H */
