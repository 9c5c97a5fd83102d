/*
 * libaxq — Float formats: FP8 (E4M3FN, E5M2) with scales, and NF4 / FP4 with blockwise absmax and double quantization, compatible with bitsandbytes.
 *
 * Part of the stable C API; <axq/axq.h> includes it, and its conventions
 * (statuses, axq_last_error(), options structs) hold here too.
 *
 * Thread safety: every function may be called concurrently from any thread;
 * an axq_nf4_tensor_t is immutable once made, so many threads may read it.
 * Results are identical for any n_threads and any SIMD target.
 */
#ifndef AXQ_FLOATQUANT_H
#define AXQ_FLOATQUANT_H

#include "axq/axq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* FP8                                                                      */
/*                                                                          */
/* E4M3 is OCP's E4M3FN: sign, 4 exponent bits (bias 7), 3 mantissa bits;   */
/* largest finite 448 (0x7E), smallest normal 2^-6, smallest subnormal      */
/* 2^-9; no infinities; NaN is S.1111.111 (0x7F, 0xFF).                     */
/* E5M2 is IEEE-like: bias 15, 2 mantissa bits; largest finite 57344        */
/* (0x7B), smallest normal 2^-14, smallest subnormal 2^-16; +-inf 0x7C/0xFC; */
/* NaN = exponent 31 with a non-zero mantissa.                              */
/*                                                                          */
/* Encoding x (after the division by the scale, see below) rounds to the    */
/* nearest representable value, ties to the even mantissa, and keeps the    */
/* sign (also of zero and of values that round to zero). Then:              */
/*  - finite values beyond the largest finite (after rounding) saturate to  */
/*    +-max: E4M3 0x7E/0xFE, E5M2 0x7B/0xFB;                                */
/*  - +-inf: E4M3 saturates to +-448 (it has no inf); E5M2 keeps +-inf;     */
/*  - every NaN, whatever its sign and payload, becomes the canonical NaN   */
/*    code: E4M3 0x7F, E5M2 0x7E.                                           */
/* Decoding is exact; NaN codes decode to a quiet NaN of the code's sign.   */
/* ------------------------------------------------------------------------ */
typedef enum axq_fp8_format {
  AXQ_FP8_E4M3 = 0,
  AXQ_FP8_E5M2 = 1,
  AXQ_FP8_FORMAT_RANGE_MAX_ = 0x7FFFFFFF
} axq_fp8_format;

/* dst[i] = code of src[i] / scale, as above. scale must be finite and > 0
   (1 for a plain conversion); the quotient is rounded to f32 once, then
   encoded. Non-finite src values are converted as described, never
   rejected. n must be positive. */
AXQ_API axq_status axq_fp8_encode(uint8_t *dst, size_t n, const float *src, int32_t format,
                                  float scale);
/* dst[i] = value of src[i] * scale (one f32 rounding); scale as above. */
AXQ_API axq_status axq_fp8_decode(float *dst, size_t n, const uint8_t *src, int32_t format,
                                  float scale);

/* Where the scales of axq_fp8_quantize apply. */
typedef enum axq_fp8_granularity {
  AXQ_FP8_PER_TENSOR = 0, /* one scale for all rows * cols values */
  AXQ_FP8_PER_ROW = 1,    /* one scale per row (output channel of a weight) */
  AXQ_FP8_GRANULARITY_RANGE_MAX_ = 0x7FFFFFFF
} axq_fp8_granularity;

typedef struct axq_fp8_options {
  uint32_t struct_size;
  int32_t format;      /* an axq_fp8_format; default AXQ_FP8_E4M3 */
  int32_t granularity; /* an axq_fp8_granularity; default AXQ_FP8_PER_TENSOR */
  uint32_t n_threads;  /* 0 = all cores; results are identical for any value */
} axq_fp8_options_t;

