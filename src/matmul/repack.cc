#include "src/matmul/repack.h"

#include <cstring>

namespace axq {
namespace {

// Where the codes start in a ggml block, and whether they are 8-bit.
size_t QsOffset(axq_type type) { return type == AXQ_TYPE_Q4_1 ? 4 : 2; }
bool EightBit(axq_type type) { return type == AXQ_TYPE_Q8_0; }

// Moves one row's block between the two layouts; `to_packed` picks the way.
void MoveBlock(const RepackShape& s, uint8_t* row_block, uint8_t* group_block, int64_t r,
               bool to_packed) {
  auto move = [&](uint8_t* packed, uint8_t* plain, size_t n) {
    if (to_packed) {
      std::memcpy(packed, plain, n);
    } else {
      std::memcpy(plain, packed, n);
    }
  };
  move(group_block + 2 * r, row_block, 2);  // d
  if (s.type == AXQ_TYPE_Q4_1) move(group_block + 32 + 2 * r, row_block + 2, 2);  // m
  uint8_t* codes = group_block + s.header_bytes();
  uint8_t* qs = row_block + QsOffset(s.type);
  const int chunks = EightBit(s.type) ? 8 : 4;
  for (int q = 0; q < chunks; ++q) move(codes + 64 * q + 4 * r, qs + 4 * q, 4);
  if (EightBit(s.type)) {
    // Stored as w + 128 in the packed form.
    for (int q = 0; q < chunks; ++q) {
      uint8_t* p = to_packed ? codes + 64 * q + 4 * r : qs + 4 * q;
      for (int j = 0; j < 4; ++j) p[j] ^= 0x80;
    }
  }
}

}  // namespace

bool CanRepack(axq_type type) {
  return type == AXQ_TYPE_Q4_0 || type == AXQ_TYPE_Q4_1 || type == AXQ_TYPE_Q8_0;
}

void RepackRows(const RepackShape& s, const uint8_t* plain, uint8_t* out) {
  std::memset(out, 0, s.bytes());
  uint8_t block[64];
  for (int64_t row = 0; row < s.rows; ++row) {
    const int64_t g = row / kRepackRows, r = row % kRepackRows;
    for (int64_t b = 0; b < s.blocks; ++b) {
      std::memcpy(block, plain + (row * s.blocks + b) * s.block_bytes, s.block_bytes);
      MoveBlock(s, block, out + (g * s.blocks + b) * s.group_block_bytes(), r, true);
    }
  }
  if (EightBit(s.type)) {
    // Padding rows hold w = 0, stored as 128, so they stay zero weights.
    for (int64_t row = s.rows; row < s.groups() * kRepackRows; ++row) {
      const int64_t g = row / kRepackRows, r = row % kRepackRows;
      for (int64_t b = 0; b < s.blocks; ++b) {
        uint8_t* codes = out + (g * s.blocks + b) * s.group_block_bytes() + s.header_bytes();
        for (int q = 0; q < 8; ++q) std::memset(codes + 64 * q + 4 * r, 0x80, 4);
      }
    }
  }
}

void UnrepackGroups(const RepackShape& s, const uint8_t* packed, int64_t first_group,
                    int64_t groups, uint8_t* plain) {
  uint8_t group_block[16 * 64];
  for (int64_t g = first_group; g < first_group + groups; ++g) {
    for (int64_t b = 0; b < s.blocks; ++b) {
      std::memcpy(group_block, packed + (g * s.blocks + b) * s.group_block_bytes(), s.group_block_bytes());
      for (int64_t r = 0; r < kRepackRows; ++r) {
        const int64_t row = g * kRepackRows + r;
        if (row >= s.rows) break;
        MoveBlock(s, plain + ((row - first_group * kRepackRows) * s.blocks + b) * s.block_bytes,
                  group_block, r, false);
      }
    }
  }
}

}  // namespace axq
