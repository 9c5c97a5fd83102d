/* The one SWIG interface of libaxq's bindings (Go, Java, C#).
 *
 * It parses the real public header, wraps nothing of it directly (every
 * declaration is ignored first, then only what is listed here is kept), and
 * adds a thin C layer of helpers whose signatures every language can take:
 *  - integers instead of enums (type ids and statuses are pinned numbers);
 *  - results as int64: a count or size >= 0, or a negative axq_status;
 *  - handles returned directly, NULL on failure, with the status kept per
 *    thread for last_status() (Go locks its goroutine to the thread around
 *    the pair of calls; JNI and P/Invoke stay on the calling thread);
 *  - buffers as (pointer, length) pairs that each language's typemaps fill
 *    from its own arrays without copying (go.i, java.i, csharp.i); C never
 *    keeps such a pointer after the call.
 * NULL handles need no check typemap: every axq_* function already rejects
 * them with AXQ_ERR_INVALID_ARGUMENT and a message.
 */
%module AxqNative

%begin %{
/* clock_gettime under -std=c99 (before any system header). */
#define _POSIX_C_SOURCE 200809L
%}

%{
#include <string.h>
#include <time.h>
#include "axq/axq.h"
%}

%include <stdint.i>

/* Parse the header for its types, wrap none of it by itself. */
%ignore "";
%include "axq/axq.h"
%include "axq/analysis.h"
%include "axq/calibrate.h"
%include "axq/intquant.h"
%include "axq/floatquant.h"
%include "axq/imatrix.h"

/* The handle stays opaque; creators and destroyers are marked. */
%rename("%s") axq_tensor;
%newobject tensor_create;
%newobject tensor_from_f32;
%newobject tensor_from_bytes;
%newobject quantize;
%newobject dequantize;
%newobject tensor_repack;
%delobject tensor_destroy;
%rename("%s") axq_linear;
%rename("%s") axq_model;
%newobject linear_create;
%newobject linear_weight;
%delobject linear_destroy;
%newobject model_create;
%newobject model_load;
%newobject model_quantize;
%newobject model_tensor;
%newobject model_dequantize;
%delobject model_destroy;

/* What is wrapped: each helper below, under its own name. */
%rename("%s") version_string;
%rename("%s") version_number;
%rename("%s") status_string;
%rename("%s") last_error;
%rename("%s") last_status;
%rename("%s") type_name;
%rename("%s") type_block_elems;
%rename("%s") type_block_bytes;
%rename("%s") type_flags;
%rename("%s") type_from_name;
%rename("%s") row_size;
%rename("%s") quantize_row;
%rename("%s") dequantize_row;
%rename("%s") tensor_create;
%rename("%s") tensor_from_f32;
%rename("%s") tensor_from_bytes;
%rename("%s") tensor_destroy;
%rename("%s") tensor_type;
%rename("%s") tensor_ndim;
%rename("%s") tensor_dim;
%rename("%s") tensor_nelements;
%rename("%s") tensor_nbytes;
%rename("%s") tensor_read;
%rename("%s") tensor_read_f32;
%rename("%s") tensor_is_repacked;
%rename("%s") i8s_row;
%rename("%s") quantize;
%rename("%s") dequantize;
%rename("%s") tensor_repack;
%rename("%s") matmul;
%rename("%s") matmul_i2s;
%rename("%s") matmul_i2s_i8;
%rename("%s") simd_target_name;
%rename("%s") simd_target_count;
%rename("%s") simd_target_at;
%rename("%s") simd_set_targets;
%rename("%s") c_quantize_row_seconds;
%rename("%s") linear_create;
%rename("%s") linear_destroy;
%rename("%s") linear_forward;
%rename("%s") linear_info;
%rename("%s") linear_bits_per_weight;
%rename("%s") linear_compression_ratio;
%rename("%s") linear_weight;
%rename("%s") model_create;
%rename("%s") model_load;
%rename("%s") model_destroy;
%rename("%s") model_add;
%rename("%s") model_save;
%rename("%s") model_tensor_count;
%rename("%s") model_tensor_name;
%rename("%s") model_tensor;
%rename("%s") model_quantize;
%rename("%s") model_dequantize;
%rename("%s") model_summary;
%rename("%s") model_compression_ratio;
%rename("%s") model_bits_per_weight;
%rename("%s") model_quantize_file;
%rename("%s") model_dequantize_file;

%rename("%s") axq_calibrator;
%rename("%s") axq_int_tensor;
%rename("%s") axq_nf4_tensor;
%newobject calibrator_create;
%delobject calibrator_destroy;
%newobject int_quantize;
%newobject int_dequantize;
%newobject int_tensor_scales;
%newobject int_tensor_zero_points;
%delobject int_tensor_destroy;
%newobject nf4_quantize;
%newobject nf4_from_parts;
%newobject fake_quantize_tensor;
%delobject nf4_destroy;
%rename("%s") error_stats;
%rename("%s") quant_report;
%rename("%s") calibrator_create;
%rename("%s") calibrator_destroy;
%rename("%s") calibrator_observe;
%rename("%s") calibrator_merge;
%rename("%s") calibrator_info;
%rename("%s") calibrator_range;
%rename("%s") range_to_params;
%rename("%s") int_quantize;
%rename("%s") int_dequantize;
%rename("%s") int_tensor_destroy;
%rename("%s") int_tensor_codes;
%rename("%s") int_tensor_scales;
%rename("%s") int_tensor_zero_points;
%rename("%s") int_tensor_info;
%rename("%s") int_tensor_bits_per_weight;
%rename("%s") fake_quantize;
%rename("%s") ste_backward;
%rename("%s") fp8_encode;
%rename("%s") fp8_decode;
%rename("%s") nf4_quantize;
%rename("%s") nf4_destroy;
%rename("%s") nf4_dequantize;
%rename("%s") nf4_info;
%rename("%s") nf4_bits_per_parameter;
%rename("%s") nf4_absmax;
%rename("%s") nf4_code_values;
%rename("%s") fp8_quantize;
%rename("%s") fp8_dequantize;
%rename("%s") fake_quantize_tensor;
%rename("%s") fake_quant_params_from_range;
%rename("%s") nf4_parts_bytes;
%rename("%s") nf4_parts_floats;
%rename("%s") nf4_from_parts;
%rename("%s") nf4_dynamic_map;

%rename("%s") axq_imatrix;
%newobject imatrix_create;
%newobject imatrix_load;
%delobject imatrix_destroy;
%rename("%s") imatrix_create;
%rename("%s") imatrix_load;
%rename("%s") imatrix_destroy;
%rename("%s") imatrix_save;
%rename("%s") imatrix_accumulate;
%rename("%s") imatrix_count;
%rename("%s") imatrix_name;
%rename("%s") imatrix_columns;
%rename("%s") imatrix_values;
%rename("%s") mix_from_name;
%rename("%s") mix_name;

