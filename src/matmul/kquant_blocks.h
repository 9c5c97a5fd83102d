// The K-quant super-blocks Q2_K..Q6_K as the matmul reads them (FORMATS.md
// §3.1): per-format traits over kquant_layout.h's offsets, and a scalar
// decode into signed codes with one scale (and min) per sub-block, shared by
// the reference kernels (kquants_dot_ref.cc) and the portable path of
// kquants-inl.h.
#ifndef AXQ_MATMUL_KQUANT_BLOCKS_H_
#define AXQ_MATMUL_KQUANT_BLOCKS_H_

#include <cstdint>

#include "src/quant/half.h"
#include "src/quant/kquant_layout.h"
#include "src/quant/kquant_scales.h"
#include "src/quant/ternary_layout.h"

namespace axq {

// Per format, from kquant_layout.h: block bytes and field offsets; then the
// sub-block length, whether a min term exists, and kCodeOffset, what the
// unsigned code u stored in the bits exceeds the signed code by (the SIMD
// kernels multiply u and remove kCodeOffset * sum(q) per sub-block after).
struct Q2KLayout {
  static constexpr int64_t kBytes = kQ2_KBytes;
  static constexpr int kScales = 0, kQs = kQ2_KQsOffset, kD = kQ2_KDOffset, kDmin = kQ2_KDminOffset;
  static constexpr int kSubLen = kQ2_KSub;
  static constexpr bool kHasMin = true;
  static constexpr int kCodeOffset = 0;
};
struct Q3KLayout {
  static constexpr int64_t kBytes = kQ3_KBytes;
  static constexpr int kHmask = kQ3_KHmaskOffset, kQs = kQ3_KQsOffset, kScales = kQ3_KScalesOffset,
                       kD = kQ3_KDOffset;
  static constexpr int kSubLen = 16;
  static constexpr bool kHasMin = false;
  static constexpr int kCodeOffset = 4;
};
struct Q4KLayout {
  static constexpr int64_t kBytes = kQ4_KBytes;
  static constexpr int kD = 0, kDmin = 2, kScales = kQ4_KScalesOffset, kQs = kQ4_KQsOffset;
  static constexpr int kSubLen = kScaleMin6Sub;
  static constexpr bool kHasMin = true;
  static constexpr int kCodeOffset = 0;
};
struct Q5KLayout {
  static constexpr int64_t kBytes = kQ5_KBytes;
  static constexpr int kD = 0, kDmin = 2, kScales = kQ5_KScalesOffset, kQh = kQ5_KQhOffset, kQs = kQ5_KQsOffset;
  static constexpr int kSubLen = kScaleMin6Sub;
  static constexpr bool kHasMin = true;
  static constexpr int kCodeOffset = 0;
};
struct Q6KLayout {
  static constexpr int64_t kBytes = kQ6_KBytes;
  static constexpr int kQl = kQ6_KQlOffset, kQh = kQ6_KQhOffset, kScales = kQ6_KScalesOffset, kD = kQ6_KDOffset;
  static constexpr int kSubLen = 16;
  static constexpr bool kHasMin = false;
  static constexpr int kCodeOffset = 32;
};

constexpr int kQ8KSums = kSuperBlock / 16;  // Q8_K's per-16 code sums per block

// One super-block: signed codes in element order, per sub-block scale and
// min codes (sub-block s covers elements [s * sub_len, (s + 1) * sub_len)).
struct KQuantDecoded {
  int8_t codes[kSuperBlock];
  int scales[16];
  int mins[16];
  float d = 0.0f;
  float dmin = 0.0f;
};

inline void DecodeKBlock(Q2KLayout, const uint8_t* b, KQuantDecoded* out) {
  using L = Q2KLayout;
  out->d = Fp16ToFp32(LoadLE16(b + L::kD));
  out->dmin = Fp16ToFp32(LoadLE16(b + L::kDmin));
  for (int s = 0; s < 16; ++s) {
    out->scales[s] = b[L::kScales + s] & 0x0F;
    out->mins[s] = b[L::kScales + s] >> 4;
  }
  for (int i = 0; i < kSuperBlock; ++i) out->codes[i] = static_cast<int8_t>(Crumb(b + L::kQs, i));
}

inline void DecodeKBlock(Q3KLayout, const uint8_t* b, KQuantDecoded* out) {
  using L = Q3KLayout;
  out->d = Fp16ToFp32(LoadLE16(b + L::kD));
  for (int s = 0; s < 16; ++s) out->scales[s] = Q3_KScaleCode(b + L::kScales, s) - 32;
  for (int i = 0; i < kSuperBlock; ++i) {
    const int high = (b[L::kHmask + i % 32] >> (i / 32)) & 1;
    out->codes[i] = static_cast<int8_t>(Crumb(b + L::kQs, i) - (high != 0 ? 0 : 4));
  }
}

inline void DecodeKBlock(Q4KLayout, const uint8_t* b, KQuantDecoded* out) {
  using L = Q4KLayout;
  out->d = Fp16ToFp32(LoadLE16(b + L::kD));
  out->dmin = Fp16ToFp32(LoadLE16(b + L::kDmin));
  for (int s = 0; s < 8; ++s) {
    uint8_t sc, m;
    UnpackScaleMin6(s, b + L::kScales, &sc, &m);
    out->scales[s] = sc;
    out->mins[s] = m;
    for (int l = 0; l < 32; ++l) {
      out->codes[32 * s + l] = static_cast<int8_t>((b[L::kQs + 32 * (s / 2) + l] >> (4 * (s % 2))) & 0x0F);
    }
  }
}

inline void DecodeKBlock(Q5KLayout, const uint8_t* b, KQuantDecoded* out) {
  using L = Q5KLayout;
  out->d = Fp16ToFp32(LoadLE16(b + L::kD));
  out->dmin = Fp16ToFp32(LoadLE16(b + L::kDmin));
  for (int s = 0; s < 8; ++s) {
    uint8_t sc, m;
    UnpackScaleMin6(s, b + L::kScales, &sc, &m);
    out->scales[s] = sc;
    out->mins[s] = m;
    for (int l = 0; l < 32; ++l) {
      const int low = (b[L::kQs + 32 * (s / 2) + l] >> (4 * (s % 2))) & 0x0F;
      const int high = (b[L::kQh + l] >> s) & 1;
      out->codes[32 * s + l] = static_cast<int8_t>(low | (high << 4));
    }
  }
}

inline void DecodeKBlock(Q6KLayout, const uint8_t* b, KQuantDecoded* out) {
  using L = Q6KLayout;
  out->d = Fp16ToFp32(LoadLE16(b + L::kD));
  for (int s = 0; s < 16; ++s) out->scales[s] = static_cast<int8_t>(b[L::kScales + s]);
  for (int i = 0; i < kSuperBlock; ++i) {
    // Element 128h + 32k + l: ql[64h + l + 32(k & 1)], low nibble for k < 2.
    const int h = i / 128, k = (i % 128) / 32, l = i % 32;
    const int low = (b[L::kQl + 64 * h + l + 32 * (k & 1)] >> (k < 2 ? 0 : 4)) & 0x0F;
    out->codes[i] = static_cast<int8_t>((low | (Crumb(b + L::kQh, i) << 4)) - 32);
  }
}

// The exact integer parts of one block's term against activation codes q
// (256) and their per-16 sums: sumi = sum_s scale_s * sum_{i in s} code_i *
// q_i and, for formats with a min, summ = sum_s min_s * (sum of the Q8_K
// sums s covers). Bounded well inside int32 (kquants_dot_ref.cc).
template <class L>
inline void KBlockSums(const KQuantDecoded& blk, const int8_t* q, const int16_t* sum16, int32_t* sumi,
                       int32_t* summ) {
  constexpr int kSubs = kSuperBlock / L::kSubLen;
  int32_t dot = 0, mins = 0;
  for (int s = 0; s < kSubs; ++s) {
    int32_t sub = 0;
    for (int l = 0; l < L::kSubLen; ++l) sub += blk.codes[s * L::kSubLen + l] * q[s * L::kSubLen + l];
    dot += blk.scales[s] * sub;
    if (L::kHasMin) {
      int32_t act = 0;
      for (int g = 0; g < L::kSubLen / 16; ++g) act += sum16[s * L::kSubLen / 16 + g];
      mins += blk.mins[s] * act;
    }
  }
  *sumi = dot;
  *summ = mins;
}

}  // namespace axq

#endif  // AXQ_MATMUL_KQUANT_BLOCKS_H_
