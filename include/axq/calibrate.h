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

/* ------------------------------------------------------------------------ */
/* Observers                                                                */
/*                                                                          */
/* An axq_calibrator_t watches any number of f32 batches and keeps:         */
/*  - count, min, max (a zero is kept as +0), and mean and population      */
/*    variance in float64, Welford style: each chunk of 1024 values gives  */
/*    its mean and sum of squared deviations, and chunks, batches and       */
/*    observers are combined by Chan's formula;                             */
/*  - a histogram of x and one of |x|, each of `bins` cells (2048 by        */
/*    default) whose width is a power of two and whose edges are multiples  */
/*    of that width. The width is the smallest such power that lets the     */
/*    cells cover all data seen so far ([min, max], resp. [0, max|x|]): it  */
/*    lies in [(max - min) / bins, 2 (max - min) / (bins - 2)), resp. in    */
/*    (max|x| / bins, 2 max|x| / bins], but is never below 2^-40 max|x|     */
/*    (far below f32 resolution). When a batch widens the range, the width  */
/*    doubles as often as needed and each coarse cell takes the counts of   */
/*    the fine cells it contains: no count moves across an edge. So the    */
/*    histograms depend only on the values seen, not on how they were       */
/*    split into batches, in what order they came, or which observers were  */
/*    merged: histogram-based ranges come out bit-identical;                */
/*  - the moving averages of the batches' min and max (see                  */
/*    AXQ_CALIB_MOVING_AVERAGE), which do depend on batch order.            */
/*                                                                          */
/* Thread safety: each observer holds a mutex. Any calibrator function may  */
/* be called on the same observer from several threads at once (observes   */
/* are then applied one after the other, in some order); only               */
/* axq_calibrator_destroy must not race with other calls on that observer. */
/* ------------------------------------------------------------------------ */
typedef struct axq_calibrator axq_calibrator_t;

/* How axq_calibrator_range turns the observations into [lo, hi]. */
typedef enum axq_calib_method {
  /* The observed [min, max]. */
  AXQ_CALIB_MINMAX = 0,
  /* Two-sided: [q(100 - p), q(p)], q(t) the value with t % of the data     */
  /* below it, read from the histogram of x and interpolated linearly       */
  /* within its cell, then kept inside [min, max]. Accuracy: within one     */
  /* cell width (axq_calibrator_info_t.bin_width), plus f32 rounding, of    */
  /* the data's own order statistic x_(ceil(t/100 * count)); q(0) = min and */
  /* q(100) = max exactly.                                                   */
  AXQ_CALIB_PERCENTILE = 1,
  /* [mean - k*sigma, mean + k*sigma], sigma the population standard        */
  /* deviation; not clipped to [min, max] (only to the f32 range).           */
  AXQ_CALIB_MEANSTD = 2,
  /* Symmetric [-T, T] minimising the KL divergence between the |x|         */
  /* histogram and its quantized image, as TensorRT's entropy calibration:  */
  /* with n the number of |x| cells up to the one holding max|x| (between  */
  /* bins/2 + 1 and bins), L = 2^(bits-1) levels, and each candidate        */
  /* i = L..n:                                                               */
  /*  P = the first i cells, the count of all cells beyond folded into      */
  /*      cell i-1;                                                          */
  /*  Q = the first i cells as observed (without the folded counts) merged  */
  /*      into L groups, group g holding cells [floor(g*i/L),                */
  /*      floor((g+1)*i/L)), each group's count spread evenly over the      */
  /*      cells where P is non-zero (Q is 0 where P is);                    */
  /*  both smoothed (zero cells get eps = 1e-4 counts, taken evenly from    */
  /*  the non-zero cells; less if a non-zero cell would go below half its  */
  /*  count), normalised, and KL(P || Q) summed over the i cells.           */
  /* T = (i* + 0.5) * abs_bin_width for the first i* of least divergence,   */
  /* capped at max|x|. Folding P's tail but not Q's is what makes clipping  */
  /* cost something; a Q built from P itself would equal P at i = L and     */
  /* always choose the smallest T. Takes O(bins^2) time.                   */
  AXQ_CALIB_ENTROPY = 3,
  /* The moving averages of the batches' own min and max: the first batch   */
  /* sets them, each later one does r = r * (1 - m) + batch_value * m with   */
  /* m = axq_calibrator_options_t.momentum, in float64. Merging observers A */
  /* and B (B not empty) gives the batch-count-weighted mean                */
  /* (r_A * batches_A + r_B * batches_B) / (batches_A + batches_B), since   */
  /* no order between their batches exists.                                 */
  AXQ_CALIB_MOVING_AVERAGE = 4,
  AXQ_CALIB_METHOD_RANGE_MAX_ = 0x7FFFFFFF
} axq_calib_method;

typedef struct axq_calibrator_options {
  uint32_t struct_size;
  uint32_t bins;   /* cells of each histogram: 256..8192, default 2048 */
  float momentum;  /* AXQ_CALIB_MOVING_AVERAGE's weight of the new batch, in (0, 1]; default 0.01 */
} axq_calibrator_options_t;

