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

%{
/* Status of the last helper on this thread that returned a handle. */
static __thread int axq_binding_status;

/* (Called after the creating call, never in the same expression: C does
   not order the evaluation of arguments.) */
static axq_tensor_t *axq_binding_handle(axq_status s, axq_tensor_t *t) {
  axq_binding_status = (int)s;
  return s == AXQ_OK ? t : NULL;
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