AXQ_API axq_status axq_fp8_options_init_sized(axq_fp8_options_t *opts, size_t size);
#define axq_fp8_options_init(opts) axq_fp8_options_init_sized((opts), sizeof(*(opts)))

/* Quantizes a row-major f32 matrix of rows x cols (a vector: rows = 1).
   Each scale s = amax / max_finite over its values (448 for E4M3, 57344
   for E5M2); amax 0 gives s = 1, and an s that underflows to 0 becomes the
   smallest positive f32 (2^-149). codes[i] = encode(src[i] / s), so the
   largest |value| lands on +-max_finite. codes_count must be rows * cols;
   scales_count 1 (per tensor) or rows (per row). src must be finite
   (AXQ_ERR_NON_FINITE otherwise; use axq_fp8_encode to convert NaN/Inf). */
AXQ_API axq_status axq_fp8_quantize(uint8_t *codes, size_t codes_count, float *scales,
                                    size_t scales_count, const float *src, int64_t rows,
                                    int64_t cols, const axq_fp8_options_t *opts);
/* dst[i] = value(codes[i]) * s of its row (or of the tensor): the inverse
   of axq_fp8_quantize with the same rows, cols and options. dst_count is
   rows * cols (codes holds as many); scales_count as above, every scale
   finite and > 0. */
AXQ_API axq_status axq_fp8_dequantize(float *dst, size_t dst_count, const uint8_t *codes,
                                      const float *scales, size_t scales_count, int64_t rows,
                                      int64_t cols, const axq_fp8_options_t *opts);

