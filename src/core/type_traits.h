// Static facts about every type id libaxq knows (FORMATS.md §1).
#ifndef AXQ_CORE_TYPE_TRAITS_H_
#define AXQ_CORE_TYPE_TRAITS_H_

#include <cstddef>
#include <cstdint>

#include "axq/axq.h"
#include "src/core/status.h"

namespace axq {

struct TypeTraits {
  axq_type type;
  const char* name;     // ggml's spelling
  int64_t block_elems;
  int64_t block_bytes;
  bool is_quantized;
  // Bytes after each row (I8_S: its f32 scale and int32 sum).
  int64_t row_tail_bytes;
  // Bytes after the last row (I2_S: its f32 tensor scale and padding).
  int64_t tensor_tail_bytes;
};

// nullptr for ids that are not a known axq_type (including retired ids).
const TypeTraits* FindTypeTraits(int type_id);

// Known types, in id order, for iteration by tools and tests.
const TypeTraits* AllTypeTraits(size_t* count);

// Q8_1, Q8_K and I8_S hold the activation side of matmuls: no weight is
// stored in them.
bool IsActivationOnlyType(axq_type type);

// Looks up the type or fails with AXQ_ERR_UNKNOWN_TYPE naming `arg`.
Status LookupType(const TypeTraits** out, int type_id, const char* arg);

// Checks that n is a positive multiple of the block size and computes the
// byte size of a row of n (with its row tail, without the tensor tail)
// without overflow; the message names `arg`.
Status CheckedRowBytes(size_t* out, const TypeTraits& traits, int64_t n, const char* arg);

}  // namespace axq

#endif  // AXQ_CORE_TYPE_TRAITS_H_
