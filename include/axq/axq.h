/*
 * libaxq — model-weight quantization with ggml-exact block formats.
 *
 * Stable C API. Conventions (they hold for every function below):
 *  - Every call that can fail returns an axq_status: AXQ_OK (0) or a negative
 *    value. On failure axq_last_error() describes the argument and value at
 *    fault, any `*out` handle is set to NULL and any `*written` count to 0.
 *  - Outputs come first, then the object acted on, then inputs, then a const
 *    options pointer where NULL means "defaults".
 *  - Options structs start with `uint32_t struct_size`. Fill them with
 *    the matching axq_*_options_init(&opts): a macro that passes the
 *    struct's size as this header defines it, so that a newer library
 *    writes and reads only the fields the caller knows when fields are
 *    appended. (Info structs: the caller sets struct_size itself.)
 *  - Nothing here aborts, prints or throws on bad input.
 *
 * Thread safety: all functions may be called concurrently from any thread,
 * except axq_simd_set_targets(), which must not race with running work.
 * A tensor handle may be read by many threads at once; writing to it
 * (axq_tensor_data_mut) needs the caller's own synchronisation.
 */
#ifndef AXQ_AXQ_H
#define AXQ_AXQ_H

#include <stddef.h>
#include <stdint.h>

#include "axq/version.h"

#if defined(AXQ_BUILDING_LIBRARY) && defined(__GNUC__)
#define AXQ_API __attribute__((visibility("default")))
#else
#define AXQ_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Status codes. Values are pinned forever and never reused.                 */
/*   -1 .. -4  misuse by the caller                                          */
/*   -5, -8    bad data                                                      */
/*   -6, -7    environment                                                   */
/*   -9        stopped at the caller's request                              */
/*   -99       a bug in libaxq                                               */
/* ------------------------------------------------------------------------ */
typedef enum axq_status {
  AXQ_OK = 0,
  AXQ_ERR_INVALID_ARGUMENT = -1, /* NULL, bad length, misaligned n, bad dims */
  AXQ_ERR_UNSUPPORTED = -2,      /* known type, operation not available */
  AXQ_ERR_UNKNOWN_TYPE = -3,
  AXQ_ERR_BUFFER_TOO_SMALL = -4,
  AXQ_ERR_NON_FINITE = -5,       /* NaN/Inf in input that the format cannot hold */
  AXQ_ERR_OUT_OF_MEMORY = -6,
  AXQ_ERR_IO = -7,
  AXQ_ERR_CORRUPT_DATA = -8,     /* malformed/truncated/lying file or buffer */
  AXQ_ERR_CANCELLED = -9,        /* a progress callback asked to stop */
  AXQ_ERR_INTERNAL = -99,
  /* Not statuses: they pin the enum to the full 32-bit range, so that any
     int a binding passes in is a valid value of this type. */
  AXQ_STATUS_RANGE_MIN_ = -0x7FFFFFFF - 1,
  AXQ_STATUS_RANGE_MAX_ = 0x7FFFFFFF
} axq_status;

/* ------------------------------------------------------------------------ */
/* Types. Numeric values equal the GGUF/ggml type ids. Ids retired upstream  */
/* (4, 5: old Q4_2/Q4_3; 31-33: Q4_0_4_4 ...) are never reused here.         */
/* Types not implemented yet return AXQ_ERR_UNSUPPORTED from operations;     */
/* axq_type_info() says which ones are.                                      */
/* ------------------------------------------------------------------------ */
typedef enum axq_type {
  AXQ_TYPE_INVALID = -1, /* returned by axq_tensor_type(NULL); never a valid input */
  AXQ_TYPE_F32 = 0,
  AXQ_TYPE_F16 = 1,
  AXQ_TYPE_Q4_0 = 2,
  AXQ_TYPE_Q4_1 = 3,
  AXQ_TYPE_Q5_0 = 6,
  AXQ_TYPE_Q5_1 = 7,
  AXQ_TYPE_Q8_0 = 8,
  AXQ_TYPE_Q8_1 = 9,
  AXQ_TYPE_Q2_K = 10,
  AXQ_TYPE_Q3_K = 11,
  AXQ_TYPE_Q4_K = 12,
  AXQ_TYPE_Q5_K = 13,
  AXQ_TYPE_Q6_K = 14,
  AXQ_TYPE_Q8_K = 15,
  AXQ_TYPE_BF16 = 30,
  AXQ_TYPE_TQ1_0 = 34,
  AXQ_TYPE_TQ2_0 = 35,
  AXQ_TYPE_I2_S = 36, /* BitNet b1.58, bitnet.cpp layout */
  AXQ_TYPE_I8_S = 37, /* BitNet int8 activations */
  /* Not a type: pins the enum to the full 32-bit range (see axq_status). */
  AXQ_TYPE_RANGE_MAX_ = 0x7FFFFFFF
} axq_type;