/* ------------------------------------------------------------------------ */
/* NF4 and FP4 (bitsandbytes' 4-bit formats)                                */
/*                                                                          */
/* The n input values, in order, are cut into blocks of block_size (the     */
/* last block may be shorter). Each block keeps absmax = max |x| (f32);     */
/* each value becomes the 4-bit code whose value is nearest to              */
/* v = x * (1 / absmax) (f32, as bitsandbytes' CUDA kernel; an all-zero     */
/* block uses v = 0, so its codes are the zero code, where bitsandbytes     */
/* gets 0 * inf = NaN and code 0, both decoding to zeros; a block whose     */
/* absmax is subnormal has x and absmax                                     */
/* both scaled by 2^64 first, exactly, so that 1 / absmax cannot overflow). */
/* "Nearest" is decided against bitsandbytes' decision thresholds as f32:   */
/* code = number of thresholds t with v > t (a v equal to a threshold takes */
/* the lower one). Dequantized value = code_value * absmax (one rounding).  */
/*                                                                          */
/* NF4 code values (code 0..15): -1, -0.6961928009986877,                   */
/*  -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,        */
/*  -0.18477343022823334, -0.09105003625154495, 0, 0.07958029955625534,     */
/*  0.16093020141124725, 0.24611230194568634, 0.33791524171829224,          */
/*  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.          */
/* NF4 thresholds (bitsandbytes' dQuantizeNF4): the midpoints of adjacent   */
/* values as bitsandbytes computed them in double before rounding the       */
/* values to f32; 4 of the 15 (the 1st, 9th, 13th and 15th) are 1 ulp off  */
/* the midpoint of the f32 values above, and are kept for byte parity:      */
/*  -0.8480964004993439, -0.6106329262256622, -0.4599952697753906,         */
/*  -0.33967943489551544, -0.23460740596055984, -0.13791173323988914,      */
/*  -0.045525018125772476, 0.03979014977812767, 0.1202552504837513,        */
/*  0.2035212516784668, 0.2920137718319893, 0.3893125355243683,            */
/*  0.5016634166240692, 0.6427869200706482, 0.8614784181118011.            */
/*                                                                          */
/* FP4 is bitsandbytes' E2M1 with its exponent bias of 3, normalized by 12  */
/* (its largest magnitude), as its CUDA kernels (dDequantizeFP4Tree and     */
/* dQuantizeFP4) define it: bit 3 is the sign, bits 2..0 pick the magnitude */
/*   000: 0  001: 0.005208333333 (=0.0625/12)  010: 0.66666667  011: 1      */
/*   100: 0.33333333  101: 0.5  110: 0.16666667  111: 0.25                  */
/* (each as f32). Sign = (v < 0), so -0 and values that round to 0 from     */
/* below give 0b1000 = -0. Magnitude thresholds on |v|, bitsandbytes' f32   */
/* constants: 0.00260417, 0.0859375, 0.20833333, 0.29166667, 0.4166667,     */
/* 0.583333, 0.8333333: rounded decimals of the midpoints (0.583333 lies 6  */
/* ulp under, 0.00260417 14 ulp over the midpoint of the f32 values), kept  */
/* for byte parity.                                                         */
/*                                                                          */
/* Storage, as bitsandbytes' quantize_4bit with a flat tensor:              */
/*  - packed: ceil(n / 2) bytes; byte j holds element 2j in its HIGH nibble  */
/*    and element 2j+1 in its LOW nibble (bitsandbytes' CUDA kernels and    */
/*    its current CPU path do the same). For odd n the last low nibble is   */
/*    the code of 0 (NF4 7, FP4 0), as bitsandbytes pads.                   */
/*  - without double quantization: one f32 absmax per block.                */
/*  - with double quantization (bitsandbytes' compress_statistics): offset  */
/*    = mean of the block absmax values (summed in double in block order,   */
/*    rounded to f32); the differences d = absmax - offset (f32) are cut     */
/*    into groups of 256 blocks (the last may be shorter), each with        */
/*    absmax2 = max |d| (f32), and d * (1 / absmax2) (0 if absmax2 is 0;    */
/*    prescaled by 2^64 as above if absmax2 is subnormal) is coded as the   */
/*    index of the nearest entry of the 256-value dynamic map               */
/*    (ties, i.e. a value equal to the f32 midpoint of two entries, to the  */
/*    lower index). Effective absmax = map[code] * absmax2 + offset (f32,   */
/*    multiply then add), which is what dequantization uses.               */
/*  - The dynamic map is bitsandbytes' create_dynamic_map(signed=True,      */
/*    max_exponent_bits=7, total_bits=8): for i = 0..6 the 2^i means of     */
/*    adjacent points of linspace(0.1, 1, 2^i + 1), times 10^(i-6), with    */
/*    both signs; plus 0 and 1; sorted ascending (0 is entry 127, 1 is 255,  */
/*    the smallest is -0.99296875). libaxq rounds each exact value once to   */
/*    f32; bitsandbytes computes them in f32 steps (torch.linspace), so an   */
/*    entry may differ from a given torch build's in the last bits. The map */
/*    travels with the data (bitsandbytes stores it as nested_quant_map):   */
/*    export axq_4bit_dynamic_map() beside the codes.                       */
/*                                                                          */
/* Bits per parameter (axq_nf4_info_t.bits_per_parameter) = 8 * total_bytes */
/* / n, total_bytes = ceil(n/2) + 4 * blocks without double quantization,   */
/* or ceil(n/2) + blocks + 4 * groups + 4 (the offset) with it: for         */
/* block_size 64, 4 + 32/64 = 4.5 against 4 + 8/64 + 32/(64*256) + 32/n     */
/* ~= 4.127.                                                                */
/* ------------------------------------------------------------------------ */
typedef enum axq_4bit_kind {
  AXQ_4BIT_NF4 = 0,
  AXQ_4BIT_FP4 = 1,
  AXQ_4BIT_KIND_RANGE_MAX_ = 0x7FFFFFFF
} axq_4bit_kind;

/* Opaque, immutable: a quantized vector of n values. */
typedef struct axq_nf4_tensor axq_nf4_tensor_t;

