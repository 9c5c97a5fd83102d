/*
 * libaxq — Calibration: streaming, mergeable observers of f32 data and the ranges they give (MinMax, Percentile, MeanStd, KL entropy, moving average), and scale / zero point from a range.
 *
 * Part of the stable C API; <axq/axq.h> includes it, and its conventions
 * (statuses, axq_last_error(), options structs) hold here too.
 */
#ifndef AXQ_CALIBRATE_H
#define AXQ_CALIBRATE_H

#include "axq/axq.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_CALIBRATE_H */
