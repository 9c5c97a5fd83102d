/*
 * libaxq — Integer quantization with explicit schemes (symmetric, affine, power-of-two), bit widths 2-8 and granularity (per tensor, per channel along an axis, per group), and fake quantization with the straight-through estimator's masks.
 *
 * Part of the stable C API; <axq/axq.h> includes it, and its conventions
 * (statuses, axq_last_error(), options structs) hold here too.
 */
#ifndef AXQ_INTQUANT_H
#define AXQ_INTQUANT_H

#include "axq/axq.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_INTQUANT_H */
