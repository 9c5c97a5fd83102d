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

/* ------------------------------------------------------------------------ */
/* Schemes. b = bits (2..8); s = scale (f32, > 0); zp = zero point (an     */
/* integer, 0 for the symmetric schemes); round = round half to even;      */
/* all arithmetic is f32 unless said otherwise.                            */
/*                                                                          */
/* AXQ_INT_SYMMETRIC: qmax = 2^(b-1) - 1, codes in [-qmax, qmax] (the       */
/*   lowest two's-complement value -2^(b-1) is never used, so the range is  */
/*   symmetric). s = absmax / qmax; an all-zero set gets s = 1 (codes 0).   */
/*   q = clamp(round(x / s), -qmax, qmax); x' = q * s.                      */
/*   int4 = this scheme with b = 4 (signed codes -7..7).                    */
/* AXQ_INT_AFFINE (asymmetric): [lo, hi] = [min(min, 0), max(max, 0)], so   */
/*   0 is always exact. s = (hi - lo) / (2^b - 1), computed in f64 and      */
/*   rounded once to f32; an all-zero set gets s = 1, zp = 0.               */
/*   zp = clamp(round(-lo / s), 0, 2^b - 1);                                */
/*   q = clamp(round(x / s) + zp, 0, 2^b - 1); x' = (q - zp) * s.           */
/*   uint4 = this scheme with b = 4 (unsigned codes 0..15).                 */
/* AXQ_INT_POWER_OF_TWO: symmetric, with s rounded UP to the nearest power  */
/*   of two (2^k >= absmax / qmax), so that multiplying by s is a shift.    */
/*   Codes as symmetric. Only for b = 2 and |x| > 2^127 is 2^k capped at     */
/*   2^127 (the largest f32 power of two); such values saturate at +-qmax.  */
/*                                                                          */
/* A scale that would underflow to 0 (sets whose largest magnitude is a    */
/* tiny subnormal) is raised to the smallest positive f32, 2^-149.          */
/* x' is saturated to +-FLT_MAX, which only values within s/2 of FLT_MAX    */
/* can reach. NaN/Inf input is AXQ_ERR_NON_FINITE naming the first index.   */
/* Round trip: |x - x'| <= s/2 for every element of a set (plus the f32    */
/* rounding of x / s and (q - zp) * s, a few ulps), except the capped       */
/* power-of-two case above.                                                 */
/* ------------------------------------------------------------------------ */
typedef enum axq_int_scheme {
  AXQ_INT_SYMMETRIC = 0,
  AXQ_INT_AFFINE = 1,
  AXQ_INT_POWER_OF_TWO = 2,
  AXQ_INT_SCHEME_RANGE_MAX_ = 0x7FFFFFFF
} axq_int_scheme;

/* ------------------------------------------------------------------------ */
/* Granularity: which elements share one scale (and zero point). A tensor  */
/* is row-major with dims[0] the row length (see axq_tensor_t).             */
/*                                                                          */
/* AXQ_PER_TENSOR: one set; parameter shape {1}.                            */
/* AXQ_PER_CHANNEL: one set per index along `axis` (0 <= axis < ndim): a    */
/*   channel is every element whose index in dim `axis` is c. axis 0: the   */
/*   columns; axis 1 of a 2-D weight {in, out}: its rows (output channels). */
/*   Parameter shape {dims[axis]}.                                          */
/* AXQ_PER_GROUP: runs of group_size contiguous elements along each row.    */
/*   group_size must divide dims[0]: no partial group is ever formed, and   */
/*   any other size is AXQ_ERR_INVALID_ARGUMENT naming the row length and  */
/*   the nearest valid group sizes (the divisors of dims[0] just below and  */
/*   above). Parameter shape {dims[0] / group_size, dims[1], ...}: the      */
/*   tensor's shape with dims[0] replaced, in row-major order.              */
/* ------------------------------------------------------------------------ */
typedef enum axq_granularity {
  AXQ_PER_TENSOR = 0,
  AXQ_PER_CHANNEL = 1,
  AXQ_PER_GROUP = 2,
  AXQ_GRANULARITY_RANGE_MAX_ = 0x7FFFFFFF
} axq_granularity;

