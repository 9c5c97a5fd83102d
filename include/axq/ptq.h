/*
 * libaxq — Post-training quantization algorithms: activation statistics
 * collected batch by batch, SmoothQuant, AWQ and GPTQ.
 *
 * In development for 0.6: names and structs may still change until 0.6.0
 * is released. <axq/axq.h> includes it; its conventions (statuses,
 * axq_last_error(), outputs first, options structs) hold here too.
 *
 * Notation. A weight W is an F32 tensor of dims {K, M}: M rows (output
 * channels) of K columns (input channels), the layout of axq_matmul. X are
 * calibration activations, rows of K values: the inputs the layer sees.
 * Its output is y = W x.
 */
#ifndef AXQ_PTQ_H
#define AXQ_PTQ_H

#include "axq/axq.h"
#include "axq/intquant.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Activation statistics                                                    */
/*                                                                          */
/* An axq_act_stats_t watches the calibration activations of one layer      */
/* input of width K, fed in batches of rows, and keeps:                     */
/*  - the row count n, and per channel j max|x_j| and sum|x_j| (float64);  */
/*  - unless hessian = 0: G = sum x x^T, K x K in float64 (8 K^2 bytes),   */
/*    which GPTQ needs;                                                     */
/*  - up to max_samples rows themselves (f32), which AWQ's searches         */
/*    evaluate: the first max_samples rows seen, then a seeded reservoir    */
/*    sample, so the same rows in the same order keep the same sample.     */
/* NaN/Inf in a batch is AXQ_ERR_NON_FINITE naming the index; the          */
/* statistics are then unchanged.                                           */
/*                                                                          */
/* Thread safety: each object holds a mutex; any function may be called on */
/* one object from several threads at once, except axq_act_stats_destroy.   */
/* ------------------------------------------------------------------------ */
typedef struct axq_act_stats axq_act_stats_t;

typedef struct axq_act_stats_options {
  uint32_t struct_size;
  uint32_t hessian;      /* 1 (default): keep sum x x^T; 0: not (no GPTQ) */
  uint32_t max_samples;  /* rows kept for AWQ; default 512; 0 keeps none */
  uint32_t n_threads;    /* 0 = all cores; results are identical for any value */
} axq_act_stats_options_t;

typedef struct axq_act_stats_info {
  uint32_t struct_size;  /* in: sizeof(axq_act_stats_info_t) as the caller knows it */
  uint32_t has_hessian;
  int64_t k;
  int64_t rows;          /* rows seen */
  int64_t samples;       /* rows kept */
} axq_act_stats_info_t;

AXQ_API axq_status axq_act_stats_options_init_sized(axq_act_stats_options_t *opts, size_t size);
#define axq_act_stats_options_init(opts) axq_act_stats_options_init_sized((opts), sizeof(*(opts)))

/* Statistics of an input of k >= 1 channels: at most 16384 with a Hessian
   (whose 8 k^2 bytes are then at most 2 GiB), 2^24 without. */
AXQ_API axq_status axq_act_stats_create(axq_act_stats_t **out, int64_t k,
                                        const axq_act_stats_options_t *opts);
/* Frees the object; NULL is a no-op. */
AXQ_API void axq_act_stats_destroy(axq_act_stats_t *stats);
/* Adds `rows` rows of k activations (row-major, k as created). */
AXQ_API axq_status axq_act_stats_add(axq_act_stats_t *stats, const float *x, int64_t rows, int64_t k);
/* Adds the rows of tensor `name` of a calibration file: a GGUF or
   safetensors file (told apart by content) whose F32, F16 or BF16 tensor
   of dims {k, rows} (safetensors shape [rows, k]) holds one activation row
   per token, e.g. as saved by axq_model_save from the layer inputs. A
   missing file is AXQ_ERR_IO, a bad one AXQ_ERR_CORRUPT_DATA, a missing
   name or another width AXQ_ERR_INVALID_ARGUMENT. Rows are read in
   chunks, so the file need not fit in memory twice. */
AXQ_API axq_status axq_act_stats_add_file(axq_act_stats_t *stats, const char *path, const char *name);
/* Fills the fields out->struct_size covers. */
AXQ_API axq_status axq_act_stats_info(axq_act_stats_info_t *out, const axq_act_stats_t *stats);
/* max|x_j| (dst: k values) over every row seen; 0 for no rows. */
AXQ_API axq_status axq_act_stats_absmax(float *dst, int64_t k, const axq_act_stats_t *stats);
/* mean|x_j| (dst: k values) over every row seen; 0 for no rows. */
AXQ_API axq_status axq_act_stats_absmean(float *dst, int64_t k, const axq_act_stats_t *stats);