%{
/* Status of the last helper on this thread that returned a handle. */
static __thread int axq_binding_status;

/* (Called after the creating call, never in the same expression: C does
   not order the evaluation of arguments.) */
static axq_tensor_t *axq_binding_handle(axq_status s, axq_tensor_t *t) {
  axq_binding_status = (int)s;
  return s == AXQ_OK ? t : NULL;
}

static axq_linear_t *axq_binding_linear(axq_status s, axq_linear_t *l) {
  axq_binding_status = (int)s;
  return s == AXQ_OK ? l : NULL;
}

static axq_model_t *axq_binding_model(axq_status s, axq_model_t *m) {
  axq_binding_status = (int)s;
  return s == AXQ_OK ? m : NULL;
}

static axq_calibrator_t *axq_binding_calibrator(axq_status s, axq_calibrator_t *c) {
  axq_binding_status = (int)s;
  return s == AXQ_OK ? c : NULL;
}

static axq_int_tensor_t *axq_binding_int_tensor(axq_status s, axq_int_tensor_t *q) {
  axq_binding_status = (int)s;
  return s == AXQ_OK ? q : NULL;
}

static axq_nf4_tensor_t *axq_binding_nf4(axq_status s, axq_nf4_tensor_t *t) {
  axq_binding_status = (int)s;
  return s == AXQ_OK ? t : NULL;
}

static axq_imatrix_t *axq_binding_imatrix(axq_status s, axq_imatrix_t *im) {
  axq_binding_status = (int)s;
  return s == AXQ_OK ? im : NULL;
}

/* Quantize options with an importance per column: an empty array is none
   (the language layers reject an empty array a caller passed explicitly). */
static axq_quantize_options_t axq_binding_quantize_options(int n_threads, int ternary_rule,
                                                           const float *importance,
                                                           size_t importance_len) {
  axq_quantize_options_t opts;
  axq_quantize_options_init(&opts);
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  opts.ternary_rule = (uint32_t)ternary_rule;
  opts.importance = importance_len == 0 ? NULL : importance;
  opts.importance_len = (int64_t)importance_len;
  return opts;
}

/* A tensor the library owns (a model's, a layer's weight) as a copy the
   binding owns, so that no language object ever frees library memory. */
static axq_tensor_t *axq_binding_copy(const axq_tensor_t *borrowed) {
  axq_tensor_t *t = NULL;
  int64_t dims[AXQ_MAX_DIMS];
  int i, ndim;
  axq_status s;
  if (borrowed == NULL) {
    axq_binding_status = (int)AXQ_ERR_INVALID_ARGUMENT;
    return NULL;
  }
  ndim = axq_tensor_ndim(borrowed);
  for (i = 0; i < ndim; ++i) dims[i] = axq_tensor_dim(borrowed, i);
  s = axq_tensor_from_bytes(&t, axq_tensor_type(borrowed), ndim, dims, axq_tensor_data(borrowed),
                            axq_tensor_nbytes(borrowed));
  return axq_binding_handle(s, t);
}

/* mix: an axq_mix (-1: none); imatrix: NULL for none. */
static axq_model_quantize_options_t axq_binding_model_options(int type, const char *rules, int pure,
                                                              int fallback_type, int n_threads,
                                                              int ternary_rule, int mix,
                                                              const axq_imatrix_t *imatrix) {
  axq_model_quantize_options_t opts;
  axq_model_quantize_options_init(&opts);
  opts.type = (int32_t)type;
  opts.rules = rules;
  opts.pure = (uint32_t)(pure != 0);
  opts.fallback_type = (int32_t)fallback_type;
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  opts.ternary_rule = (uint32_t)ternary_rule;
  opts.mix = (int32_t)mix;
  opts.imatrix = imatrix;
  return opts;
}

static axq_fp8_options_t axq_binding_fp8_options(int format, int granularity, int n_threads) {
  axq_fp8_options_t opts;
  axq_fp8_options_init(&opts);
  opts.format = (int32_t)format;
  opts.granularity = (int32_t)granularity;
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  return opts;
}

static axq_matmul_options_t axq_binding_matmul_options(int n_threads) {
  axq_matmul_options_t opts;
  axq_matmul_options_init(&opts);
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  return opts;
}
%}