typedef struct axq_int_options {
  uint32_t struct_size;
  uint32_t bits;        /* 2..8; default 8 */
  int32_t scheme;       /* an axq_int_scheme; default AXQ_INT_SYMMETRIC */
  int32_t granularity;  /* an axq_granularity; default AXQ_PER_TENSOR */
  int32_t axis;         /* AXQ_PER_CHANNEL only; default 1 */
  uint32_t n_threads;   /* 0 = all cores; results are identical for any value */
  int64_t group_size;   /* AXQ_PER_GROUP only; default 32 */
} axq_int_options_t;

AXQ_API axq_status axq_int_options_init_sized(axq_int_options_t *opts, size_t size);
#define axq_int_options_init(opts) axq_int_options_init_sized((opts), sizeof(*(opts)))

/* ------------------------------------------------------------------------ */
/* Integer-quantized tensors                                                */
/*                                                                          */
/* Code layout. Every row (dims[0] elements) starts on a byte boundary.     */
/*  - b <= 4: two codes per byte, element 2i of the row in the low nibble   */
/*    (bits 3..0) and element 2i+1 in the high nibble (bits 7..4); a row of */
/*    odd length ends with a byte whose high nibble is 0. Row bytes =       */
/*    ceil(dims[0] / 2). 2- and 3-bit codes use nibbles too.                */
/*  - b >= 5: one byte per code. Row bytes = dims[0].                       */
/* Signed codes (symmetric, power-of-two) are stored in two's complement   */
/* (a nibble's bit 3 is its sign: -1 = 0xF); affine codes are unsigned     */
/* (0..2^b - 1, up to 255 in a byte, never reinterpreted as int8).         */
/* Scales and zero points come as F32 tensors (axq_int_tensor_params);     */
/* zero points are exact integers stored as f32, all 0 for the symmetric   */
/* schemes.                                                                 */
/*                                                                          */
/* Sizes: param_count = number of scales; param_bytes = 4 * param_count,   */
/* doubled for AXQ_INT_AFFINE (zero points are counted only there);        */
/* bits_per_weight = 8 * (code_bytes + param_bytes) / nelements, so the    */
/* scale and zero-point overhead is included.                               */
/*                                                                          */
/* A handle never changes after axq_int_quantize: any number of threads may */
/* use it at once.                                                          */
/* ------------------------------------------------------------------------ */
typedef struct axq_int_tensor axq_int_tensor_t;

typedef struct axq_int_tensor_info {
  uint32_t struct_size;  /* in: sizeof(axq_int_tensor_info_t) as the caller knows it */
  uint32_t bits;
  int32_t scheme;        /* an axq_int_scheme */
  int32_t granularity;   /* an axq_granularity */
  int32_t axis;          /* AXQ_PER_CHANNEL: the axis; otherwise -1 */
  int32_t ndim;
  int64_t group_size;    /* AXQ_PER_GROUP: the group size; otherwise 0 */
  int64_t dims[AXQ_MAX_DIMS]; /* 1 past ndim */
  int64_t nelements;
  uint64_t code_bytes;
  uint64_t param_count;
  uint64_t param_bytes;
  double bits_per_weight;
} axq_int_tensor_info_t;

/* Quantizes an F32 tensor; a new handle in *out. opts NULL = defaults
   (8-bit symmetric per tensor). The result is the same for any thread
   count and SIMD target. */
AXQ_API axq_status axq_int_quantize(axq_int_tensor_t **out, const axq_tensor_t *src,
                                    const axq_int_options_t *opts);
/* Expands q to a new F32 tensor with q's dims: x' as the scheme defines it.
   opts NULL = defaults (all cores). */
AXQ_API axq_status axq_int_dequantize(axq_tensor_t **out, const axq_int_tensor_t *q,
                                      const axq_dequantize_options_t *opts);
/* Frees q; NULL is a no-op. */
AXQ_API void axq_int_tensor_destroy(axq_int_tensor_t *q);
/* The packed codes (layout above), owned by q and valid while it lives,
   and their byte count (info.code_bytes). */
AXQ_API axq_status axq_int_tensor_codes(const uint8_t **codes, size_t *size,
                                        const axq_int_tensor_t *q);
/* New F32 tensors of the scales and the zero points, both of the parameter
   shape above. Either output may be NULL if not wanted (not both). */
AXQ_API axq_status axq_int_tensor_params(axq_tensor_t **scales, axq_tensor_t **zero_points,
                                         const axq_int_tensor_t *q);
/* Fills the fields out->struct_size covers. */
AXQ_API axq_status axq_int_tensor_info(axq_int_tensor_info_t *out, const axq_int_tensor_t *q);