/* ------------------------------------------------------------------------ */
/* Per-input-channel scaling                                                */
/*                                                                          */
/* SmoothQuant and AWQ move difficulty between activations and weights      */
/* with factors s_j > 0: W' = W diag(s) and x' = x / s give the same        */
/* output, W' x' = W x. The division of x is folded into whatever makes x   */
/* (the norm weight before the layer, or the rows of the weight before).    */
/* ------------------------------------------------------------------------ */

/* A new F32 tensor of w's dims: w[m][j] * s[j] (divide = 0) or
   w[m][j] / s[j] (divide = 1); s has k = dims[0] finite values > 0. For x
   rows, pass them as a tensor of dims {K, N} with divide = 1. */
AXQ_API axq_status axq_scale_columns(axq_tensor_t **out, const axq_tensor_t *w, const float *s,
                                     int64_t k, int divide);

/* SmoothQuant's factors for the weights that share one input (e.g. the q,
   k and v projections): s_j = a_j^alpha / b_j^(1 - alpha), computed in
   float64, where a_j = max(max|x_j|, 1e-5) from the statistics and b_j =
   max|W_j| over column j of every weight; s_j = 1 where b_j = 0 (a
   channel no weight reads), and s_j is kept in [1e-5, 1e5] so that no
   factor is 0 or inf. alpha in [0, 1] (0.5 is the paper's default); the
   statistics need at least one row. Each weight is F32 with dims[0] = k. */
AXQ_API axq_status axq_smoothquant_scales(float *s, int64_t k, const axq_tensor_t *const *weights,
                                          size_t n_weights, const axq_act_stats_t *stats, float alpha);

/* ------------------------------------------------------------------------ */
/* Weight formats of AWQ and GPTQ                                           */
/*                                                                          */
/* Both quantize each row in groups of consecutive columns, each group with */
/* its own parameters, and both write either                                */
/*  - a ggml tensor (axq_*_quantize): `type` Q4_0, Q4_1, Q5_0, Q5_1 or     */
/*    Q8_0, a group being one 32-element block. A group's parameters follow */
/*    ggml's rules, rounded to the f16 the block stores: Q4_0/Q5_0 d =      */
/*    v / -8 (resp. -16) for v the group's value of largest magnitude;     */
/*    Q4_1/Q5_1 d = (max - min) / 15 (resp. 31), m = min; Q8_0 d =          */
/*    max|w| / 127. A value's code is the nearest level of the stored d    */
/*    (and m), clamped to the code range, and its dequantized value is what */
/*    ggml's to_float gives for that code, so the errors the algorithms    */
/*    see are those of the file. (Codes from d in f16 are why an RTN result */
/*    can differ from axq_quantize's, which rounds with d in f32 as ggml.) */
/*  - an integer tensor (axq_*_quantize_int): `bits` 2..8, `scheme`       */
/*    AXQ_INT_SYMMETRIC or AXQ_INT_AFFINE, per group of `group_size`        */
/*    (which must divide K), with intquant.h's rules for a group's scale    */
/*    and zero point and for codes, so that axq_int_dequantize gives the    */
/*    values the algorithm chose. The result is an AXQ_PER_GROUP tensor.   */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* AWQ: activation-aware scaling                                            */
/*                                                                          */
/* For weights sharing one input, s_j = max(mean|x_j|^alpha, 1e-4), then    */
/* divided by sqrt(max s * min s); alpha runs over i / grid for i = 0 ..    */
/* grid - 1 and the one whose round-to-nearest result Q(W diag s) diag(1/s) */
/* gives the least squared output error over the kept sample rows, summed   */
/* over the weights, wins (alpha = 0, s = 1, is plain RTN, so AWQ is never  */
/* worse than RTN on its samples). Then, with clip_search, each row's      */
/* group is quantized with its range shrunk by the ratio in {1, 0.95, ..,   */
/* 0.55} that gives that group the least output error on the samples.      */
/* Cost: (grid + 10) * samples * m * k multiply-adds per weight, so keep    */
/* max_samples modest (128-512 rows) for large layers.                      */
/* ------------------------------------------------------------------------ */
typedef struct axq_awq_options {
  uint32_t struct_size;
  int32_t type;         /* for axq_awq_quantize; default AXQ_TYPE_Q4_1 */
  uint32_t bits;        /* for axq_awq_quantize_int: 2..8; default 4 */
  int32_t scheme;       /* for axq_awq_quantize_int; default AXQ_INT_AFFINE */
  int64_t group_size;   /* for axq_awq_quantize_int; default 128 */
  uint32_t grid;        /* alpha grid points, 1..1000; default 20 */
  uint32_t clip_search; /* 1 (default): search each group's clipping */
  uint32_t n_threads;   /* 0 = all cores; results are identical for any value */
} axq_awq_options_t;