/* ------------------------------------------------------------------------ */
/* Version and errors                                                       */
/* ------------------------------------------------------------------------ */

/* Runtime version "X.Y.Z"; compare with AXQ_VERSION_STRING from version.h. */
AXQ_API const char *axq_version_string(void);
/* Runtime version as X*10000 + Y*100 + Z (see AXQ_VERSION_NUMBER). */
AXQ_API uint32_t axq_version(void);
/* Static description of a status; never NULL, also for unknown values. */
AXQ_API const char *axq_status_string(axq_status s);
/* Message of the last failure on the calling thread, "" if none yet. The
   string is owned by libaxq and valid until the next failing call on the
   same thread. Successful calls leave it unchanged. */
AXQ_API const char *axq_last_error(void);

/* ------------------------------------------------------------------------ */
/* Type traits                                                              */
/* ------------------------------------------------------------------------ */
typedef struct axq_type_info {
  uint32_t struct_size;    /* in: sizeof(axq_type_info_t) as the caller knows it */
  int32_t type;            /* the axq_type asked for */
  const char *name;        /* ggml name, e.g. "q4_0", "bf16", "q2_K" (static) */
  int64_t block_elems;     /* elements per block (1 for F32/F16/BF16) */
  int64_t block_bytes;     /* bytes per block */
  double bits_per_weight;  /* 8 * block_bytes / block_elems */
  uint32_t is_quantized;   /* 1 for block formats, 0 for F32/F16/BF16 */
  uint32_t can_quantize;   /* 1 if axq_quantize_row() accepts it here */
  uint32_t can_dequantize; /* 1 if axq_dequantize_row() accepts it here */
} axq_type_info_t;

/* Fills *out for a known type, writing only the fields that
   out->struct_size covers (set it before the call). A type that is known
   but not implemented yet still succeeds, with can_* = 0. */
AXQ_API axq_status axq_type_info(axq_type_info_t *out, axq_type type);
/* Parses a type name, case-insensitively: "q4_0", "Q4_K", "bf16", "f32". */
AXQ_API axq_status axq_type_from_name(axq_type *out, const char *name);
/* Bytes that n elements of `type` occupy (n must be a multiple of the
   block size). Like ggml_row_size; for I2_S and I8_S it includes the scale
   trailer a single row carries (see "BitNet layouts"). */
AXQ_API axq_status axq_row_size(size_t *out, axq_type type, int64_t n);

/* ------------------------------------------------------------------------ */
/* Rows: the low-level, allocation-free interface                           */
/* ------------------------------------------------------------------------ */

/* Quantizes one row of n f32 values into n/block_elems blocks, byte for
   byte as ggml writes them to a file. dst need not be aligned. Integer
   formats reject NaN/Inf with AXQ_ERR_NON_FINITE; F32/F16/BF16 convert them
   as IEEE does. *written receives the byte count (0 on failure). */
AXQ_API axq_status axq_quantize_row(void *dst, size_t dst_capacity, size_t *written,
                                    axq_type type, const float *src, int64_t n);
/* Expands src_size bytes holding n elements of `type` into n floats,
   bit-identical to ggml's to_float. src_size must be exactly the row size. */
AXQ_API axq_status axq_dequantize_row(float *dst, int64_t n,
                                      axq_type type, const void *src, size_t src_size);

/* ------------------------------------------------------------------------ */
/* Tensors                                                                  */
/* ------------------------------------------------------------------------ */

/* Opaque, row-major, 1 to 4 dims; dims[0] is the row length (ggml ne[0]). */
typedef struct axq_tensor axq_tensor_t;

enum { AXQ_MAX_DIMS = 4 };

/* A zero-filled tensor. dims[0] must be a multiple of the block size. */
AXQ_API axq_status axq_tensor_create(axq_tensor_t **out, axq_type type, int ndim,
                                     const int64_t *dims);
