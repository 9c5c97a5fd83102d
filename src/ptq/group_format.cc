// Group formats of AWQ and GPTQ (group_format.h).
#include "src/ptq/group_format.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "src/core/tensor.h"
#include "src/intquant/int_layout.h"
#include "src/intquant/int_tensor.h"
#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"

namespace axq {
namespace {

// The f32 value of x rounded to the f16 a block stores.
float ToStoredHalf(float x) { return Fp16ToFp32(Fp32ToFp16(x)); }

int32_t ClampCode(float level, int32_t lo, int32_t hi) {
  if (!(level >= static_cast<float>(lo))) return lo;  // also catches NaN from 0/0
  if (level > static_cast<float>(hi)) return hi;
  return static_cast<int32_t>(level);
}

void PutHalf(uint8_t* p, float value) {
  const uint16_t h = Fp32ToFp16(value);
  p[0] = static_cast<uint8_t>(h & 0xFF);
  p[1] = static_cast<uint8_t>(h >> 8);
}

}  // namespace

Status GroupFormat::ForType(int32_t type, GroupFormat* out) {
  GroupFormat f;
  f.type_ = type;
  f.group_size_ = kLegacyBlock;
  switch (type) {
    case AXQ_TYPE_Q4_0: f.kind_ = Kind::kSignedOffset; f.levels_ = 15; f.offset_ = 8; break;
    case AXQ_TYPE_Q5_0: f.kind_ = Kind::kSignedOffset; f.levels_ = 31; f.offset_ = 16; break;
    case AXQ_TYPE_Q4_1: f.kind_ = Kind::kMinOffset; f.levels_ = 15; break;
    case AXQ_TYPE_Q5_1: f.kind_ = Kind::kMinOffset; f.levels_ = 31; break;
    case AXQ_TYPE_Q8_0: f.kind_ = Kind::kSymmetric8; f.levels_ = 127; break;
    default:
      return Fail(AXQ_ERR_UNSUPPORTED,
                  "type: %d is not a format AWQ/GPTQ write; use q4_0, q4_1, q5_0, q5_1 or q8_0 (or the _int "
                  "functions for other bit widths)",
                  type);
  }
  *out = f;
  return OkStatus();
}

Status GroupFormat::ForInt(uint32_t bits, int32_t scheme, int64_t group_size, int64_t k, GroupFormat* out) {
  AXQ_RETURN_IF_ERROR(CheckBitsAndScheme(bits, scheme, "opts->bits", "opts->scheme"));
  if (group_size < 1 || k % group_size != 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->group_size: %lld must be >= 1 and divide the row length %lld",
                static_cast<long long>(group_size), static_cast<long long>(k));
  }
  GroupFormat f;
  f.kind_ = Kind::kInt;
  f.group_size_ = group_size;
  f.codec_ = MakeIntCodec(static_cast<int32_t>(bits), static_cast<IntScheme>(scheme));
  *out = f;
  return OkStatus();
}

GroupParams GroupFormat::Fit(const float* v, int64_t n) const {
  // ggml kinds: n is one 32-element block, so ggml's own scale sources apply.
  GroupParams p;
  switch (kind_) {
    case Kind::kSignedOffset:
      p.d = ToStoredHalf(FirstLargestMagnitude(v) / static_cast<float>(-offset_));
      return p;
    case Kind::kMinOffset: {
      float min = 0.0f, max = 0.0f;
      BlockMinMax(v, &min, &max);
      p.d = ToStoredHalf((max - min) / static_cast<float>(levels_));
      p.m = ToStoredHalf(min);
      return p;
    }
    case Kind::kSymmetric8:
      p.d = ToStoredHalf(BlockAbsMax(v) / 127.0f);
      return p;
    case Kind::kInt:
      break;
  }
  IntRange r;
  r.min = v[0];
  r.max = v[0];
  for (int64_t i = 0; i < n; ++i) {
    r.min = v[i] < r.min ? v[i] : r.min;
    r.max = v[i] > r.max ? v[i] : r.max;
    r.abs_bits = std::max(r.abs_bits, AbsBits(v[i]));
  }
  const IntParams ip = ParamsFromRange(codec_, r);
  p.d = ip.scale;
  p.m = ip.zero_point;
  return p;
}

int32_t GroupFormat::Quantize(float x, const GroupParams& p, float* value) const {
  switch (kind_) {
    case Kind::kSignedOffset: {
      const int32_t code = p.d == 0.0f ? offset_ : ClampCode(std::nearbyint(x / p.d) + offset_, 0, levels_);
      *value = static_cast<float>(code - offset_) * p.d;  // ggml's (q - 8) * d
      return code;
    }
    case Kind::kMinOffset: {
      const int32_t code = p.d == 0.0f ? 0 : ClampCode(std::nearbyint((x - p.m) / p.d), 0, levels_);
      *value = static_cast<float>(code) * p.d + p.m;  // ggml's q * d + m
      return code;
    }
    case Kind::kSymmetric8: {
      const int32_t code = p.d == 0.0f ? 0 : ClampCode(std::nearbyint(x / p.d), -128, 127);
      *value = static_cast<float>(code) * p.d;
      return code;
    }
    case Kind::kInt:
      break;
  }
  const float level = QuantizeLevel(x, p.d, p.m, codec_);
  *value = DequantizeLevel(level, p.d, p.m);
  return static_cast<int32_t>(level);
}