AXQ_API axq_status axq_awq_options_init_sized(axq_awq_options_t *opts, size_t size);
#define axq_awq_options_init(opts) axq_awq_options_init_sized((opts), sizeof(*(opts)))

/* AWQ's factors s (k values) for the n_weights F32 weights sharing one
   input, and the alpha chosen (alpha may be NULL). The format searched is
   that of axq_awq_quantize (int_format = 0) or axq_awq_quantize_int
   (int_format = 1). The statistics need kept samples (max_samples > 0). */
AXQ_API axq_status axq_awq_scales(float *s, int64_t k, float *alpha, const axq_tensor_t *const *weights,
                                  size_t n_weights, const axq_act_stats_t *stats, int int_format,
                                  const axq_awq_options_t *opts);
/* Q(W diag s) as a ggml tensor of opts->type, with the clip search when
   asked for; feed it x / s (axq_scale_columns) or fold 1/s upstream. */
AXQ_API axq_status axq_awq_quantize(axq_tensor_t **out, const axq_tensor_t *w, const float *s, int64_t k,
                                    const axq_act_stats_t *stats, const axq_awq_options_t *opts);
/* The same as an integer tensor (bits, scheme, group_size). */
AXQ_API axq_status axq_awq_quantize_int(axq_int_tensor_t **out, const axq_tensor_t *w, const float *s,
                                        int64_t k, const axq_act_stats_t *stats,
                                        const axq_awq_options_t *opts);

/* ------------------------------------------------------------------------ */
/* GPTQ                                                                     */
/*                                                                          */
/* All in float64. H = 2 G / n from the statistics' sum x x^T. A column     */
/* whose H_jj is 0 (an input never seen non-zero) gets H_jj = 1 and weight  */
/* 0. With act_order, columns are processed in order of decreasing H_jj     */
/* (ties by index). H += damp * mean(diag H) * I; U = the upper Cholesky    */
/* factor of H^-1 (H^-1 = U^T U). Columns are processed in blocks of        */
/* block_size: for column j, each row's value w is quantized to q, e = (w - */
/* q) / U_jj, and the row's later columns w_l -= e U_jl (within the block  */
/* at once, beyond it when the block ends). A group's parameters are        */
/* computed from its columns' current values when its first column comes   */
/* (the block is rounded up to whole groups so that they are current); with */
/* act_order, from the weights before any update (AutoGPTQ's static        */
/* groups), so that groups stay contiguous in the file. If the Cholesky    */
/* factorisation fails, the damping is multiplied by 10, up to 4 times,    */
/* then AXQ_ERR_NON_FINITE.                                                 */
/* Cost: about k^3 / 3 + m k^2 / 2 multiply-adds and 3 k^2 + m k float64   */
/* values of memory (k = m = 4096: 384 MiB and seconds on one core).       */
/* ------------------------------------------------------------------------ */
typedef struct axq_gptq_options {
  uint32_t struct_size;
  int32_t type;         /* for axq_gptq_quantize; default AXQ_TYPE_Q4_1 */
  uint32_t bits;        /* for axq_gptq_quantize_int: 2..8; default 4 */
  int32_t scheme;       /* for axq_gptq_quantize_int; default AXQ_INT_AFFINE */
  int64_t group_size;   /* for axq_gptq_quantize_int; default 128 */
  uint32_t act_order;   /* 0 (default) or 1 */
  uint32_t block_size;  /* columns per lazy-update block, 1..4096; default 128 */
  float damp;           /* relative damping, finite, > 0 and <= 1; default 0.01 */
  uint32_t n_threads;   /* 0 = all cores; results are identical for any value */
} axq_gptq_options_t;

AXQ_API axq_status axq_gptq_options_init_sized(axq_gptq_options_t *opts, size_t size);
#define axq_gptq_options_init(opts) axq_gptq_options_init_sized((opts), sizeof(*(opts)))

/* W (F32, dims {K, M}) quantized by GPTQ to a ggml tensor of opts->type;
   the statistics (same K) need a Hessian and at least one row. */
AXQ_API axq_status axq_gptq_quantize(axq_tensor_t **out, const axq_tensor_t *w,
                                     const axq_act_stats_t *stats, const axq_gptq_options_t *opts);
/* The same as an integer tensor (bits, scheme, group_size). */
AXQ_API axq_status axq_gptq_quantize_int(axq_int_tensor_t **out, const axq_tensor_t *w,
                                         const axq_act_stats_t *stats, const axq_gptq_options_t *opts);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_PTQ_H */