/* ------------------------------------------------------------------------ */
/* Fake quantization (quantization-aware training)                          */
/*                                                                          */
/* Forward: y = x' = dequant(quant(x)) with the scheme's formulas above,    */
/* bit for bit what axq_int_quantize + axq_int_dequantize give for the same */
/* scale and zero point. Codes run over [qmin, qmax] = [-qmax, qmax]        */
/* (symmetric, power-of-two) or [0, 2^b - 1] (affine).                      */
/* Backward, the straight-through estimator: dL/dx = mask * dL/dy, where   */
/*   AXQ_STE_PLAIN:   mask = 1 everywhere (the gradient passes unchanged);  */
/*   AXQ_STE_CLAMPED: mask = 1 where (qmin - zp) * s <= x <= (qmax - zp) * s */
/*                    (the representable range, bounds included, each      */
/*                    bound one f32 multiply), else 0. For the affine      */
/*                    scheme the range is shifted by zp, not qmin*s..qmax*s. */
/* Masks are bytes, 0 or 1, one per element.                                */
/* ------------------------------------------------------------------------ */
typedef enum axq_ste {
  AXQ_STE_PLAIN = 0,
  AXQ_STE_CLAMPED = 1,
  AXQ_STE_RANGE_MAX_ = 0x7FFFFFFF
} axq_ste;

/* The parameters of one fake-quantized set (not optional: pass them).
   Defaults: 8-bit symmetric, scale 1, zero point 0, clamped STE, all cores. */
typedef struct axq_fake_quant_params {
  uint32_t struct_size;
  uint32_t bits;        /* 2..8 */
  int32_t scheme;       /* an axq_int_scheme */
  int32_t ste;          /* an axq_ste: how the mask is made */
  float scale;          /* finite, > 0; a power of two for AXQ_INT_POWER_OF_TWO */
  int32_t zero_point;   /* 0..2^bits - 1 for AXQ_INT_AFFINE; 0 otherwise */
  uint32_t n_threads;   /* 0 = all cores; results are identical for any value */
} axq_fake_quant_params_t;

AXQ_API axq_status axq_fake_quant_params_init_sized(axq_fake_quant_params_t *params, size_t size);
#define axq_fake_quant_params_init(params) \
  axq_fake_quant_params_init_sized((params), sizeof(*(params)))

/* Sets params->scale and params->zero_point from an observed range
   [min_value, max_value] (finite, min_value <= max_value) by the rules of
   params->scheme and params->bits, exactly as axq_int_quantize derives them
   from a set whose minimum and maximum these are (symmetric schemes use
   absmax = max(|min_value|, |max_value|)). Other fields are kept. */
AXQ_API axq_status axq_fake_quant_params_from_range(axq_fake_quant_params_t *params,
                                                    float min_value, float max_value);

/* y[i] = x'[i] and, if mask is not NULL, mask[i] per params->ste, for
   i < n (n > 0). y may be x itself (in place); any other overlap of y and
   x is AXQ_ERR_INVALID_ARGUMENT, and mask must not overlap either. NaN/Inf
   in x is AXQ_ERR_NON_FINITE naming the first index (y and mask are then
   unspecified, but in place x[index] still holds the value). */
AXQ_API axq_status axq_fake_quantize(float *y, uint8_t *mask, size_t n, const float *x,
                                     const axq_fake_quant_params_t *params);

/* Fake quantization of an F32 tensor with the scales and zero points that
   axq_int_quantize would choose for opts (NULL = defaults): a new F32
   tensor in *out, equal bit for bit to axq_int_dequantize of
   axq_int_quantize(src, opts). mask: NULL, or mask_count =
   axq_tensor_nelements(src) bytes, filled per `ste` with each element's own
   scale and zero point. */
AXQ_API axq_status axq_fake_quantize_tensor(axq_tensor_t **out, uint8_t *mask, size_t mask_count,
                                            const axq_tensor_t *src, axq_ste ste,
                                            const axq_int_options_t *opts);

/* The backward pass: grad_in[i] = mask[i] ? grad_out[i] : 0 for i < n
   (n > 0); mask NULL = plain STE (a copy). grad_in may be grad_out itself.
   NaN/Inf in grad_out is AXQ_ERR_NON_FINITE naming the first index. */
AXQ_API axq_status axq_ste_backward(float *grad_in, const float *grad_out, const uint8_t *mask,
                                    size_t n);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_INTQUANT_H */
