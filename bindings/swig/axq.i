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

static axq_model_quantize_options_t axq_binding_model_options(int type, const char *rules, int pure,
                                                              int fallback_type, int n_threads,
                                                              int ternary_rule) {
  axq_model_quantize_options_t opts;
  axq_model_quantize_options_init(&opts);
  opts.type = (int32_t)type;
  opts.rules = rules;
  opts.pure = (uint32_t)(pure != 0);
  opts.fallback_type = (int32_t)fallback_type;
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  opts.ternary_rule = (uint32_t)ternary_rule;
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
axq_tensor_t *quantize(const axq_tensor_t *src, int type, int n_threads, int ternary_rule) {
  axq_quantize_options_t opts;
  axq_tensor_t *t = NULL;
  axq_quantize_options_init(&opts);
  opts.n_threads = (uint32_t)(n_threads < 0 ? 0 : n_threads);
  opts.ternary_rule = (uint32_t)ternary_rule;
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
   fallback_type -1: llama.cpp's choice. */
axq_model_t *model_quantize(const axq_model_t *m, int type, const char *rules, int pure,
                            int fallback_type, int n_threads, int ternary_rule) {
  const axq_model_quantize_options_t opts =
      axq_binding_model_options(type, rules, pure, fallback_type, n_threads, ternary_rule);
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
                        int output_format) {
  axq_model_quantize_options_t opts =
      axq_binding_model_options(type, rules, pure, fallback_type, n_threads, ternary_rule);
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
%}
