// The row-interleaved weight layout axq_tensor_repack makes for Q4_0, Q4_1
// and Q8_0: 16 weight rows side by side, so that a 512-bit vector holds
// four consecutive codes of each of 16 rows and an 8-bit dot product with
// a broadcast activation quad yields one partial sum per row, no reduction
// needed. Per group of 16 rows (the last one padded with zero rows) and per
// 32-element block, in order:
//   d of the 16 rows (f16), then for Q4_1 their m (f16), then the codes in
//   64-byte chunks: chunk q holds bytes 4q..4q+3 of each row's qs (Q4_0,
//   Q4_1: elements 4q.. in the low nibbles, 16 + 4q.. in the high ones), or
//   for Q8_0 codes 4q..4q+3 of each row stored as w + 128 (unsigned).
// The group's block takes 16 times the format's block bytes.
#ifndef AXQ_MATMUL_REPACK_H_
#define AXQ_MATMUL_REPACK_H_

#include <cstddef>
#include <cstdint>

#include "axq/axq.h"

namespace axq {

constexpr int64_t kRepackRows = 16;

// True for the types axq_tensor_repack accepts.
bool CanRepack(axq_type type);

struct RepackShape {
  axq_type type;
  int64_t rows;       // M
  int64_t blocks;     // per row
  size_t block_bytes; // of the ggml format
  int64_t groups() const { return (rows + kRepackRows - 1) / kRepackRows; }
  size_t group_block_bytes() const { return block_bytes * kRepackRows; }
  size_t bytes() const { return static_cast<size_t>(groups() * blocks) * group_block_bytes(); }
  // Bytes of the per-row scale fields at the start of a group block.
  size_t header_bytes() const { return type == AXQ_TYPE_Q4_1 ? 64 : 32; }
};

// plain: rows * blocks ggml blocks; out: shape.bytes(), fully written.
void RepackRows(const RepackShape& shape, const uint8_t* plain, uint8_t* out);
// The inverse for groups [first_group, first_group + groups): the real rows
// of those groups, back to back as ggml blocks.
void UnrepackGroups(const RepackShape& shape, const uint8_t* packed, int64_t first_group,
                    int64_t groups, uint8_t* plain);

}  // namespace axq

#endif  // AXQ_MATMUL_REPACK_H_