/* An F32 tensor holding a copy of data (product(dims) floats). */
AXQ_API axq_status axq_tensor_from_f32(axq_tensor_t **out, const float *data, int ndim,
                                       const int64_t *dims);
/* A tensor of any type holding a copy of data, which must be exactly the
   tensor's byte size (e.g. bytes read from a GGUF file). */
AXQ_API axq_status axq_tensor_from_bytes(axq_tensor_t **out, axq_type type, int ndim,
                                         const int64_t *dims, const void *data,
                                         size_t size);
/* Frees the tensor; NULL is a no-op. */
AXQ_API void axq_tensor_destroy(axq_tensor_t *t);

/* Queries. On a NULL handle they return AXQ_TYPE_INVALID, 0 or NULL and
   set axq_last_error(). */
AXQ_API axq_type axq_tensor_type(const axq_tensor_t *t);
AXQ_API int axq_tensor_ndim(const axq_tensor_t *t);
AXQ_API int64_t axq_tensor_dim(const axq_tensor_t *t, int i); /* 1 for i >= ndim */
AXQ_API int64_t axq_tensor_nelements(const axq_tensor_t *t);
AXQ_API size_t axq_tensor_nbytes(const axq_tensor_t *t);      /* exact byte size of the data */
/* Rows back to back, ggml bytes; NULL for a repacked tensor (see
   axq_tensor_repack). */
AXQ_API const void *axq_tensor_data(const axq_tensor_t *t);
AXQ_API void *axq_tensor_data_mut(axq_tensor_t *t);

/* How I2_S, TQ1_0 and TQ2_0 map floats to trits {-1, 0, +1}. */
typedef enum axq_ternary_rule {
  /* The reference implementations' own rule, byte-exact with them:
     I2_S as bitnet.cpp (scale = max|w| of the tensor; any |w| >= 1e-6 becomes
     +-1 by its sign, so it is right only for weights that are already
     ternary); TQ1_0/TQ2_0 as ggml (per 256-block scale = amax, trit =
     lroundf(w / amax)). */
  AXQ_TERNARY_REFERENCE = 0,
  /* BitNet b1.58's absmean ternarizer: scale = max(mean|W|, 1e-5) over the
     whole tensor, trit = clamp(round(w / scale), -1, 1), rounding half to
     even. I2_S stores the f32 scale; TQ1_0/TQ2_0 store its f16 rounding in
     every block. */
  AXQ_TERNARY_ABSMEAN = 1,
  AXQ_TERNARY_RULE_RANGE_MAX_ = 0x7FFFFFFF
} axq_ternary_rule;

typedef struct axq_quantize_options {
  uint32_t struct_size;
  uint32_t n_threads;    /* 0 = all cores; results are identical for any value */
  uint32_t ternary_rule; /* an axq_ternary_rule; other types ignore it */
  /* 0.5: an importance matrix (llama.cpp's imatrix; see axq/imatrix.h).
     NULL (the default) or importance_len finite values >= 0, the importance
     of each column: importance_len = dims[0] applies to every row; for a
     3-D tensor, importance_len = dims[0] * dims[2] gives each of the
     dims[2] matrices (experts) its own dims[0] values, back to back.
     Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q4_0, Q4_1, Q5_0 and Q5_1 then quantize
     each row minimising the importance-weighted error, byte for byte as
     ggml_quantize_chunk does with that imatrix (what llama-quantize
     --imatrix writes); every other type ignores it (as ggml does, Q8_0
     included), after the same validation. A wrong length or a NaN, Inf or
     negative value is AXQ_ERR_INVALID_ARGUMENT. The caller's array is only
     read during the call. */
  const float *importance;
  int64_t importance_len;
} axq_quantize_options_t;

typedef struct axq_dequantize_options {
  uint32_t struct_size;
  uint32_t n_threads; /* 0 = all cores; results are identical for any value */
} axq_dequantize_options_t;

/* Fill an options struct with the defaults, `size` bytes of it (the
   caller's sizeof), and struct_size = size. Call them through the
   axq_*_options_init macros. */
AXQ_API axq_status axq_quantize_options_init_sized(axq_quantize_options_t *opts, size_t size);
AXQ_API axq_status axq_dequantize_options_init_sized(axq_dequantize_options_t *opts, size_t size);
/* The entry points of binaries built before the _sized ones (0.1, 0.2):
   they fill the structs as 0.2 defined them. */
