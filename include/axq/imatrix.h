/*
 * libaxq — Importance matrices: llama.cpp's imatrix files (read and
 * written), collecting one from activations, and the per-column importance
 * that axq_quantize_options_t.importance takes.
 *
 * Part of the stable C API (since 0.5); <axq/axq.h> includes it, and its
 * conventions (statuses, axq_last_error(), outputs first) hold here too.
 */
#ifndef AXQ_IMATRIX_H
#define AXQ_IMATRIX_H

#include "axq/axq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Importance matrices                                                      */
/*                                                                          */
/* An axq_imatrix_t maps weight names ("blk.0.ffn_down.weight") to entries. */
/* An entry holds, for each column j of the weight's input, the sum of the  */
/* squares of the activations x[j] that met that column, and the number of  */
/* activation rows (tokens) summed. Its importance is sum / count per       */
/* column: what llama-quantize hands to ggml_quantize_chunk for that weight */
/* (a column whose count is 0 gets importance 1, as there).                 */
/*                                                                          */
/* An entry of a 3-D expert weight (dims {K, N, E}, as written by           */
/* llama-imatrix for MoE models) holds E slices of K sums back to back,     */
/* each with its own count; its importance has K * E values, slice e       */
/* being expert e's, which is the layout axq_quantize_options_t.importance */
/* takes for such a tensor. Entries made by axq_imatrix_accumulate have one */
/* slice.                                                                   */
/*                                                                          */
/* Files (axq_imatrix_load tells them apart by content, not by name):       */
/*  - GGUF, llama.cpp's current format (llama-imatrix -o x.gguf): per entry */
/*    the F32 tensors "<name>.in_sum2" ({K, E}: the sums) and              */
/*    "<name>.counts" ({1, E}: the counts), plus metadata general.type =    */
/*    "imatrix", imatrix.datasets (array of strings), imatrix.chunk_count   */
/*    and imatrix.chunk_size (u32). Other tensors are ignored.              */
/*  - the legacy ".dat" (llama-imatrix --output-format dat), little-endian: */
/*    int32 entry count; per entry int32 name length, the name, int32       */
/*    ncall, int32 value count, the f32 values (already sum / count *       */
/*    ncall); then optionally int32 chunk count, int32 length and the       */
/*    dataset name. Importance = value / ncall (the value itself if         */
/*    ncall <= 0), as llama-quantize reads it.                              */
/* axq_imatrix_save always writes the GGUF format, with all of the metadata */
/* llama-quantize requires, tensors in name order.                          */
/*                                                                          */
/* Limits: names have 1 to 55 bytes and no NUL (55 + ".in_sum2" is GGUF's   */
/* 63-byte tensor name limit); sums and importances are finite and >= 0.   */
/* A loaded file breaking them, truncated, or whose sizes or counts do not */
/* agree with its length is AXQ_ERR_CORRUPT_DATA, naming the field; nothing */
/* is allocated beyond what the file's size bounds. Names of legacy files   */
/* may be longer; such an imatrix loads but cannot be saved.                */
/*                                                                          */
/* Sums are kept in float64 while accumulating and stored as f32 in files;  */
/* importances are computed from the f32 sums, so that they equal what      */
/* llama-quantize computes from the saved file.                             */
/*                                                                          */
/* Thread safety: each imatrix holds a mutex; any function may be called on */
/* the same imatrix from several threads at once (accumulations are applied */
/* one after the other), except axq_imatrix_destroy.                           */
/* ------------------------------------------------------------------------ */
typedef struct axq_imatrix axq_imatrix_t;

/* An empty imatrix (no entries; chunk count and size 0, no datasets). */
AXQ_API axq_status axq_imatrix_create(axq_imatrix_t **out);
/* Reads a GGUF or legacy .dat imatrix file (see above). A missing or
   unreadable file is AXQ_ERR_IO; a bad one AXQ_ERR_CORRUPT_DATA (a GGUF
   version newer than 3: AXQ_ERR_UNSUPPORTED); a file with no entry, or a
   GGUF whose general.type is not "imatrix", is AXQ_ERR_CORRUPT_DATA. */
AXQ_API axq_status axq_imatrix_load(axq_imatrix_t **out, const char *path);
/* Writes the GGUF format through a temporary file renamed over `path`
   only when complete: a failed save leaves an existing file as it was.
   AXQ_ERR_INVALID_ARGUMENT for an imatrix without entries (llama.cpp
   refuses those) or with a name over 55 bytes; AXQ_ERR_IO if writing
   fails. Metadata read from a file (datasets, chunk count and size) is
   written back; 0 and none for an imatrix made here. */
AXQ_API axq_status axq_imatrix_save(const axq_imatrix_t *im, const char *path);
/* Frees the imatrix; NULL is a no-op. */
AXQ_API void axq_imatrix_destroy(axq_imatrix_t *im);

/* Adds rows x cols activations x (row-major: each row one token's input to
   the weight `name`) to the entry `name`: sum[j] += x[r][j]^2 over the
   rows, count += rows. A new name makes an entry of `cols` columns; an
   existing entry must have cols columns (AXQ_ERR_INVALID_ARGUMENT) and one
   slice (expert entries loaded from a file: AXQ_ERR_UNSUPPORTED). NaN/Inf
   in x is AXQ_ERR_NON_FINITE naming the index, as is a sum that would
   leave the f32 range; rows and cols must be >= 1. On failure the imatrix
   is unchanged. Entries are kept in name order, so a new name moves the
   indices of axq_imatrix_name. */
AXQ_API axq_status axq_imatrix_accumulate(axq_imatrix_t *im, const char *name, const float *x,
                                          int64_t rows, int64_t cols);

/* The number of entries; 0 (and an error) for NULL. */
AXQ_API size_t axq_imatrix_count(const axq_imatrix_t *im);
/* The name of entry i, in byte-wise name order; NULL (and an error) for a
   NULL imatrix or i >= count. Owned by the imatrix and valid until it is
   freed. */
AXQ_API const char *axq_imatrix_name(const axq_imatrix_t *im, size_t i);
/* *cols = the number of importance values of entry `name`: the weight's
   row length K, times E for an expert entry (see above). An unknown name
   is AXQ_ERR_INVALID_ARGUMENT, naming it. */
AXQ_API axq_status axq_imatrix_columns(const axq_imatrix_t *im, const char *name, int64_t *cols);
/* Writes the len importance values of entry `name` (len must equal its
   columns) to dst: per slice e and column j, (float)sum / (float)count_e,
   or 1 where count_e is 0. Pass them as axq_quantize_options_t.importance
   to quantize that weight as llama-quantize would with this imatrix. */
AXQ_API axq_status axq_imatrix_values(const axq_imatrix_t *im, const char *name, float *dst, int64_t len);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* AXQ_IMATRIX_H */