Status EncodeGgml(const GroupFormat& format, const GroupResult& r, std::unique_ptr<axq_tensor>* out) {
  const int64_t dims[2] = {r.k, r.rows};
  std::unique_ptr<axq_tensor> t;
  AXQ_RETURN_IF_ERROR(NewTensor(&t, format.type(), 2, dims, Fill::kUninitialized));
  const int64_t blocks_per_row = r.k / kLegacyBlock;
  size_t block_bytes = 0;
  switch (format.type()) {
    case AXQ_TYPE_Q4_0: block_bytes = kQ4_0Bytes; break;
    case AXQ_TYPE_Q4_1: block_bytes = kQ4_1Bytes; break;
    case AXQ_TYPE_Q5_0: block_bytes = kQ5_0Bytes; break;
    case AXQ_TYPE_Q5_1: block_bytes = kQ5_1Bytes; break;
    default: block_bytes = kQ8_0Bytes; break;
  }
  uint8_t* dst = t->data.get();
  for (int64_t b = 0; b < r.rows * blocks_per_row; ++b) {
    const int32_t* c = r.codes.data() + b * kLegacyBlock;  // blocks are rows' consecutive 32s
    const GroupParams& p = r.params[b];
    uint8_t* blk = dst + b * static_cast<int64_t>(block_bytes);
    PutHalf(blk, p.d);
    uint8_t codes[kLegacyBlock];
    for (int j = 0; j < kLegacyBlock; ++j) codes[j] = static_cast<uint8_t>(c[j]);
    switch (format.type()) {
      case AXQ_TYPE_Q4_0:
      case AXQ_TYPE_Q4_1: {
        uint8_t* qs = blk + (format.type() == AXQ_TYPE_Q4_0 ? 2 : 4);
        if (format.type() == AXQ_TYPE_Q4_1) PutHalf(blk + 2, p.m);
        for (int j = 0; j < kLegacyHalf; ++j) {
          qs[j] = static_cast<uint8_t>((codes[j] & 0x0F) | ((codes[j + kLegacyHalf] & 0x0F) << 4));
        }
        break;
      }
      case AXQ_TYPE_Q5_0:
        PackFiveBitCodes(codes, blk + 2, blk + 6);
        break;
      case AXQ_TYPE_Q5_1:
        PutHalf(blk + 2, p.m);
        PackFiveBitCodes(codes, blk + 4, blk + 8);
        break;
      default:
        std::memcpy(blk + 2, codes, kLegacyBlock);  // int8 codes, two's complement
        break;
    }
  }
  *out = std::move(t);
  return OkStatus();
}

Status EncodeInt(const GroupFormat& format, const GroupResult& r, std::unique_ptr<axq_int_tensor>* out) {
  axq_int_options_t opts{};
  opts.struct_size = sizeof(opts);
  opts.bits = static_cast<uint32_t>(format.codec().bits);
  opts.scheme = static_cast<int32_t>(format.codec().scheme);
  opts.granularity = AXQ_PER_GROUP;
  opts.group_size = format.group_size();
  const int64_t dims[2] = {r.k, r.rows};
  auto q = std::make_unique<axq_int_tensor>();
  AXQ_RETURN_IF_ERROR(MakeIntLayout(&q->layout, 2, dims, opts));
  const IntLayout& l = q->layout;
  q->codes.reset(new uint8_t[l.code_bytes()]());
  q->scales.resize(static_cast<size_t>(l.param_count));
  q->zero_points.resize(static_cast<size_t>(l.param_count));
  for (int64_t row = 0; row < r.rows; ++row) {
    uint8_t* codes = q->codes.get() + row * l.row_bytes;
    for (int64_t j = 0; j < r.k; ++j) {
      PutCode(codes, j, StoredCode(static_cast<float>(r.codes[row * r.k + j]), l.codec), l.codec);
    }
    const IntLayout::RowParams rp = l.ForRow(row);
    for (int64_t g = 0; g < r.k / format.group_size(); ++g) {
      const GroupParams& p = r.params[row * (r.k / format.group_size()) + g];
      q->scales[rp.first + g] = p.d;
      q->zero_points[rp.first + g] = p.m;
    }
  }
  *out = std::move(q);
  return OkStatus();
}

}  // namespace axq