AXQ_API axq_status axq_quantize_options_init(axq_quantize_options_t *opts);
AXQ_API axq_status axq_dequantize_options_init(axq_dequantize_options_t *opts);
#define axq_quantize_options_init(opts) axq_quantize_options_init_sized((opts), sizeof(*(opts)))
#define axq_dequantize_options_init(opts) axq_dequantize_options_init_sized((opts), sizeof(*(opts)))

/* Quantizes an F32 tensor to `type` (same dims); a new tensor in *out. */
AXQ_API axq_status axq_quantize(axq_tensor_t **out, const axq_tensor_t *src, axq_type type,
                                const axq_quantize_options_t *opts);
/* Expands a tensor of any implemented type to a new F32 tensor in *out. */
AXQ_API axq_status axq_dequantize(axq_tensor_t **out, const axq_tensor_t *src,
                                  const axq_dequantize_options_t *opts);

/* ------------------------------------------------------------------------ */
/* BitNet layouts                                                           */
/*                                                                          */
/* An I2_S tensor of M rows of K (dims {K, M}, K a multiple of 128) holds   */
/* exactly bitnet.cpp's bytes: M*K/4 bytes of 2-bit codes (code 0 = -1,     */
/* 1 = 0, 2 = +1; element j of each 128-element block sits in byte j % 32,  */
/* bits 7-6 for j < 32, 5-4, 3-2, then 1-0), one f32 scale for the whole    */
/* tensor, then 28 zero bytes: axq_tensor_nbytes = M*K/4 + 32. Dequantized  */
/* weight = scale * (code - 1). A single I2_S row (axq_quantize_row,        */
/* axq_row_size) is such a tensor with M = 1.                               */
/*                                                                          */
/* An I8_S tensor of N rows of K (dims {K, N}, any K) holds each row as K   */
/* int8 codes followed by its f32 scale s = 127 / max(1e-5, max|x|) and the */
/* int32 sum of its codes, little-endian: K + 8 bytes per row. Dequantized  */
/* value = code / s. Make one with axq_quantize(&xq, x, AXQ_TYPE_I8_S, ..)  */
/* from an f32 tensor and reuse it across axq_matmul_i2s_i8 calls.          */
/* ------------------------------------------------------------------------ */

/* Row `row` of an I8_S tensor: a pointer to its K codes (valid while the
   tensor lives), its scale and its code sum. Any output may be NULL. */
AXQ_API axq_status axq_i8s_row(const axq_tensor_t *t, int64_t row, const int8_t **codes,
                               float *scale, int32_t *sum);

/* ------------------------------------------------------------------------ */
/* Matrix multiplication                                                    */
/*                                                                          */
/* Y[n][m] = sum_k W[m][k] * X[n][k], with W the weights (dims {K, M}), X   */
/* the activations (dims {K, N}) and Y (dims {M, N}) an F32 tensor the      */
/* caller created. As in ggml's mul_mat, X is first rounded to the weight   */
/* type's activation partner:                                               */
/*   F32: F32 | F16: F16 | BF16: BF16 | Q4_0, Q5_0, Q8_0: Q8_0 |            */
/*   Q4_1, Q5_1: Q8_1 | TQ1_0, TQ2_0, Q2_K..Q6_K: Q8_K | I2_S: I8_S         */
/* Quantized blocks multiply exactly in integers; each block's term        */
/* d_w * d_x * sum is added in block order in f32. K-quants (Q2_K, Q3_K,    */
/* Q4_K, Q5_K, Q6_K), per 256-element super-block: sumi = sum over          */
/* sub-blocks of scale * sum(code * q) with the signed codes and scales of  */
/* the format, summ = sum of min * (Q8_K sum of the sub-block's q) for      */
/* Q2_K, Q4_K, Q5_K; term = (d_w * d_x) * sumi - (dmin_w * d_x) * summ      */
/* (no min part for Q3_K, Q6_K), each operation rounded to f32 on its own.  */
/* Float types sum in 16 interleaved f32 lanes (k mod 16) combined          */
/* pairwise. Results are bit-identical for every thread count and every     */
/* SIMD target.                                                             */
/* ------------------------------------------------------------------------ */
typedef struct axq_matmul_options {
  uint32_t struct_size;
  uint32_t n_threads; /* 0 = all cores; results are identical for any value */
} axq_matmul_options_t;