typedef struct axq_nf4_options {
  uint32_t struct_size;
  int32_t kind;          /* an axq_4bit_kind; default AXQ_4BIT_NF4 */
  uint32_t block_size;   /* a power of two in 32..4096; default 64 */
  uint32_t double_quant; /* 1 (default): compress the absmax values; 0: keep f32 */
  uint32_t n_threads;    /* 0 = all cores; results are identical for any value */
} axq_nf4_options_t;

AXQ_API axq_status axq_nf4_options_init_sized(axq_nf4_options_t *opts, size_t size);
#define axq_nf4_options_init(opts) axq_nf4_options_init_sized((opts), sizeof(*(opts)))

/* Quantizes n > 0 finite values (AXQ_ERR_NON_FINITE otherwise). */
AXQ_API axq_status axq_nf4_quantize(axq_nf4_tensor_t **out, const float *src, size_t n,
                                    const axq_nf4_options_t *opts);
/* Frees the tensor; NULL is a no-op. */
AXQ_API void axq_nf4_destroy(axq_nf4_tensor_t *t);
/* Expands the tensor into dst (dst_count must be its n). opts->n_threads
   as in axq_dequantize; NULL = defaults. */
AXQ_API axq_status axq_nf4_dequantize(float *dst, size_t dst_count, const axq_nf4_tensor_t *t,
                                      const axq_dequantize_options_t *opts);

typedef struct axq_nf4_info {
  uint32_t struct_size;     /* in: sizeof(axq_nf4_info_t) as the caller knows it */
  int32_t kind;             /* axq_4bit_kind */
  uint32_t block_size;
  uint32_t double_quant;
  uint64_t n;               /* values */
  uint64_t block_count;     /* ceil(n / block_size) */
  uint64_t packed_bytes;    /* ceil(n / 2) */
  uint64_t group_size;      /* 256 with double quantization, else 0 */
  uint64_t group_count;     /* ceil(block_count / 256) with it, else 0 */
  uint64_t total_bytes;     /* see "Bits per parameter" above */
  double bits_per_parameter;
} axq_nf4_info_t;

/* Fills the fields out->struct_size covers. */
AXQ_API axq_status axq_nf4_info(axq_nf4_info_t *out, const axq_nf4_tensor_t *t);

/* The stored parts, in the layout described above. */
typedef struct axq_nf4_parts {
  uint32_t struct_size;
  int32_t kind;                 /* axq_4bit_kind */
  uint32_t block_size;
  uint32_t double_quant;
  uint64_t n;
  const uint8_t *packed;        /* ceil(n / 2) bytes */
  const float *absmax;          /* block_count f32; NULL with double quantization */
  const uint8_t *absmax_codes;  /* block_count dynamic-map codes; NULL without */
  const float *absmax2;         /* group_count f32; NULL without */
  float offset;                 /* 0 without */
} axq_nf4_parts_t;

/* Points out's arrays into t (valid while t lives) and fills the fields
   that out->struct_size (set by the caller) covers. */
AXQ_API axq_status axq_nf4_parts(axq_nf4_parts_t *out, const axq_nf4_tensor_t *t);
/* A tensor made of a copy of the given parts (e.g. a bitsandbytes
   checkpoint's weight, absmax, nested_absmax and offset), read as far as
   parts->struct_size covers. The arrays the mode needs must be non-NULL
   and the others NULL; absmax, absmax2 and offset must be finite. */
AXQ_API axq_status axq_nf4_from_parts(axq_nf4_tensor_t **out, const axq_nf4_parts_t *parts);
/* The effective f32 absmax of every block (dequantized if compressed);
   count must be the tensor's block_count. */
AXQ_API axq_status axq_nf4_absmax(float *dst, size_t count, const axq_nf4_tensor_t *t);

/* The 16 code values of `kind` (index = code), as listed above. */
AXQ_API axq_status axq_4bit_code_values(float *dst, size_t count, int32_t kind);
/* The 256 entries of the dynamic map used by double quantization. */
AXQ_API axq_status axq_4bit_dynamic_map(float *dst, size_t count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_FLOATQUANT_H */