%inline %{

const char *version_string(void) { return axq_version_string(); }
int64_t version_number(void) { return (int64_t)axq_version(); }
const char *status_string(int status) { return axq_status_string((axq_status)status); }
const char *last_error(void) { return axq_last_error(); }
int last_status(void) { return axq_binding_status; }

/* Type traits; a negative result is the status. */
const char *type_name(int type) {
  axq_type_info_t info;
  info.struct_size = sizeof(info);
  return axq_type_info(&info, (axq_type)type) == AXQ_OK ? info.name : NULL;
}
int64_t type_block_elems(int type) {
  axq_type_info_t info;
  info.struct_size = sizeof(info);
  const axq_status s = axq_type_info(&info, (axq_type)type);
  return s == AXQ_OK ? info.block_elems : (int64_t)s;
}
int64_t type_block_bytes(int type) {
  axq_type_info_t info;
  info.struct_size = sizeof(info);
  const axq_status s = axq_type_info(&info, (axq_type)type);
  return s == AXQ_OK ? info.block_bytes : (int64_t)s;
}
/* Bit 0: quantized format, bit 1: can quantize, bit 2: can dequantize. */
int64_t type_flags(int type) {
  axq_type_info_t info;
  info.struct_size = sizeof(info);
  const axq_status s = axq_type_info(&info, (axq_type)type);
  if (s != AXQ_OK) return (int64_t)s;
  return (int64_t)(info.is_quantized | (info.can_quantize << 1) | (info.can_dequantize << 2));
}
int64_t type_from_name(const char *name) {
  axq_type type = AXQ_TYPE_INVALID;
  const axq_status s = axq_type_from_name(&type, name);
  return s == AXQ_OK ? (int64_t)type : (int64_t)s;
}
int64_t row_size(int type, int64_t n) {
  size_t bytes = 0;
  const axq_status s = axq_row_size(&bytes, (axq_type)type, n);
  return s == AXQ_OK ? (int64_t)bytes : (int64_t)s;
}

/* Rows: the bytes written, or a negative status. */
int64_t quantize_row(int type, const float *src, size_t src_len, uint8_t *out, size_t out_len) {
  size_t written = 0;
  const axq_status s = axq_quantize_row(out, out_len, &written, (axq_type)type, src, (int64_t)src_len);
  return s == AXQ_OK ? (int64_t)written : (int64_t)s;
}
int64_t dequantize_row(int type, const uint8_t *bytes, size_t bytes_len, float *dst, size_t dst_len) {
  return (int64_t)axq_dequantize_row(dst, (int64_t)dst_len, (axq_type)type, bytes, bytes_len);
}

/* The same over memory a language hands over as a whole (Java's direct NIO
   buffers); wrapped only where a language's interface file names them. */
int64_t quantize_row_direct(int type, const float *src_direct, size_t src_direct_len,
                            uint8_t *out_direct, size_t out_direct_len) {
  return quantize_row(type, src_direct, src_direct_len, out_direct, out_direct_len);
}
int64_t dequantize_row_direct(int type, const uint8_t *bytes_direct, size_t bytes_direct_len,
                              float *dst_direct, size_t dst_direct_len) {
  return dequantize_row(type, bytes_direct, bytes_direct_len, dst_direct, dst_direct_len);
}

/* Tensors. */
axq_tensor_t *tensor_create(int type, const int64_t *dims, size_t ndim) {
  axq_tensor_t *t = NULL;
  const axq_status s = axq_tensor_create(&t, (axq_type)type, (int)ndim, dims);
  return axq_binding_handle(s, t);
}
/* Through axq_tensor_from_bytes, so that a length that does not match the
   dims gets the library's status and message. */
axq_tensor_t *tensor_from_f32(const float *src, size_t src_len, const int64_t *dims, size_t ndim) {
  axq_tensor_t *t = NULL;
  const axq_status s = axq_tensor_from_bytes(&t, AXQ_TYPE_F32, (int)ndim, dims, src,
                                                  src_len * sizeof(float));
  return axq_binding_handle(s, t);
}
axq_tensor_t *tensor_from_bytes(int type, const int64_t *dims, size_t ndim, const uint8_t *bytes,
                                size_t bytes_len) {
  axq_tensor_t *t = NULL;
  const axq_status s = axq_tensor_from_bytes(&t, (axq_type)type, (int)ndim, dims, bytes, bytes_len);
  return axq_binding_handle(s, t);
}
void tensor_destroy(axq_tensor_t *t) { axq_tensor_destroy(t); }
int tensor_type(const axq_tensor_t *t) { return (int)axq_tensor_type(t); }
int tensor_ndim(const axq_tensor_t *t) { return axq_tensor_ndim(t); }
int64_t tensor_dim(const axq_tensor_t *t, int i) { return axq_tensor_dim(t, i); }
int64_t tensor_nelements(const axq_tensor_t *t) { return axq_tensor_nelements(t); }
int64_t tensor_nbytes(const axq_tensor_t *t) { return (int64_t)axq_tensor_nbytes(t); }
int tensor_is_repacked(const axq_tensor_t *t) { return axq_tensor_is_repacked(t); }
/* Copies the tensor's bytes into out (the caller sizes it from
   tensor_nbytes); the count, or a negative status. */
int64_t tensor_read(const axq_tensor_t *t, uint8_t *out, size_t out_len) {
  const void *data = axq_tensor_data(t);
  size_t n;
  if (data == NULL) return (int64_t)(t == NULL ? AXQ_ERR_INVALID_ARGUMENT : AXQ_ERR_UNSUPPORTED);
  n = axq_tensor_nbytes(t);
  if (out_len < n) return (int64_t)AXQ_ERR_BUFFER_TOO_SMALL;
  memcpy(out, data, n);
  return (int64_t)n;
}
/* The same for an F32 tensor (the caller checks the type): the element
   count, or a negative status. */
int64_t tensor_read_f32(const axq_tensor_t *t, float *dst, size_t dst_len) {
  const int64_t r = tensor_read(t, (uint8_t *)dst, dst_len * sizeof(float));
  return r < 0 ? r : r / (int64_t)sizeof(float);
}
/* Row `row` of an I8_S tensor: its K codes into out, its scale into dst[0]
   and its code sum into ints[0]; K, or a negative status. */
int64_t i8s_row(const axq_tensor_t *t, int64_t row, uint8_t *out, size_t out_len, float *dst,
                size_t dst_len, int64_t *ints, size_t ints_len) {
  const int8_t *codes = NULL;
  float scale = 0.0f;
  int32_t sum = 0;
  const axq_status s = axq_i8s_row(t, row, &codes, &scale, &sum);
  const int64_t k = s == AXQ_OK ? axq_tensor_dim(t, 0) : 0;
  if (s != AXQ_OK) return (int64_t)s;
  if ((int64_t)out_len < k || dst_len < 1 || ints_len < 1) return (int64_t)AXQ_ERR_BUFFER_TOO_SMALL;
  memcpy(out, codes, (size_t)k);
  dst[0] = scale;
  ints[0] = sum;
  return k;
}
/* importance: one value per column (see axq_quantize_options_t), or
   empty for none. */
axq_tensor_t *quantize(const axq_tensor_t *src, int type, int n_threads, int ternary_rule,
                       const float *importance, size_t importance_len) {
  const axq_quantize_options_t opts =
      axq_binding_quantize_options(n_threads, ternary_rule, importance, importance_len);
  axq_tensor_t *t = NULL;
  const axq_status s = axq_quantize(&t, src, (axq_type)type, &opts);
  return axq_binding_handle(s, t);
}
axq_tensor_t *dequantize(const axq_tensor_t *src, int n_threads) {
  axq_dequantize_options_t opts;
  axq_tensor_t *t = NULL;
  axq_dequantize_options_init(&opts);
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  const axq_status s = axq_dequantize(&t, src, &opts);
  return axq_binding_handle(s, t);
}
axq_tensor_t *tensor_repack(const axq_tensor_t *w) {
  axq_tensor_t *t = NULL;
  const axq_status s = axq_tensor_repack(&t, w);
  return axq_binding_handle(s, t);
}

/* Matmul: a status. */
int matmul(axq_tensor_t *y, const axq_tensor_t *w, const axq_tensor_t *x, int n_threads) {
  const axq_matmul_options_t opts = axq_binding_matmul_options(n_threads);
  return (int)axq_matmul(y, w, x, &opts);
}
int matmul_i2s(axq_tensor_t *y, const axq_tensor_t *w, const axq_tensor_t *x, int n_threads) {
  const axq_matmul_options_t opts = axq_binding_matmul_options(n_threads);
  return (int)axq_matmul_i2s(y, w, x, &opts);
}
int matmul_i2s_i8(axq_tensor_t *y, const axq_tensor_t *w, const axq_tensor_t *x, int n_threads) {
  const axq_matmul_options_t opts = axq_binding_matmul_options(n_threads);
  return (int)axq_matmul_i2s_i8(y, w, x, &opts);
}

/* Layers. weight: out_features rows of in_features; bias: out_features
   values, or empty for none. fallback_type -1: none. */
axq_linear_t *linear_create(int type, const float *src, size_t src_len, const float *bias,
                            size_t bias_len, int64_t out_features, int64_t in_features,
                            int fallback_type, int n_threads, int ternary_rule) {
  axq_linear_options_t opts;
  axq_linear_t *l = NULL;
  axq_status s;
  axq_linear_options_init(&opts);
  opts.fallback_type = (int32_t)fallback_type;
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  opts.ternary_rule = (uint32_t)ternary_rule;
  /* The language layers check these lengths with their own messages;
     this keeps a caller of the raw layer from reading past its array. */
  if (out_features > 0 && in_features > 0 &&
      ((uint64_t)src_len % (uint64_t)in_features != 0 ||
       (uint64_t)src_len / (uint64_t)in_features != (uint64_t)out_features)) {
    axq_binding_status = (int)AXQ_ERR_INVALID_ARGUMENT;
    return NULL;
  }
  if (bias_len != 0 && (int64_t)bias_len != out_features) {
    axq_binding_status = (int)AXQ_ERR_INVALID_ARGUMENT;
    return NULL;
  }
  s = axq_linear_create(&l, (axq_type)type, src, out_features, in_features,
                        bias_len == 0 ? NULL : bias, &opts);
  return axq_binding_linear(s, l);
}
void linear_destroy(axq_linear_t *l) { axq_linear_destroy(l); }
/* y (dst) from x (src): a status. */
int linear_forward(const axq_linear_t *l, const float *src, size_t src_len, float *dst,
                   size_t dst_len, int n_threads) {
  const axq_matmul_options_t opts = axq_binding_matmul_options(n_threads);
  return (int)axq_linear_forward(dst, dst_len, l, src, src_len, &opts);
}
/* ints[0..4] = type, has_bias, in_features, out_features, weight_bytes; a
   status. */
int linear_info(const axq_linear_t *l, int64_t *ints, size_t ints_len) {
  axq_linear_info_t info;
  axq_status s;
  info.struct_size = sizeof(info);
  s = axq_linear_info(&info, l);
  if (s != AXQ_OK) return (int)s;
  if (ints_len < 5) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  ints[0] = info.type;
  ints[1] = info.has_bias;
  ints[2] = info.in_features;
  ints[3] = info.out_features;
  ints[4] = (int64_t)info.weight_bytes;
  return (int)AXQ_OK;
}
/* -1 for a NULL layer. */
double linear_bits_per_weight(const axq_linear_t *l) {
  axq_linear_info_t info;
  info.struct_size = sizeof(info);
  return axq_linear_info(&info, l) == AXQ_OK ? info.bits_per_weight : -1.0;
}
double linear_compression_ratio(const axq_linear_t *l) {
  axq_linear_info_t info;
  info.struct_size = sizeof(info);
  return axq_linear_info(&info, l) == AXQ_OK ? info.compression_ratio : -1.0;
}
axq_tensor_t *linear_weight(const axq_linear_t *l) { return axq_binding_copy(axq_linear_weight(l)); }

/* Models. */
axq_model_t *model_create(void) {
  axq_model_t *m = NULL;
  const axq_status s = axq_model_create(&m);
  return axq_binding_model(s, m);
}
axq_model_t *model_load(const char *path) {
  axq_model_t *m = NULL;
  const axq_status s = axq_model_load(&m, path);
  return axq_binding_model(s, m);
}
void model_destroy(axq_model_t *m) { axq_model_destroy(m); }
int model_add(axq_model_t *m, const char *name, const axq_tensor_t *t) {
  return (int)axq_model_add(m, name, t);
}
int model_save(const axq_model_t *m, const char *path) { return (int)axq_model_save(m, path); }
int64_t model_tensor_count(const axq_model_t *m) {
  return m == NULL ? (int64_t)AXQ_ERR_INVALID_ARGUMENT : (int64_t)axq_model_tensor_count(m);
}
const char *model_tensor_name(const axq_model_t *m, int64_t i) {
  return i < 0 ? NULL : axq_model_tensor_name(m, (size_t)i);
}
/* A copy of tensor `name`. */
axq_tensor_t *model_tensor(const axq_model_t *m, const char *name) {
  const axq_tensor_t *t = axq_model_tensor(m, name);
  if (t == NULL) {
    axq_binding_status = (int)AXQ_ERR_INVALID_ARGUMENT;
    return NULL;
  }
  return axq_binding_copy(t);
}
/* rules: NULL or "GLOB=TYPE" entries separated by ';' or newlines;
   fallback_type -1: llama.cpp's choice; mix -1: none; imatrix NULL: none. */
axq_model_t *model_quantize(const axq_model_t *m, int type, const char *rules, int pure,
                            int fallback_type, int n_threads, int ternary_rule, int mix,
                            const axq_imatrix_t *imatrix) {
  const axq_model_quantize_options_t opts = axq_binding_model_options(
      type, rules, pure, fallback_type, n_threads, ternary_rule, mix, imatrix);
  axq_model_t *q = NULL;
  const axq_status s = axq_model_quantize(&q, m, &opts);
  return axq_binding_model(s, q);
}
/* An empty dims array skips the shape check. (The array comes before the
   name: Java pins arrays critically, and the name must be released after
   them, with no critical region open.) */
axq_tensor_t *model_dequantize(const axq_model_t *m, const int64_t *dims, size_t ndim,
                               const char *name) {
  axq_tensor_t *t = NULL;
  const axq_status s = axq_model_dequantize(&t, m, name, (int)ndim, ndim == 0 ? NULL : dims);
  return axq_binding_handle(s, t);
}
/* ints[0..4] = tensor_count, quantized_tensor_count, params, f32_bytes,
   bytes; a status. */
int model_summary(const axq_model_t *m, int64_t *ints, size_t ints_len) {
  axq_model_summary_t summary;
  axq_status s;
  summary.struct_size = sizeof(summary);
  s = axq_model_summary(&summary, m);
  if (s != AXQ_OK) return (int)s;
  if (ints_len < 5) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  ints[0] = (int64_t)summary.tensor_count;
  ints[1] = (int64_t)summary.quantized_tensor_count;
  ints[2] = (int64_t)summary.params;
  ints[3] = (int64_t)summary.f32_bytes;
  ints[4] = (int64_t)summary.bytes;
  return (int)AXQ_OK;
}
/* -1 for a NULL model. */
double model_compression_ratio(const axq_model_t *m) {
  axq_model_summary_t summary;
  summary.struct_size = sizeof(summary);
  return axq_model_summary(&summary, m) == AXQ_OK ? summary.compression_ratio : -1.0;
}
double model_bits_per_weight(const axq_model_t *m) {
  axq_model_summary_t summary;
  summary.struct_size = sizeof(summary);
  return axq_model_summary(&summary, m) == AXQ_OK ? summary.bits_per_weight : -1.0;
}
/* File to file: a status. */
int model_quantize_file(const char *out_path, const char *in_path, int type, const char *rules,
                        int pure, int fallback_type, int n_threads, int ternary_rule,
                        int output_format, int mix, const axq_imatrix_t *imatrix) {
  axq_model_quantize_options_t opts = axq_binding_model_options(
      type, rules, pure, fallback_type, n_threads, ternary_rule, mix, imatrix);
  opts.output_format = (uint32_t)output_format;
  return (int)axq_model_quantize_file(out_path, in_path, &opts);
}
int model_dequantize_file(const char *out_path, const char *in_path, int type, int n_threads) {
  axq_dequantize_options_t opts;
  axq_dequantize_options_init(&opts);
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  return (int)axq_model_dequantize_file(out_path, in_path, (axq_type)type, &opts);
}

/* SIMD targets. */
const char *simd_target_name(void) { return axq_simd_target_name(); }
int64_t simd_target_count(void) { return (int64_t)axq_simd_target_count(); }
const char *simd_target_at(int64_t i) { return i < 0 ? NULL : axq_simd_target_at((size_t)i); }
int simd_set_targets(const char *names) { return (int)axq_simd_set_targets(names); }

/* For the bindings' overhead benchmarks: seconds that `iterations` direct C
   calls of axq_quantize_row take on these buffers (negative on failure). */
double c_quantize_row_seconds(int type, const float *src, size_t src_len, uint8_t *out,
                              size_t out_len, int iterations) {
  struct timespec t0, t1;
  size_t written = 0;
  int i;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (i = 0; i < iterations; ++i) {
    if (axq_quantize_row(out, out_len, &written, (axq_type)type, src, (int64_t)src_len) != AXQ_OK) {
      return -1.0;
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
}
/* Error analysis. outlier_threshold < 0: the default (0.1); n_threads < 0:
   all cores. reals[0..8] = count, mse, rmse, mae, max_abs_error, sqnr_db,
   cosine, outlier_threshold, outlier_rate; a status. */
static void axq_binding_put_stats(double *reals, const axq_error_stats_t *e) {
  reals[0] = (double)e->count;
  reals[1] = e->mse;
  reals[2] = e->rmse;
  reals[3] = e->mae;
  reals[4] = e->max_abs_error;
  reals[5] = e->sqnr_db;
  reals[6] = e->cosine;
  reals[7] = e->outlier_threshold;
  reals[8] = e->outlier_rate;
}
static axq_error_stats_options_t axq_binding_stats_options(double outlier_threshold, int n_threads) {
  axq_error_stats_options_t opts;
  axq_error_stats_options_init(&opts);
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  if (outlier_threshold >= 0) opts.outlier_threshold = outlier_threshold;
  return opts;
}
int error_stats(const float *src, size_t src_len, const float *approx, size_t approx_len,
                double outlier_threshold, int n_threads, double *reals, size_t reals_len) {
  const axq_error_stats_options_t opts = axq_binding_stats_options(outlier_threshold, n_threads);
  axq_error_stats_t stats;
  axq_status s;
  memset(&stats, 0, sizeof(stats));
  stats.struct_size = sizeof(stats);
  s = axq_error_stats(&stats, src, src_len, approx, approx_len, &opts);
  if (s != AXQ_OK) return (int)s;
  if (reals_len < 9) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  axq_binding_put_stats(reals, &stats);
  return (int)AXQ_OK;
}
/* reals[0..3] = elements, bytes, bits_per_weight, compression_ratio, then
   the error statistics as error_stats gives them (reals[4..12]); a status. */
int quant_report(const axq_tensor_t *t, int type, int n_threads, int ternary_rule,
                 const float *importance, size_t importance_len, double outlier_threshold,
                 double *reals, size_t reals_len) {
  const axq_error_stats_options_t sopts = axq_binding_stats_options(outlier_threshold, n_threads);
  const axq_quantize_options_t qopts =
      axq_binding_quantize_options(n_threads, ternary_rule, importance, importance_len);
  axq_quant_report_t report;
  axq_status s;
  memset(&report, 0, sizeof(report));
  report.struct_size = sizeof(report);
  report.error.struct_size = sizeof(report.error);
  s = axq_quant_report(&report, t, (axq_type)type, &qopts, &sopts);
  if (s != AXQ_OK) return (int)s;
  if (reals_len < 13) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  reals[0] = (double)report.elements;
  reals[1] = (double)report.bytes;
  reals[2] = report.bits_per_weight;
  reals[3] = report.compression_ratio;
  axq_binding_put_stats(reals + 4, &report.error);
  return (int)AXQ_OK;
}

/* Calibration. bins 0 and momentum 0: the defaults. */
axq_calibrator_t *calibrator_create(int bins, double momentum) {
  axq_calibrator_options_t opts;
  axq_calibrator_t *c = NULL;
  axq_status s;
  axq_calibrator_options_init(&opts);
  if (bins != 0) opts.bins = (uint32_t)(bins < 0 ? 0 : bins);
  if (momentum != 0) opts.momentum = (float)momentum;
  s = axq_calibrator_create(&c, &opts);
  return axq_binding_calibrator(s, c);
}
void calibrator_destroy(axq_calibrator_t *c) { axq_calibrator_destroy(c); }
int calibrator_observe(axq_calibrator_t *c, const float *src, size_t src_len) {
  return (int)axq_calibrator_observe(c, src, src_len);
}
int calibrator_merge(axq_calibrator_t *dst, const axq_calibrator_t *src) {
  return (int)axq_calibrator_merge(dst, src);
}
/* ints[0..2] = bins, count, batches; reals[0..6] = min, max, mean,
   variance, bin_width, abs_bin_width, momentum; a status. */
int calibrator_info(const axq_calibrator_t *c, int64_t *ints, size_t ints_len, double *reals,
                    size_t reals_len) {
  axq_calibrator_info_t info;
  axq_status s;
  memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  s = axq_calibrator_info(&info, c);
  if (s != AXQ_OK) return (int)s;
  if (ints_len < 3 || reals_len < 7) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  ints[0] = (int64_t)info.bins;
  ints[1] = (int64_t)info.count;
  ints[2] = (int64_t)info.batches;
  reals[0] = info.min;
  reals[1] = info.max;
  reals[2] = info.mean;
  reals[3] = info.variance;
  reals[4] = info.bin_width;
  reals[5] = info.abs_bin_width;
  reals[6] = info.momentum;
  return (int)AXQ_OK;
}
/* dst[0..1] = lo, hi; a status. */
int calibrator_range(const axq_calibrator_t *c, int method, double percentile, double k, int bits,
                     float *dst, size_t dst_len) {
  axq_range_options_t opts;
  float lo = 0.0f, hi = 0.0f;
  axq_status s;
  axq_range_options_init(&opts);
  opts.method = (int32_t)method;
  opts.percentile = (float)percentile;
  opts.k = (float)k;
  opts.bits = (uint32_t)(bits < 0 ? 0 : bits);
  s = axq_calibrator_range(&lo, &hi, c, &opts);
  if (s != AXQ_OK) return (int)s;
  if (dst_len < 2) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  dst[0] = lo;
  dst[1] = hi;
  return (int)AXQ_OK;
}
/* dst[0] = scale, ints[0] = zero point; a status. */
int range_to_params(float lo, float hi, int bits, int symmetric, float *dst, size_t dst_len,
                    int64_t *ints, size_t ints_len) {
  float scale = 0.0f;
  int32_t zp = 0;
  const axq_status s =
      axq_range_to_params(&scale, &zp, lo, hi, (uint32_t)(bits < 0 ? 0 : bits), (int32_t)symmetric);
  if (s != AXQ_OK) return (int)s;
  if (dst_len < 1 || ints_len < 1) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  dst[0] = scale;
  ints[0] = zp;
  return (int)AXQ_OK;
}

/* Integer schemes. */
axq_int_tensor_t *int_quantize(const axq_tensor_t *t, int bits, int scheme, int granularity, int axis,
                               int64_t group_size, int n_threads) {
  axq_int_options_t opts;
  axq_int_tensor_t *q = NULL;
  axq_status s;
  axq_int_options_init(&opts);
  opts.bits = (uint32_t)(bits < 0 ? 0 : bits);
  opts.scheme = (int32_t)scheme;
  opts.granularity = (int32_t)granularity;
  opts.axis = (int32_t)axis;
  opts.group_size = group_size;
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  s = axq_int_quantize(&q, t, &opts);
  return axq_binding_int_tensor(s, q);
}
axq_tensor_t *int_dequantize(const axq_int_tensor_t *q, int n_threads) {
  axq_dequantize_options_t opts;
  axq_tensor_t *t = NULL;
  axq_status s;
  axq_dequantize_options_init(&opts);
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  s = axq_int_dequantize(&t, q, &opts);
  return axq_binding_handle(s, t);
}
void int_tensor_destroy(axq_int_tensor_t *q) { axq_int_tensor_destroy(q); }
/* A copy of the packed codes (out sized from int_tensor_info's
   code_bytes): the count, or a negative status. */
int64_t int_tensor_codes(const axq_int_tensor_t *q, uint8_t *out, size_t out_len) {
  const uint8_t *codes = NULL;
  size_t n = 0;
  const axq_status s = axq_int_tensor_codes(&codes, &n, q);
  if (s != AXQ_OK) return (int64_t)s;
  if (out_len < n) return (int64_t)AXQ_ERR_BUFFER_TOO_SMALL;
  if (n != 0) memcpy(out, codes, n);
  return (int64_t)n;
}
axq_tensor_t *int_tensor_scales(const axq_int_tensor_t *q) {
  axq_tensor_t *t = NULL;
  const axq_status s = axq_int_tensor_params(&t, NULL, q);
  return axq_binding_handle(s, t);
}
axq_tensor_t *int_tensor_zero_points(const axq_int_tensor_t *q) {
  axq_tensor_t *t = NULL;
  const axq_status s = axq_int_tensor_params(NULL, &t, q);
  return axq_binding_handle(s, t);
}
/* ints[0..13] = bits, scheme, granularity, axis, ndim, group_size,
   nelements, code_bytes, param_count, param_bytes, dims[0..3]; a status. */
int int_tensor_info(const axq_int_tensor_t *q, int64_t *ints, size_t ints_len) {
  axq_int_tensor_info_t info;
  axq_status s;
  int i;
  memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  s = axq_int_tensor_info(&info, q);
  if (s != AXQ_OK) return (int)s;
  if (ints_len < 10 + AXQ_MAX_DIMS) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  ints[0] = info.bits;
  ints[1] = info.scheme;
  ints[2] = info.granularity;
  ints[3] = info.axis;
  ints[4] = info.ndim;
  ints[5] = info.group_size;
  ints[6] = info.nelements;
  ints[7] = (int64_t)info.code_bytes;
  ints[8] = (int64_t)info.param_count;
  ints[9] = (int64_t)info.param_bytes;
  for (i = 0; i < AXQ_MAX_DIMS; ++i) ints[10 + i] = i < info.ndim ? info.dims[i] : 1;
  return (int)AXQ_OK;
}
/* -1 for a NULL handle. */
double int_tensor_bits_per_weight(const axq_int_tensor_t *q) {
  axq_int_tensor_info_t info;
  memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  return axq_int_tensor_info(&info, q) == AXQ_OK ? info.bits_per_weight : -1.0;
}
/* y (dst) = fake-quantized x (src), mask (out) per ste, or an empty out
   for none; dst and out (if any) hold src_len elements. A status. */
int fake_quantize(const float *src, size_t src_len, float *dst, size_t dst_len, uint8_t *out,
                  size_t out_len, int bits, int scheme, float scale, int zero_point, int ste,
                  int n_threads) {
  axq_fake_quant_params_t params;
  axq_fake_quant_params_init(&params);
  params.bits = (uint32_t)(bits < 0 ? 0 : bits);
  params.scheme = (int32_t)scheme;
  params.scale = scale;
  params.zero_point = (int32_t)zero_point;
  params.ste = (int32_t)ste;
  params.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  if (dst_len < src_len || (out_len != 0 && out_len < src_len)) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  return (int)axq_fake_quantize(dst, out_len == 0 ? NULL : out, src_len, src, &params);
}
/* grad_in (dst) from grad_out (src) and mask (bytes; empty: plain STE). */
int ste_backward(const float *src, size_t src_len, const uint8_t *bytes, size_t bytes_len,
                 float *dst, size_t dst_len) {
  if (dst_len < src_len || (bytes_len != 0 && bytes_len < src_len)) {
    return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  }
  return (int)axq_ste_backward(dst, src, bytes_len == 0 ? NULL : bytes, src_len);
}

/* FP8: src_len values into as many codes (out), and back. A status. */
int fp8_encode(const float *src, size_t src_len, uint8_t *out, size_t out_len, int format,
               float scale) {
  if (out_len < src_len) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  return (int)axq_fp8_encode(out, src_len, src, (int32_t)format, scale);
}
int fp8_decode(const uint8_t *bytes, size_t bytes_len, float *dst, size_t dst_len, int format,
               float scale) {
  if (dst_len < bytes_len) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  return (int)axq_fp8_decode(dst, bytes_len, bytes, (int32_t)format, scale);
}

/* NF4 / FP4. block_size 0: the default (64). */
axq_nf4_tensor_t *nf4_quantize(const float *src, size_t src_len, int kind, int block_size,
                               int double_quant, int n_threads) {
  axq_nf4_options_t opts;
  axq_nf4_tensor_t *t = NULL;
  axq_status s;
  axq_nf4_options_init(&opts);
  opts.kind = (int32_t)kind;
  if (block_size != 0) opts.block_size = (uint32_t)(block_size < 0 ? 0 : block_size);
  opts.double_quant = (uint32_t)(double_quant != 0);
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  s = axq_nf4_quantize(&t, src, src_len, &opts);
  return axq_binding_nf4(s, t);
}
void nf4_destroy(axq_nf4_tensor_t *t) { axq_nf4_destroy(t); }
int nf4_dequantize(const axq_nf4_tensor_t *t, float *dst, size_t dst_len, int n_threads) {
  axq_dequantize_options_t opts;
  axq_dequantize_options_init(&opts);
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  return (int)axq_nf4_dequantize(dst, dst_len, t, &opts);
}
/* ints[0..8] = kind, block_size, double_quant, n, block_count,
   packed_bytes, group_size, group_count, total_bytes; a status. */
int nf4_info(const axq_nf4_tensor_t *t, int64_t *ints, size_t ints_len) {
  axq_nf4_info_t info;
  axq_status s;
  memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  s = axq_nf4_info(&info, t);
  if (s != AXQ_OK) return (int)s;
  if (ints_len < 9) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  ints[0] = info.kind;
  ints[1] = info.block_size;
  ints[2] = info.double_quant;
  ints[3] = (int64_t)info.n;
  ints[4] = (int64_t)info.block_count;
  ints[5] = (int64_t)info.packed_bytes;
  ints[6] = (int64_t)info.group_size;
  ints[7] = (int64_t)info.group_count;
  ints[8] = (int64_t)info.total_bytes;
  return (int)AXQ_OK;
}
/* -1 for a NULL handle. */
double nf4_bits_per_parameter(const axq_nf4_tensor_t *t) {
  axq_nf4_info_t info;
  memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  return axq_nf4_info(&info, t) == AXQ_OK ? info.bits_per_parameter : -1.0;
}
/* The effective absmax of every block (dst holds block_count). */
int nf4_absmax(const axq_nf4_tensor_t *t, float *dst, size_t dst_len) {
  return (int)axq_nf4_absmax(dst, dst_len, t);
}
/* The 16 code values of kind (dst holds 16). */
int nf4_code_values(int kind, float *dst, size_t dst_len) {
  return (int)axq_4bit_code_values(dst, dst_len, (int32_t)kind);
}
/* FP8 matrices (rows x cols, row-major): codes (out, rows * cols) and
   scales (dst, 1 per tensor or rows per row) of src; a status. */
int fp8_quantize(const float *src, size_t src_len, int64_t rows, int64_t cols, int format,
                 int granularity, int n_threads, uint8_t *out, size_t out_len, float *dst,
                 size_t dst_len) {
  const axq_fp8_options_t opts = axq_binding_fp8_options(format, granularity, n_threads);
  /* The library checks out_len (codes_count) against rows * cols. */
  if (src_len < out_len) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  return (int)axq_fp8_quantize(out, out_len, dst, dst_len, src, rows, cols, &opts);
}
/* The inverse: dst (rows * cols) from the codes (bytes, as many) and the
   scales (src); a status. */
int fp8_dequantize(const uint8_t *bytes, size_t bytes_len, const float *src, size_t src_len,
                   int64_t rows, int64_t cols, int format, int granularity, int n_threads,
                   float *dst, size_t dst_len) {
  const axq_fp8_options_t opts = axq_binding_fp8_options(format, granularity, n_threads);
  if (bytes_len < dst_len) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  return (int)axq_fp8_dequantize(dst, dst_len, bytes, src, src_len, rows, cols, &opts);
}

/* Fake quantization of a whole F32 tensor with the parameters
   axq_int_quantize would choose; the mask (per ste) into out, which holds
   the tensor's element count (or is empty: no mask). A new tensor. */
axq_tensor_t *fake_quantize_tensor(const axq_tensor_t *t, int ste, int bits, int scheme,
                                   int granularity, int axis, int64_t group_size, int n_threads,
                                   uint8_t *out, size_t out_len) {
  axq_int_options_t opts;
  axq_tensor_t *y = NULL;
  axq_status s;
  axq_int_options_init(&opts);
  opts.bits = (uint32_t)(bits < 0 ? 0 : bits);
  opts.scheme = (int32_t)scheme;
  opts.granularity = (int32_t)granularity;
  opts.axis = (int32_t)axis;
  opts.group_size = group_size;
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  s = axq_fake_quantize_tensor(&y, out_len == 0 ? NULL : out, out_len, t, (axq_ste)ste, &opts);
  return axq_binding_handle(s, y);
}
/* dst[0] = scale, ints[0] = zero point for the range [lo, hi] under bits
   and scheme; a status. */
int fake_quant_params_from_range(int bits, int scheme, float lo, float hi, float *dst,
                                 size_t dst_len, int64_t *ints, size_t ints_len) {
  axq_fake_quant_params_t params;
  axq_status s;
  axq_fake_quant_params_init(&params);
  params.bits = (uint32_t)(bits < 0 ? 0 : bits);
  params.scheme = (int32_t)scheme;
  s = axq_fake_quant_params_from_range(&params, lo, hi);
  if (s != AXQ_OK) return (int)s;
  if (dst_len < 1 || ints_len < 1) return (int)AXQ_ERR_BUFFER_TOO_SMALL;
  dst[0] = params.scale;
  ints[0] = params.zero_point;
  return (int)AXQ_OK;
}

/* NF4 parts, copied out. part 0: the packed codes (packed_bytes), 1: the
   absmax codes (block_count with double quantization, none without). The
   count copied, or a negative status. */
int64_t nf4_parts_bytes(const axq_nf4_tensor_t *t, int part, uint8_t *out, size_t out_len) {
  axq_nf4_parts_t parts;
  axq_nf4_info_t info;
  const uint8_t *from;
  size_t n;
  axq_status s;
  memset(&parts, 0, sizeof(parts));
  parts.struct_size = sizeof(parts);
  memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  s = axq_nf4_info(&info, t);
  if (s != AXQ_OK) return (int64_t)s;
  s = axq_nf4_parts(&parts, t);
  if (s != AXQ_OK) return (int64_t)s;
  if (part == 0) {
    from = parts.packed;
    n = (size_t)info.packed_bytes;
  } else if (part == 1) {
    from = parts.absmax_codes;
    n = from == NULL ? 0 : (size_t)info.block_count;
  } else {
    return (int64_t)AXQ_ERR_INVALID_ARGUMENT;
  }
  if (out_len < n) return (int64_t)AXQ_ERR_BUFFER_TOO_SMALL;
  if (n != 0) memcpy(out, from, n);
  return (int64_t)n;
}
/* part 0: the f32 absmax (block_count without double quantization, none
   with), 1: absmax2 (group_count with, none without), 2: the offset (one
   value; 0 without). The count copied, or a negative status. */
int64_t nf4_parts_floats(const axq_nf4_tensor_t *t, int part, float *dst, size_t dst_len) {
  axq_nf4_parts_t parts;
  axq_nf4_info_t info;
  const float *from;
  size_t n;
  axq_status s;
  memset(&parts, 0, sizeof(parts));
  parts.struct_size = sizeof(parts);
  memset(&info, 0, sizeof(info));
  info.struct_size = sizeof(info);
  s = axq_nf4_info(&info, t);
  if (s != AXQ_OK) return (int64_t)s;
  s = axq_nf4_parts(&parts, t);
  if (s != AXQ_OK) return (int64_t)s;
  if (part == 0) {
    from = parts.absmax;
    n = from == NULL ? 0 : (size_t)info.block_count;
  } else if (part == 1) {
    from = parts.absmax2;
    n = from == NULL ? 0 : (size_t)info.group_count;
  } else if (part == 2) {
    from = &parts.offset;
    n = 1;
  } else {
    return (int64_t)AXQ_ERR_INVALID_ARGUMENT;
  }
  if (dst_len < n) return (int64_t)AXQ_ERR_BUFFER_TOO_SMALL;
  if (n != 0) memcpy(dst, from, n * sizeof(float));
  return (int64_t)n;
}
/* A tensor from a copy of the parts: the packed codes (bytes), the block
   absmax values as f32 (src) without double quantization, or as codes
   (codes) with absmax2 (src) and offset with it; the arrays a mode does
   not use are empty. Lengths are checked against n and block_size, so C
   never reads past an array. A new tensor. */
axq_nf4_tensor_t *nf4_from_parts(int kind, int block_size, int double_quant, int64_t n,
                                 const uint8_t *bytes, size_t bytes_len, const uint8_t *codes,
                                 size_t codes_len, const float *src, size_t src_len,
                                 float offset) {
  axq_nf4_parts_t parts;
  axq_nf4_tensor_t *t = NULL;
  axq_status s;
  memset(&parts, 0, sizeof(parts));
  parts.struct_size = sizeof(parts);
  parts.kind = (int32_t)kind;
  parts.block_size = (uint32_t)(block_size < 0 ? 0 : block_size);
  parts.double_quant = (uint32_t)(double_quant != 0);
  parts.n = (uint64_t)(n < 0 ? 0 : n);
  parts.packed = bytes_len == 0 ? NULL : bytes;
  if (double_quant != 0) {
    parts.absmax_codes = codes_len == 0 ? NULL : codes;
    parts.absmax2 = src_len == 0 ? NULL : src;
    parts.offset = offset;
  } else {
    parts.absmax = src_len == 0 ? NULL : src;
    parts.absmax_codes = codes_len == 0 ? NULL : codes; /* rejected by the library */
    parts.offset = offset;
  }
  if (n > 0 && block_size > 0) {
    const uint64_t blocks = (parts.n + (uint64_t)block_size - 1) / (uint64_t)block_size;
    const uint64_t groups = (blocks + 255) / 256;
    if ((uint64_t)bytes_len < (parts.n + 1) / 2 ||
        (double_quant != 0 ? ((uint64_t)codes_len < blocks || (uint64_t)src_len < groups)
                           : (uint64_t)src_len < blocks)) {
      axq_binding_status = (int)AXQ_ERR_BUFFER_TOO_SMALL;
      return NULL;
    }
  } /* else the library rejects n or block_size (with its message) */
  s = axq_nf4_from_parts(&t, &parts);
  return axq_binding_nf4(s, t);
}
/* The 256 entries of the dynamic map (dst holds 256); a status. */
int nf4_dynamic_map(float *dst, size_t dst_len) {
  return (int)axq_4bit_dynamic_map(dst, dst_len);
}

/* llama.cpp's mixes: the mix called name (a value >= 1; AXQ_MIX_NONE is
   never a result), or a negative status. */
int64_t mix_from_name(const char *name) {
  int32_t mix = AXQ_MIX_NONE;
  const axq_status s = axq_mix_from_name(&mix, name);
  return s == AXQ_OK ? (int64_t)mix : (int64_t)s;
}
/* NULL for AXQ_MIX_NONE and unknown values. */
const char *mix_name(int mix) { return axq_mix_name((int32_t)mix); }

/* Importance matrices. (Arrays come before names: see model_dequantize.) */
axq_imatrix_t *imatrix_create(void) {
  axq_imatrix_t *im = NULL;
  const axq_status s = axq_imatrix_create(&im);
  return axq_binding_imatrix(s, im);
}
axq_imatrix_t *imatrix_load(const char *path) {
  axq_imatrix_t *im = NULL;
  const axq_status s = axq_imatrix_load(&im, path);
  return axq_binding_imatrix(s, im);
}
void imatrix_destroy(axq_imatrix_t *im) { axq_imatrix_destroy(im); }
int imatrix_save(const axq_imatrix_t *im, const char *path) {
  return (int)axq_imatrix_save(im, path);
}
/* x (src) holds rows x cols values; a status. */
int imatrix_accumulate(axq_imatrix_t *im, const float *src, size_t src_len, int64_t rows,
                       int64_t cols, const char *name) {
  /* The language layers check the length with their own messages; this
     keeps a caller of the raw layer from reading past its array. */
  if (rows > 0 && cols > 0 &&
      ((uint64_t)src_len % (uint64_t)cols != 0 || (uint64_t)src_len / (uint64_t)cols != (uint64_t)rows)) {
    return (int)AXQ_ERR_INVALID_ARGUMENT;
  }
  return (int)axq_imatrix_accumulate(im, name, src, rows, cols);
}
/* The entry count, or a negative status. */
int64_t imatrix_count(const axq_imatrix_t *im) {
  const size_t n = axq_imatrix_count(im);
  return im == NULL ? (int64_t)AXQ_ERR_INVALID_ARGUMENT : (int64_t)n;
}
const char *imatrix_name(const axq_imatrix_t *im, int64_t i) {
  return i < 0 ? NULL : axq_imatrix_name(im, (size_t)i);
}
/* The columns of entry name, or a negative status. */
int64_t imatrix_columns(const axq_imatrix_t *im, const char *name) {
  int64_t cols = 0;
  const axq_status s = axq_imatrix_columns(im, name, &cols);
  return s == AXQ_OK ? cols : (int64_t)s;
}
/* The importance values of entry name into dst (exactly its columns); a
   status. */
int imatrix_values(const axq_imatrix_t *im, float *dst, size_t dst_len, const char *name) {
  return (int)axq_imatrix_values(im, name, dst, (int64_t)dst_len);
}
%}