AXQ_API axq_status axq_matmul_options_init_sized(axq_matmul_options_t *opts, size_t size);
/* For binaries built against 0.2 (see axq_quantize_options_init). */
AXQ_API axq_status axq_matmul_options_init(axq_matmul_options_t *opts);
#define axq_matmul_options_init(opts) axq_matmul_options_init_sized((opts), sizeof(*(opts)))

/* W of any implemented weight type (not Q8_1, Q8_K or I8_S); X F32.
   Y must not be W or X. */
AXQ_API axq_status axq_matmul(axq_tensor_t *y, const axq_tensor_t *w, const axq_tensor_t *x,
                              const axq_matmul_options_t *opts);
/* W must be I2_S; X is F32 and is quantized to I8_S internally. Y[n][m] =
   ((float)dot - (float)sum_n) / s_n * scale_w exactly as bitnet.cpp, where
   dot = sum_k code_w[m][k] * q[n][k] is exact. */
AXQ_API axq_status axq_matmul_i2s(axq_tensor_t *y, const axq_tensor_t *w, const axq_tensor_t *x,
                                  const axq_matmul_options_t *opts);
/* W must be I2_S; X an I8_S tensor (see above) with the same K. */
AXQ_API axq_status axq_matmul_i2s_i8(axq_tensor_t *y, const axq_tensor_t *w,
                                     const axq_tensor_t *x_i8, const axq_matmul_options_t *opts);

/* Weights in libaxq's row-interleaved matmul layout: 16 rows side by side,
   so that one vector instruction serves 16 rows. For Q4_0, Q4_1 and Q8_0
   (others: AXQ_ERR_UNSUPPORTED). The result has w's type and dims and
   gives the same matmul results bit for bit, faster; it takes at most 15
   rows of padding more memory. Its bytes are internal: axq_tensor_data()
   returns NULL for it (axq_dequantize() works). Like ggml's CPU repack. */
AXQ_API axq_status axq_tensor_repack(axq_tensor_t **out, const axq_tensor_t *w);
/* 1 if t was made by axq_tensor_repack, else 0 (also for NULL). */
AXQ_API int axq_tensor_is_repacked(const axq_tensor_t *t);

/* ------------------------------------------------------------------------ */
/* Layers                                                                   */
/*                                                                          */
/* A quantized linear layer y = x W^T + b. Its size figures share one       */
/* definition: weight_bytes is the quantized weight's byte size with all    */
/* scales (axq_tensor_nbytes of axq_linear_weight; the bias, kept in f32,   */
/* is not counted); bits_per_weight = 8 * weight_bytes / (out * in);        */
/* compression_ratio = 4 * out * in / weight_bytes (f32 weight bytes over   */
/* quantized weight bytes).                                                 */
/* ------------------------------------------------------------------------ */
typedef struct axq_linear axq_linear_t;

typedef struct axq_linear_options {
  uint32_t struct_size;
  uint32_t n_threads;     /* for quantizing the weight; 0 = all cores */
  /* AXQ_TYPE_INVALID (the default): an in_features that the type's block
     does not divide is AXQ_ERR_INVALID_ARGUMENT, naming the nearest valid
     widths. Another type: the layer uses it instead in that case. */
  int32_t fallback_type;
  uint32_t ternary_rule;  /* an axq_ternary_rule, for I2_S, TQ1_0, TQ2_0 */
} axq_linear_options_t;

typedef struct axq_linear_info {
  uint32_t struct_size;     /* in: sizeof(axq_linear_info_t) as the caller knows it */
  int32_t type;             /* the weight's type (the fallback's, if used) */
  uint32_t has_bias;
  int64_t in_features;
  int64_t out_features;
  uint64_t weight_bytes;
  double bits_per_weight;
  double compression_ratio;
} axq_linear_info_t;

AXQ_API axq_status axq_linear_options_init_sized(axq_linear_options_t *opts, size_t size);
#define axq_linear_options_init(opts) axq_linear_options_init_sized((opts), sizeof(*(opts)))
/* A layer from weight (out_features rows of in_features f32 values) and
   bias (NULL or out_features values), both copied. Every weight type of
   axq_matmul is accepted; any in_features works for F32/F16/BF16. */