typedef struct axq_range_options {
  uint32_t struct_size;
  int32_t method;    /* an axq_calib_method; default AXQ_CALIB_MINMAX */
  float percentile;  /* AXQ_CALIB_PERCENTILE's p in percent, in [50, 100]; default 99.99 */
  float k;           /* AXQ_CALIB_MEANSTD's k, finite and >= 0; default 3 */
  uint32_t bits;     /* AXQ_CALIB_ENTROPY's target bit width, 1..8 (2^(bits-1) levels); default 8 */
} axq_range_options_t;

typedef struct axq_calibrator_info {
  uint32_t struct_size;  /* in: sizeof(axq_calibrator_info_t) as the caller knows it */
  uint32_t bins;         /* cells of each histogram */
  uint64_t count;        /* values observed */
  uint64_t batches;      /* batches observed (a merge adds the source's) */
  float min;             /* min and max are 0 while count is 0 */
  float max;
  double mean;           /* 0 while count is 0 */
  double variance;       /* population (divided by count); 0 while count is 0 */
  double bin_width;      /* cell width of the x histogram; 0 while count is 0 */
  double abs_bin_width;  /* cell width of the |x| histogram; 0 while count is 0 */
  float momentum;
  uint32_t reserved;
} axq_calibrator_info_t;

AXQ_API axq_status axq_calibrator_options_init_sized(axq_calibrator_options_t *opts, size_t size);
#define axq_calibrator_options_init(opts) \
  axq_calibrator_options_init_sized((opts), sizeof(*(opts)))
AXQ_API axq_status axq_range_options_init_sized(axq_range_options_t *opts, size_t size);
#define axq_range_options_init(opts) axq_range_options_init_sized((opts), sizeof(*(opts)))

/* An empty observer. */
AXQ_API axq_status axq_calibrator_create(axq_calibrator_t **out, const axq_calibrator_options_t *opts);
/* Frees the observer; NULL is a no-op. */
AXQ_API void axq_calibrator_destroy(axq_calibrator_t *cal);
/* Adds one batch of count (> 0) values. A NaN or Inf anywhere rejects the
   whole batch with AXQ_ERR_NON_FINITE, naming the first such index, and
   leaves the observer unchanged. */
AXQ_API axq_status axq_calibrator_observe(axq_calibrator_t *cal, const float *data, size_t count);
/* Adds everything src has observed to dst, as if dst had observed src's
   batches too: the same count, min, max and histograms exactly, mean and
   variance up to float64 rounding (Chan's formula), moving averages as
   AXQ_CALIB_MOVING_AVERAGE says. Both must have the same `bins`; dst keeps
   its momentum. src is unchanged; src == dst counts everything twice. */
AXQ_API axq_status axq_calibrator_merge(axq_calibrator_t *dst, const axq_calibrator_t *src);
/* Fills the fields out->struct_size covers. */
AXQ_API axq_status axq_calibrator_info(axq_calibrator_info_t *out, const axq_calibrator_t *cal);
/* The range opts->method gives (NULL: defaults, i.e. MinMax); lo <= hi,
   both finite. Every field of opts is checked, whatever the method. An
   observer that has seen nothing gives AXQ_ERR_INVALID_ARGUMENT. On
   failure *lo and *hi are 0. */
AXQ_API axq_status axq_calibrator_range(float *lo, float *hi, const axq_calibrator_t *cal,
                                        const axq_range_options_t *opts);

/* ------------------------------------------------------------------------ */
/* Scale and zero point from a range, for q = clamp(round(x / scale) + zp,  */
/* qmin, qmax) and x ~ (q - zp) * scale. lo <= hi, both finite (else       */
/* AXQ_ERR_NON_FINITE), bits 1..8. Computed in float64, rounded to f32.    */
/*  symmetric = 1: zp = 0, qmax = 2^(bits-1) - 1, codes -qmax-1..qmax,      */
/*     scale = max(|lo|, |hi|) / qmax. For bits = 1, where qmax would be 0, */
/*     scale = max(|lo|, |hi|): the two codes are read as -1 and +1         */
/*     (sign quantization) rather than -1 and 0.                             */
/*  symmetric = 0 (affine): qmin = 0, qmax = 2^bits - 1; the range is first */
/*     widened to contain 0 (so that 0 is exact); scale = (hi - lo) / qmax, */
/*     zp = clamp(round(-lo / scale), 0, qmax), rounding half away from 0. */
/* Guards: scale is never below FLT_MIN (the smallest normal f32). A range  */
/* of zero width (lo == hi == 0 after widening, i.e. all-zero data) gives   */
/* scale = 1 and zp = 0, so 0 quantizes to 0 and back; constant non-zero   */
/* data c gives scale = |c| / qmax (affine: the widened range [0, c] or     */
/* [c, 0]), so c comes back to within f32 rounding. An affine 1-bit range */
/* wider than FLT_MAX is AXQ_ERR_INVALID_ARGUMENT. On failure both are 0.   */
/* ------------------------------------------------------------------------ */
AXQ_API axq_status axq_range_to_params(float *scale, int32_t *zero_point, float lo, float hi,
                                       uint32_t bits, int32_t symmetric);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_CALIBRATE_H */
