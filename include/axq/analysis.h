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

/* ------------------------------------------------------------------------ */
/* Error statistics of an approximation against its reference. Sums are   */
/* float64, added in fixed chunks, so results do not depend on threads.     */
/*   mse = sum(e^2)/n, rmse = sqrt(mse), mae = sum|e|/n, e = approx - ref   */
/*   sqnr_db = 10 log10(sum(ref^2) / sum(e^2)); +inf when e is all zero,   */
/*             -inf when ref is all zero but e is not                      */
/*   cosine = sum(ref*approx) / sqrt(sum(ref^2) sum(approx^2)); 1 when     */
/*            both are all zero, 0 when exactly one is                     */
/*   outlier_rate = (count of |e| > outlier_threshold) / n                 */
/* ------------------------------------------------------------------------ */
typedef struct axq_error_stats {
  uint32_t struct_size;    /* in: sizeof(axq_error_stats_t) as the caller knows it */
  uint32_t reserved;
  uint64_t count;
  double mse;
  double rmse;
  double mae;
  double max_abs_error;
  double sqnr_db;
  double cosine;
  double outlier_threshold;
  double outlier_rate;
} axq_error_stats_t;

typedef struct axq_error_stats_options {
  uint32_t struct_size;
  uint32_t n_threads;        /* 0 = all cores */
  double outlier_threshold;  /* |e| above this is an outlier; default 0.1 */
} axq_error_stats_options_t;

AXQ_API axq_status axq_error_stats_options_init_sized(axq_error_stats_options_t *opts, size_t size);
#define axq_error_stats_options_init(opts) \
  axq_error_stats_options_init_sized((opts), sizeof(*(opts)))

/* ref and approx must have the same, non-zero count (no truncation) and
   hold finite values (AXQ_ERR_NON_FINITE names the first index). Fills the
   fields out->struct_size covers. */
AXQ_API axq_status axq_error_stats(axq_error_stats_t *out, const float *ref, size_t ref_count,
                                   const float *approx, size_t approx_count,
                                   const axq_error_stats_options_t *opts);

/* ------------------------------------------------------------------------ */
/* What quantizing a tensor to a type costs and loses. Size figures share  */
/* one definition with axq_linear_info: bytes is the quantized tensor's    */
/* byte size with every scale (and I2_S's tensor trailer);                 */
/* bits_per_weight = 8 * bytes / elements (so scale overhead included);    */
/* compression_ratio = 4 * elements / bytes (f32 bytes over quantized).    */
/* ------------------------------------------------------------------------ */
typedef struct axq_quant_report {
  uint32_t struct_size;     /* in: sizeof(axq_quant_report_t) as the caller knows it */
  int32_t type;
  uint64_t elements;
  uint64_t bytes;
  double bits_per_weight;
  double compression_ratio;
  axq_error_stats_t error;  /* dequantized against the source */
} axq_quant_report_t;

/* Quantizes src (F32) to `type` with qopts (NULL: defaults), expands it back
   and compares. Fills the fields out->struct_size covers (out->error is
   filled as far as that size reaches; its own struct_size says how far). */
AXQ_API axq_status axq_quant_report(axq_quant_report_t *out, const axq_tensor_t *src, axq_type type,
                                    const axq_quantize_options_t *qopts,
                                    const axq_error_stats_options_t *sopts);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_ANALYSIS_H */