AXQ_API axq_status axq_linear_create(axq_linear_t **out, axq_type type, const float *weight,
                                     int64_t out_features, int64_t in_features,
                                     const float *bias, const axq_linear_options_t *opts);
/* Frees the layer; NULL is a no-op. */
AXQ_API void axq_linear_destroy(axq_linear_t *layer);
/* y (batch rows of out_features) from x (batch rows of in_features), where
   batch = x_count / in_features; y_count must be batch * out_features.
   Computed by axq_matmul, so its rounding of x applies, then + bias. */
AXQ_API axq_status axq_linear_forward(float *y, size_t y_count, const axq_linear_t *layer,
                                      const float *x, size_t x_count,
                                      const axq_matmul_options_t *opts);
/* Fills the fields out->struct_size covers. */
AXQ_API axq_status axq_linear_info(axq_linear_info_t *out, const axq_linear_t *layer);
/* The layer's weight tensor (dims {in_features, out_features}), owned by
   the layer; NULL (and an error) for a NULL layer. */
AXQ_API const axq_tensor_t *axq_linear_weight(const axq_linear_t *layer);

/* ------------------------------------------------------------------------ */
/* Models                                                                   */
/*                                                                          */
/* An axq_model_t is a set of named tensors (names of 1 to 63 bytes,        */
/* unique) plus, when loaded from GGUF, the file's metadata, which          */
/* axq_model_save writes back. Which type each tensor gets when a model is  */
/* quantized (in memory or file to file):                                   */
/*  1. the first rule (a glob, or "re:" and a regex) matching the name;    */
/*  2. otherwise tensors of one dim, and tensors whose name contains        */
/*     "norm" (unless `pure`), keep their type; the rest get `type`;        */
/*  3. if the chosen type's block does not divide the row length,           */
/*     `fallback_type`, or by default llama.cpp's choice: Q2_K, Q3_K,       */
/*     TQ1_0, TQ2_0 -> Q4_0, Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0, and   */
/*     F16 whenever the replacement does not divide the row either.         */
/* Only F32, F16 and BF16 tensors are converted; a tensor already of another */
/* type must keep it. GGUF is the recommended file format.                  */
/* ------------------------------------------------------------------------ */
typedef struct axq_model axq_model_t;

/* Reported while models are quantized: before each tensor and after each
   chunk of rows. struct_size is the library's: a callback built against an
   older header reads only the fields it knows, one built against a newer
   header checks struct_size before reading fields added later. */
typedef struct axq_progress {
  uint32_t struct_size;
  uint64_t tensor_index;    /* 0-based, of tensor_count */
  uint64_t tensor_count;
  const char *tensor_name;  /* valid during the call */
  uint64_t bytes_done;      /* input bytes processed */
  uint64_t bytes_total;
  double elapsed_seconds;
  double bytes_per_second;  /* 0 until measurable */
  double eta_seconds;       /* -1 until measurable */
} axq_progress_t;

/* Return 0 to go on; anything else stops the work with AXQ_ERR_CANCELLED
   (a file being written is then not created or replaced). Called on the
   thread that called libaxq. */
typedef int (*axq_progress_fn)(const axq_progress_t *progress, void *user);

/* File formats axq_model_quantize_file writes. */
typedef enum axq_file_format {
  AXQ_FORMAT_GGUF = 0, /* GGUF v3, as llama.cpp reads it: the recommended format */
  /* AxonML's AXQT v1, for AxonML users: one type (q8_0, q4_0, q4_1, f16 or
     f32) for every tensor, so rules do not apply and norms are quantized
     too; no names or metadata; block types need each tensor's row length
     to be a multiple of 32. Not streamed: the whole output is held in
     memory until written. */
  AXQ_FORMAT_AXQT = 1,
  AXQ_FILE_FORMAT_RANGE_MAX_ = 0x7FFFFFFF
} axq_file_format;

/* llama.cpp's quantization mixes: the file types of llama-quantize, with
   the same numbers as llama.cpp's llama_ftype. A mix gives every tensor the
   type llama_model_quantize would give it: the mix's default type, with
   more bits where llama.cpp spends them (output, attention V, FFN down of
   chosen layers, depending on the layer count, grouped-query attention and
   experts read from the GGUF metadata), and 1-D tensors, norms, expert
   routers and the like left as they are. Tensors are recognised by their
   GGUF names (blk.N.attn_v.weight, ...); other names get the default type.
   Rules still come first; `pure` gives every tensor llama.cpp quantizes
   the default type (llama-quantize --pure). */
