// Reference matmul kernels: the arithmetic every libaxq matmul reproduces
// bit for bit (axq.h, "Matrix multiplication").
//  - Block types: per block an exact integer sum of weight code times
//    activation code; term = (d_w * d_x) * sum (+ m_w * s_x for Q4_1/Q5_1);
//    terms added in block order to an f32 accumulator starting at +0.
//  - F32/F16/BF16: 16 f32 lanes, lane j sums w[k] * x[k] for k = j mod 16 in
//    order (the row zero-padded to a multiple of 16), then lanes j and j + h
//    are added for h = 8, 4, 2, 1.
//  - I2_S: bitnet.cpp's ((float)dot - (float)sum) / s_x * scale_w.
//  - K-quants (Q2_K..Q6_K, kquants_dot_ref.cc): per super-block the exact
//    sumi = sum_s scale_s * sum code * q and (Q2_K/Q4_K/Q5_K) summ =
//    sum_s min_s * bsum_s; term = (d_w * d_x) * sumi - (dmin_w * d_x) * summ,
//    added in block order.
// Plain multiplies and adds, never fused (built with -ffp-contract=off).
#include <cstdint>

#include "src/matmul/matmul_kernels.h"
#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"
#include "src/quant/ternary_layout.h"

namespace axq {
namespace {

constexpr int kFloatLanes = 16;

template <float (*Load)(const uint8_t*, int64_t)>
float FloatDot(const uint8_t* w, const float* x, int64_t k) {
  float lanes[kFloatLanes] = {};
  for (int64_t i = 0; i < k; ++i) lanes[i % kFloatLanes] = lanes[i % kFloatLanes] + Load(w, i) * x[i];
  for (int h = kFloatLanes / 2; h >= 1; h /= 2) {
    for (int j = 0; j < h; ++j) lanes[j] = lanes[j] + lanes[j + h];
  }
  return lanes[0];
}

float LoadF32(const uint8_t* w, int64_t i) { return LoadF32LE(w + 4 * i); }
float LoadF16(const uint8_t* w, int64_t i) { return Fp16ToFp32(LoadLE16(w + 2 * i)); }
float LoadBf16(const uint8_t* w, int64_t i) { return Bf16ToFp32(LoadLE16(w + 2 * i)); }

template <float (*Load)(const uint8_t*, int64_t)>
void FloatKernel(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  for (int64_t row = row_begin; row < row_end; ++row) {
    for (int64_t n = 0; n < p.x.rows; ++n) {
      p.y[n * p.m + row] = FloatDot<Load>(p.w + row * p.w_row_bytes, p.x.f + n * p.x.f_stride, p.k);
    }
  }
}

// One weight block decoded for the integer dot: signed values (code minus
// the format's offset), the block's d and, for Q4_1/Q5_1, its m.
struct DecodedBlock {
  int values[kSuperBlock];
  float d = 0.0f;
  float m = 0.0f;
};

void DecodeQ4_0(const uint8_t* b, DecodedBlock* out) {
  out->d = Fp16ToFp32(LoadLE16(b));
  for (int j = 0; j < kLegacyHalf; ++j) {
    out->values[j] = (b[2 + j] & 0x0F) - 8;
    out->values[j + kLegacyHalf] = (b[2 + j] >> 4) - 8;
  }
}
void DecodeQ4_1(const uint8_t* b, DecodedBlock* out) {
  out->d = Fp16ToFp32(LoadLE16(b));
  out->m = Fp16ToFp32(LoadLE16(b + 2));
  for (int j = 0; j < kLegacyHalf; ++j) {
    out->values[j] = b[4 + j] & 0x0F;
    out->values[j + kLegacyHalf] = b[4 + j] >> 4;
  }
}
void DecodeQ5_0(const uint8_t* b, DecodedBlock* out) {
  out->d = Fp16ToFp32(LoadLE16(b));
  UnpackFiveBitCodes(b + 2, b + 6, out->values);
  for (int j = 0; j < kLegacyBlock; ++j) out->values[j] -= 16;
}
void DecodeQ5_1(const uint8_t* b, DecodedBlock* out) {
  out->d = Fp16ToFp32(LoadLE16(b));
  out->m = Fp16ToFp32(LoadLE16(b + 2));
  UnpackFiveBitCodes(b + 4, b + 8, out->values);
}
void DecodeQ8_0(const uint8_t* b, DecodedBlock* out) {
  out->d = Fp16ToFp32(LoadLE16(b));
  for (int j = 0; j < kLegacyBlock; ++j) out->values[j] = static_cast<int8_t>(b[2 + j]);
}
void DecodeTq2_0(const uint8_t* b, DecodedBlock* out) {
  out->d = Fp16ToFp32(LoadLE16(b + kTq2_0DOffset));
  for (int i = 0; i < kSuperBlock; ++i) out->values[i] = Tq2Code(b, i) - 1;
}
void DecodeTq1_0(const uint8_t* b, DecodedBlock* out) {
  out->d = Fp16ToFp32(LoadLE16(b + kTq1_0DOffset));
  uint8_t codes[kSuperBlock];
  DecodeTq1Codes(b, codes);
  for (int i = 0; i < kSuperBlock; ++i) out->values[i] = codes[i] - 1;
}

template <void (*Decode)(const uint8_t*, DecodedBlock*), int kBlockElems, int kBlockBytes,
          bool kHasMin>
void BlockKernel(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  DecodedBlock block;
  const int64_t blocks = p.k / kBlockElems;
  for (int64_t row = row_begin; row < row_end; ++row) {
    for (int64_t n = 0; n < p.x.rows; ++n) {
      const int8_t* q = p.x.q + n * p.x.q_stride;
      float acc = 0.0f;
      for (int64_t b = 0; b < blocks; ++b) {
        Decode(p.w + row * p.w_row_bytes + b * kBlockBytes, &block);
        int32_t sum = 0;
        for (int j = 0; j < kBlockElems; ++j) sum += block.values[j] * q[b * kBlockElems + j];
        float term = (block.d * p.x.d[n * p.x.blocks + b]) * static_cast<float>(sum);
        if (kHasMin) term = term + block.m * p.x.s[n * p.x.blocks + b];
        acc = acc + term;
      }
      p.y[n * p.m + row] = acc;
    }
  }
}

void I2sKernel(const MatmulProblem& p, int64_t row_begin, int64_t row_end) {
  for (int64_t row = row_begin; row < row_end; ++row) {
    for (int64_t n = 0; n < p.x.rows; ++n) {
      const float dot = static_cast<float>(I2sRawDotRef(p, row, n));
      p.y[n * p.m + row] = (dot - static_cast<float>(p.x.sum[n])) / p.x.d[n] * p.w_scale;
    }
  }
}

}  // namespace

int64_t I2sRawDotRef(const MatmulProblem& p, int64_t row, int64_t n) {
  const uint8_t* w = p.w + row * p.w_row_bytes;
  const int8_t* q = p.x.q + n * p.x.q_stride;
  int64_t dot = 0;
  for (int64_t i = 0; i < p.k; ++i) {
    const int code = I2sCode(w + (i / kI2sBlock) * kI2sBlockBytes, static_cast<int>(i % kI2sBlock));
    dot += code * q[I2sActivationPosition(i, p.k)];
  }
  return dot;
}

void FillReferenceMatmulKernels(MatmulKernelTable* t) {
  t->f32 = FloatKernel<LoadF32>;
  t->f16 = FloatKernel<LoadF16>;
  t->bf16 = FloatKernel<LoadBf16>;
  t->q4_0 = BlockKernel<DecodeQ4_0, kLegacyBlock, kQ4_0Bytes, false>;
  t->q4_1 = BlockKernel<DecodeQ4_1, kLegacyBlock, kQ4_1Bytes, true>;
  t->q5_0 = BlockKernel<DecodeQ5_0, kLegacyBlock, kQ5_0Bytes, false>;
  t->q5_1 = BlockKernel<DecodeQ5_1, kLegacyBlock, kQ5_1Bytes, true>;
  t->q8_0 = BlockKernel<DecodeQ8_0, kLegacyBlock, kQ8_0Bytes, false>;
  t->tq1_0 = BlockKernel<DecodeTq1_0, kSuperBlock, kTq1_0Bytes, false>;
  t->tq2_0 = BlockKernel<DecodeTq2_0, kSuperBlock, kTq2_0Bytes, false>;
  t->i2_s = I2sKernel;
}

}  // namespace axq
