/*
 * libaxq — Float formats: FP8 (E4M3FN, E5M2) with scales, and NF4 / FP4 with blockwise absmax and double quantization, compatible with bitsandbytes.
 *
 * Part of the stable C API; <axq/axq.h> includes it, and its conventions
 * (statuses, axq_last_error(), options structs) hold here too.
 */
#ifndef AXQ_FLOATQUANT_H
#define AXQ_FLOATQUANT_H

#include "axq/axq.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_FLOATQUANT_H */