typedef enum axq_mix {
  AXQ_MIX_NONE = -1, /* no mix: `type` and the rules decide (the default) */
  AXQ_MIX_F16 = 1,
  AXQ_MIX_Q4_0 = 2,
  AXQ_MIX_Q4_1 = 3,
  AXQ_MIX_Q8_0 = 7,
  AXQ_MIX_Q5_0 = 8,
  AXQ_MIX_Q5_1 = 9,
  AXQ_MIX_Q2_K = 10,
  AXQ_MIX_Q3_K_S = 11,
  AXQ_MIX_Q3_K_M = 12,
  AXQ_MIX_Q3_K_L = 13,
  AXQ_MIX_Q4_K_S = 14,
  AXQ_MIX_Q4_K_M = 15,
  AXQ_MIX_Q5_K_S = 16,
  AXQ_MIX_Q5_K_M = 17,
  AXQ_MIX_Q6_K = 18,
  AXQ_MIX_BF16 = 32,
  AXQ_MIX_TQ1_0 = 36,
  AXQ_MIX_TQ2_0 = 37,
  AXQ_MIX_RANGE_MAX_ = 0x7FFFFFFF
} axq_mix;

/* The mix called `name` as llama-quantize spells it ("Q4_K_M", "q6_k",
   case-insensitive) in *out; AXQ_ERR_UNKNOWN_TYPE if there is none. */
AXQ_API axq_status axq_mix_from_name(int32_t *out, const char *name);
/* Its name ("Q4_K_M"), or NULL for AXQ_MIX_NONE and unknown values. */
AXQ_API const char *axq_mix_name(int32_t mix);

typedef struct axq_model_quantize_options {
  uint32_t struct_size;
  int32_t type;            /* default target type; AXQ_TYPE_Q4_0 by default */
  /* NULL or rules separated by ';' or newlines, first match wins:
     "GLOB=TYPE" (fnmatch on the whole name) or "re:REGEX=TYPE" (ECMAScript,
     found anywhere in the name), e.g. "*norm*=f32; re:ffn_(up|gate)=q8_0" */
  const char *rules;
  uint32_t pure;           /* 1: quantize norms of 2+ dims too (llama-quantize --pure) */
  int32_t fallback_type;   /* AXQ_TYPE_INVALID (default): llama.cpp's choice */
  uint32_t n_threads;      /* 0 = all cores; results are identical for any value */
  uint32_t ternary_rule;   /* an axq_ternary_rule */
  axq_progress_fn progress; /* NULL: none */
  void *progress_user;
  uint32_t output_format;  /* an axq_file_format, for axq_model_quantize_file */
  int32_t mix;             /* an axq_mix (0.5); AXQ_MIX_NONE by default. When
                              set, `type` is ignored and general.file_type is
                              the mix. GGUF output only. */
  /* 0.5: NULL, or an importance matrix (axq/imatrix.h) used as
     llama-quantize --imatrix uses it: each tensor quantized to a type with
     a weighted quantizer (axq_quantize_options_t.importance) takes the
     entry of its own name, if there is one (an entry of the wrong size is
     AXQ_ERR_INVALID_ARGUMENT, naming the tensor); the Q4_0 and Q5_0 mixes
     then keep the first eighth's FFN down as Q4_1/Q5_1, as llama.cpp
     does. Read only during the call. */
  const struct axq_imatrix *imatrix;
} axq_model_quantize_options_t;

typedef struct axq_model_summary {
  uint32_t struct_size;      /* in: sizeof(axq_model_summary_t) as the caller knows it */
  uint64_t tensor_count;
  uint64_t quantized_tensor_count; /* tensors of a block type */
  uint64_t params;           /* elements of all tensors */
  uint64_t f32_bytes;        /* 4 * params */
  uint64_t bytes;            /* the tensors' byte sizes, summed */
  double compression_ratio;  /* f32_bytes / bytes */
  double bits_per_weight;    /* 8 * bytes / params */
} axq_model_summary_t;

AXQ_API axq_status axq_model_quantize_options_init_sized(axq_model_quantize_options_t *opts,
                                                         size_t size);
#define axq_model_quantize_options_init(opts) \
  axq_model_quantize_options_init_sized((opts), sizeof(*(opts)))

