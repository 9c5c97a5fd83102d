#include "src/core/type_traits.h"

#include <cstdint>

namespace axq {
namespace {

// Sizes from FORMATS.md §1. I2_S is described per 128-element block of its
// packed codes plus a 32-byte tensor tail (scale, padding); I8_S rows are
// int8 codes plus an 8-byte row tail (scale, sum).
constexpr TypeTraits kTypes[] = {
    {AXQ_TYPE_F32, "f32", 1, 4, false, 0, 0},
    {AXQ_TYPE_F16, "f16", 1, 2, false, 0, 0},
    {AXQ_TYPE_Q4_0, "q4_0", 32, 18, true, 0, 0},
    {AXQ_TYPE_Q4_1, "q4_1", 32, 20, true, 0, 0},
    {AXQ_TYPE_Q5_0, "q5_0", 32, 22, true, 0, 0},
    {AXQ_TYPE_Q5_1, "q5_1", 32, 24, true, 0, 0},
    {AXQ_TYPE_Q8_0, "q8_0", 32, 34, true, 0, 0},
    {AXQ_TYPE_Q8_1, "q8_1", 32, 36, true, 0, 0},
    {AXQ_TYPE_Q2_K, "q2_K", 256, 84, true, 0, 0},
    {AXQ_TYPE_Q3_K, "q3_K", 256, 110, true, 0, 0},
    {AXQ_TYPE_Q4_K, "q4_K", 256, 144, true, 0, 0},
    {AXQ_TYPE_Q5_K, "q5_K", 256, 176, true, 0, 0},
    {AXQ_TYPE_Q6_K, "q6_K", 256, 210, true, 0, 0},
    {AXQ_TYPE_Q8_K, "q8_K", 256, 292, true, 0, 0},
    {AXQ_TYPE_BF16, "bf16", 1, 2, false, 0, 0},
    {AXQ_TYPE_TQ1_0, "tq1_0", 256, 54, true, 0, 0},
    {AXQ_TYPE_TQ2_0, "tq2_0", 256, 66, true, 0, 0},
    {AXQ_TYPE_I2_S, "i2_s", 128, 32, true, 0, 32},
    {AXQ_TYPE_I8_S, "i8_s", 1, 1, true, 8, 0},
};

}  // namespace

const TypeTraits* FindTypeTraits(int type_id) {
  for (const TypeTraits& t : kTypes) {
    if (static_cast<int>(t.type) == type_id) return &t;
  }
  return nullptr;
}

const TypeTraits* AllTypeTraits(size_t* count) {
  *count = sizeof(kTypes) / sizeof(kTypes[0]);
  return kTypes;
}

Status LookupType(const TypeTraits** out, int type_id, const char* arg) {
  *out = FindTypeTraits(type_id);
  if (*out == nullptr) {
    return Fail(AXQ_ERR_UNKNOWN_TYPE, "%s: unknown type id %d", arg, type_id);
  }
  return OkStatus();
}

bool IsActivationOnlyType(axq_type type) {
  return type == AXQ_TYPE_Q8_1 || type == AXQ_TYPE_Q8_K || type == AXQ_TYPE_I8_S;
}

Status CheckedRowBytes(size_t* out, const TypeTraits& traits, int64_t n, const char* arg) {
  *out = 0;
  if (n <= 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: element count must be positive, got %lld", arg,
                static_cast<long long>(n));
  }
  if (n % traits.block_elems != 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "%s: %s needs a multiple of %lld elements, got %lld", arg, traits.name,
                static_cast<long long>(traits.block_elems), static_cast<long long>(n));
  }
  const uint64_t blocks = static_cast<uint64_t>(n / traits.block_elems);
  const uint64_t bytes_per_block = static_cast<uint64_t>(traits.block_bytes);
  const uint64_t tail = static_cast<uint64_t>(traits.row_tail_bytes);
  if (blocks > (static_cast<uint64_t>(PTRDIFF_MAX) - tail) / bytes_per_block) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: %lld elements of %s overflow the address space",
                arg, static_cast<long long>(n), traits.name);
  }
  *out = static_cast<size_t>(blocks * bytes_per_block + tail);
  return OkStatus();
}

}  // namespace axq