/* An empty model. */
AXQ_API axq_status axq_model_create(axq_model_t **out);
/* Every tensor of a GGUF, safetensors or AXQT file, copied into memory.
   AXQT tensors are named "tensor.0", "tensor.1", ... (the format has no
   names) and come in ggml's layout of their type; one whose row length is
   not a multiple of 32 comes as the F32 values AxonML decodes. */
AXQ_API axq_status axq_model_load(axq_model_t **out, const char *path);
/* Frees the model; NULL is a no-op. */
AXQ_API void axq_model_destroy(axq_model_t *model);
/* Adds a copy of t (not a repacked tensor) under `name`. */
AXQ_API axq_status axq_model_add(axq_model_t *model, const char *name, const axq_tensor_t *t);
/* Writes the model as GGUF v3 through a temporary file renamed into place. */
AXQ_API axq_status axq_model_save(const axq_model_t *model, const char *path);
AXQ_API size_t axq_model_tensor_count(const axq_model_t *model);
/* Name of tensor i (in order of addition); NULL past the end. Owned by the
   model. */
AXQ_API const char *axq_model_tensor_name(const axq_model_t *model, size_t i);
/* The tensor called `name`, owned by the model; NULL (and an error) if
   there is none. */
AXQ_API const axq_tensor_t *axq_model_tensor(const axq_model_t *model, const char *name);
/* A new model with every tensor of `model` given the type the options
   choose (see above); metadata is carried over. */
AXQ_API axq_status axq_model_quantize(axq_model_t **out, const axq_model_t *model,
                                      const axq_model_quantize_options_t *opts);
/* Tensor `name` expanded to a new F32 tensor. If ndim > 0 its dims must
   equal dims[0..ndim) (AXQ_ERR_INVALID_ARGUMENT otherwise); ndim 0 takes
   the tensor's own shape. */
AXQ_API axq_status axq_model_dequantize(axq_tensor_t **out, const axq_model_t *model,
                                        const char *name, int ndim, const int64_t *dims);
/* Fills the fields out->struct_size covers. */
AXQ_API axq_status axq_model_summary(axq_model_summary_t *out, const axq_model_t *model);

/* A GGUF, safetensors or AXQT model file to a GGUF (or, by
   opts->output_format, AXQT) model file. GGUF output is streamed: the
   input is memory-mapped and each tensor written as it is quantized, so
   memory stays near the largest tensor. The output appears only when
   complete (a temporary renamed into place). `axq quantize` runs this. */
AXQ_API axq_status axq_model_quantize_file(const char *out_path, const char *in_path,
                                           const axq_model_quantize_options_t *opts);
/* Every tensor of a GGUF, safetensors or AXQT model expanded to `type`
   (F32, F16 or BF16) into a GGUF file, also streamed. */
AXQ_API axq_status axq_model_dequantize_file(const char *out_path, const char *in_path,
                                             axq_type type, const axq_dequantize_options_t *opts);

/* ------------------------------------------------------------------------ */
/* SIMD targets                                                             */
/* ------------------------------------------------------------------------ */

/* Name of the target the kernels run on now, e.g. "AVX3_DL", "AVX2", "SCALAR". */
AXQ_API const char *axq_simd_target_name(void);
/* Targets compiled into this library that this CPU can run, best first,
   ignoring any restriction. axq_simd_target_at() returns NULL past the end. */
AXQ_API size_t axq_simd_target_count(void);
AXQ_API const char *axq_simd_target_at(size_t i);
/* Restricts dispatch to a comma-separated list of target names (as above,
   case-insensitive); the best listed target this CPU supports is used.
   NULL or "" lifts the restriction; an unknown name is an error. The
   environment variable AXQ_SIMD_TARGETS is applied the same way when the
   library is first used, except that names this build lacks are skipped
   (and a list of only such names changes nothing).
   Process-wide; do not call while other threads run axq work. */
AXQ_API axq_status axq_simd_set_targets(const char *names);

#ifdef __cplusplus
} /* extern "C" */
#endif

/* The quantization toolkit, one header per concern. */
#include "axq/calibrate.h"
#include "axq/intquant.h"
#include "axq/floatquant.h"
#include "axq/analysis.h"
#include "axq/imatrix.h"
#include "axq/ptq.h"

#endif /* AXQ_AXQ_H */
