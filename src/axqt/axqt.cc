#include "src/axqt/axqt.h"

#include <cstring>

#include "src/io/atomic_file.h"
#include "src/quant/half.h"
#include "src/quant/legacy_layout.h"

namespace axq {
namespace axqt {
namespace {

constexpr size_t kHeaderBytes = 18;
constexpr int kMaxDims = 8;  // AxonML has no limit; a bound keeps lies cheap

size_t BlockBytes(QuantType t) {
  switch (t) {
    case QuantType::kQ8_0: return kQ8_0Bytes;
    case QuantType::kQ4_0: return kQ4_0Bytes;
    case QuantType::kQ4_1: return kQ4_1Bytes;
    default: return 0;
  }
}

bool IsBlockType(QuantType t) { return BlockBytes(t) != 0; }

size_t ScalarBytes(QuantType t) { return t == QuantType::kF16 ? 2 : 4; }

uint32_t LoadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// AxonML packs element 2i in the low and 2i+1 in the high nibble of byte i;
// ggml packs j and j + 16 (FEATURES.md §1.1). Both convert 16 bytes.
void InterleavedToSplit(const uint8_t* in, uint8_t* out) {
  uint8_t codes[32];
  for (int i = 0; i < 16; ++i) {
    codes[2 * i] = in[i] & 0x0F;
    codes[2 * i + 1] = in[i] >> 4;
  }
  for (int j = 0; j < 16; ++j) out[j] = static_cast<uint8_t>(codes[j] | (codes[j + 16] << 4));
}

void SplitToInterleaved(const uint8_t* in, uint8_t* out) {
  uint8_t codes[32];
  for (int j = 0; j < 16; ++j) {
    codes[j] = in[j] & 0x0F;
    codes[j + 16] = in[j] >> 4;
  }
  for (int i = 0; i < 16; ++i) out[i] = static_cast<uint8_t>(codes[2 * i] | (codes[2 * i + 1] << 4));
}

size_t NibbleOffset(QuantType t) { return t == QuantType::kQ4_1 ? 4 : 2; }

}  // namespace

int32_t GgmlType(QuantType t) {
  switch (t) {
    case QuantType::kQ8_0: return AXQ_TYPE_Q8_0;
    case QuantType::kQ4_0: return AXQ_TYPE_Q4_0;
    case QuantType::kQ4_1: return AXQ_TYPE_Q4_1;
    case QuantType::kQ5_0: return AXQ_TYPE_Q5_0;
    case QuantType::kQ5_1: return AXQ_TYPE_Q5_1;
    case QuantType::kF16: return AXQ_TYPE_F16;
    default: return AXQ_TYPE_F32;
  }
}

const char* QuantTypeName(QuantType t) {
  static const char* const kNames[] = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "F16", "F32"};
  const unsigned i = static_cast<unsigned>(t);
  return i < 7 ? kNames[i] : "?";
}

Status Parse(const uint8_t* data, size_t size, const char* what, File* out) {
  *out = File();
  if (size < kHeaderBytes || std::memcmp(data, "AXQT", 4) != 0) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: not an AXQT file (needs the magic \"AXQT\" and an 18-byte header)", what);
  }
  if (data[4] != 1) return Fail(AXQ_ERR_UNSUPPORTED, "%s: AXQT version %u (this libaxq reads version 1)", what, data[4]);
  if (data[5] > 6) return Fail(AXQ_ERR_CORRUPT_DATA, "%s: quantization type %u at offset 5 is not an AXQT type", what, data[5]);
  out->type = static_cast<QuantType>(data[5]);
  if (out->type == QuantType::kQ5_0 || out->type == QuantType::kQ5_1) {
    return Fail(AXQ_ERR_UNSUPPORTED, "%s: %s AXQT files have no readable block layout (AxonML cannot read them either)",
                what, QuantTypeName(out->type));
  }
  const uint32_t count = LoadU32(data + 6);
  std::memcpy(&out->total_params, data + 10, 8);
  size_t pos = kHeaderBytes;
  // Each tensor takes at least 8 bytes (ndim, num_blocks).
  if (count > (size - pos) / 8) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: num_tensors %u at offset 6 cannot fit in %zu bytes", what, count, size);
  }
  out->tensors.resize(count);
  bool single_block_quirk = false;
  for (uint32_t i = 0; i < count; ++i) {
    Tensor& t = out->tensors[i];
    const size_t at = pos;
    auto corrupt = [&](const std::string& why) {
      return Fail(AXQ_ERR_CORRUPT_DATA, "%s: tensor %u at offset %zu: %s", what, i, at, why.c_str());
    };
    if (size - pos < 4) return corrupt("ndim runs past the end");
    const uint32_t ndim = LoadU32(data + pos);
    pos += 4;
    if (ndim > kMaxDims) return corrupt("ndim " + std::to_string(ndim) + " is over 8");
    if ((size - pos) / 4 < ndim + 1u) return corrupt("dims run past the end");
    t.numel = 1;
    for (uint32_t d = 0; d < ndim; ++d) {
      t.dims.push_back(LoadU32(data + pos));
      pos += 4;
      if (t.dims.back() != 0 && t.numel > (uint64_t{1} << 48) / t.dims.back()) return corrupt("dims overflow");
      t.numel *= t.dims.back();
    }
    t.num_blocks = LoadU32(data + pos);
    pos += 4;
    uint64_t bytes = 0;
    if (IsBlockType(out->type)) {
      const uint64_t blocks = (t.numel + kLegacyBlock - 1) / kLegacyBlock;
      if (t.num_blocks != blocks) {
        return corrupt("num_blocks " + std::to_string(t.num_blocks) + " for " + std::to_string(t.numel) +
                       " elements (AxonML writes " + std::to_string(blocks) + ")");
      }
      bytes = blocks * BlockBytes(out->type);
    } else {
      // AxonML writes F16/F32 tensors as one "block" holding every value,
      // and its reader then reads one value: we read them all.
      if (t.num_blocks != 1 && t.num_blocks != t.numel) {
        return corrupt("num_blocks " + std::to_string(t.num_blocks) + " for " + std::to_string(t.numel) +
                       " " + QuantTypeName(out->type) + " values");
      }
      single_block_quirk |= t.num_blocks == 1 && t.numel > 1;
      bytes = t.numel * ScalarBytes(out->type);
    }
    if (bytes > size - pos) {
      return corrupt("payload of " + std::to_string(bytes) + " bytes runs past the end (" +
                     std::to_string(size - pos) + " left)");
    }
    t.payload = data + pos;
    t.payload_bytes = static_cast<size_t>(bytes);
    pos += static_cast<size_t>(bytes);
  }
  if (pos != size) {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: %zu bytes after the last tensor", what, size - pos);
  }
  if (single_block_quirk) {
    out->notes.push_back(std::string(QuantTypeName(out->type)) +
                         " tensors are stored as one block holding all values (AxonML's writer); read whole "
                         "(AxonML's own reader would read one value)");
  }
  return OkStatus();
}

Status ToGgml(const File& file, const Tensor& t, std::vector<uint8_t>* out) {
  out->assign(t.payload, t.payload + t.payload_bytes);
  if (!IsBlockType(file.type)) return OkStatus();
  if (t.dims.empty() || t.dims.back() % kLegacyBlock != 0) {
    std::string shape;
    for (uint32_t d : t.dims) shape += (shape.empty() ? "" : "x") + std::to_string(d);
    return Fail(AXQ_ERR_UNSUPPORTED,
                "AXQT tensor of shape [%s]: its blocks run across rows (inner dim not a multiple of 32), "
                "so it has no %s row layout; dequantize it to f32", shape.c_str(), QuantTypeName(file.type));
  }
  if (file.type == QuantType::kQ8_0) return OkStatus();
  const size_t bb = BlockBytes(file.type);
  for (size_t b = 0; b < out->size() / bb; ++b) {
    InterleavedToSplit(t.payload + b * bb + NibbleOffset(file.type), out->data() + b * bb + NibbleOffset(file.type));
  }
  return OkStatus();
}

Status ToF32(const File& file, const Tensor& t, std::vector<float>* out) {
  out->assign(static_cast<size_t>(t.numel), 0.0f);
  if (file.type == QuantType::kF32) {
    if (t.payload_bytes != 0) std::memcpy(out->data(), t.payload, t.payload_bytes);  // no memcpy of NULL
    return OkStatus();
  }
  if (file.type == QuantType::kF16) {
    for (uint64_t i = 0; i < t.numel; ++i) (*out)[i] = Fp16ToFp32(LoadLE16(t.payload + 2 * i));
    return OkStatus();
  }
  const size_t bb = BlockBytes(file.type);
  for (uint64_t b = 0; b < t.num_blocks; ++b) {
    const uint8_t* block = t.payload + b * bb;
    const float d = Fp16ToFp32(LoadLE16(block));
    float values[kLegacyBlock];
    if (file.type == QuantType::kQ8_0) {
      for (int j = 0; j < kLegacyBlock; ++j) values[j] = static_cast<float>(static_cast<int8_t>(block[2 + j])) * d;
    } else {
      const bool with_min = file.type == QuantType::kQ4_1;
      const float m = with_min ? Fp16ToFp32(LoadLE16(block + 2)) : 0.0f;
      const uint8_t* qs = block + NibbleOffset(file.type);
      for (int i = 0; i < 16; ++i) {
        const int lo = qs[i] & 0x0F, hi = qs[i] >> 4;
        values[2 * i] = with_min ? static_cast<float>(lo) * d + m : static_cast<float>(lo - 8) * d;
        values[2 * i + 1] = with_min ? static_cast<float>(hi) * d + m : static_cast<float>(hi - 8) * d;
      }
    }
    for (int j = 0; j < kLegacyBlock && b * kLegacyBlock + j < t.numel; ++j) (*out)[b * kLegacyBlock + j] = values[j];
  }
  return OkStatus();
}

Status Write(const std::string& path, QuantType type, const std::vector<TensorData>& tensors) {
  if (type == QuantType::kQ5_0 || type == QuantType::kQ5_1 || static_cast<unsigned>(type) > 6) {
    return Fail(AXQ_ERR_UNSUPPORTED, "AXQT: %s cannot be written (AxonML cannot read it back)", QuantTypeName(type));
  }
  uint64_t total = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorData& t = tensors[i];
    uint64_t numel = 1;
    for (uint32_t d : t.dims) numel *= d;
    const uint64_t want = IsBlockType(type) ? numel / kLegacyBlock * BlockBytes(type) : numel * ScalarBytes(type);
    if (t.dims.empty() || (IsBlockType(type) && t.dims.back() % kLegacyBlock != 0) || t.size != want) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "AXQT tensor %zu: %zu bytes for its dims as %s (want %llu; block types "
                  "need an inner dim that is a multiple of 32)", i, t.size, QuantTypeName(type),
                  static_cast<unsigned long long>(want));
    }
    total += numel;
  }
  AtomicFile out;
  AXQ_RETURN_IF_ERROR(out.Open(path));
  uint8_t header[kHeaderBytes] = {'A', 'X', 'Q', 'T', 1, static_cast<uint8_t>(type)};
  const uint32_t count = static_cast<uint32_t>(tensors.size());
  std::memcpy(header + 6, &count, 4);
  std::memcpy(header + 10, &total, 8);
  AXQ_RETURN_IF_ERROR(out.Write(header, sizeof(header)));
  for (const TensorData& t : tensors) {
    const uint32_t ndim = static_cast<uint32_t>(t.dims.size());
    AXQ_RETURN_IF_ERROR(out.Write(&ndim, 4));
    AXQ_RETURN_IF_ERROR(out.Write(t.dims.data(), 4 * t.dims.size()));
    const uint32_t blocks = IsBlockType(type) ? static_cast<uint32_t>(t.size / BlockBytes(type)) : 1;
    AXQ_RETURN_IF_ERROR(out.Write(&blocks, 4));
    if (type == QuantType::kQ4_0 || type == QuantType::kQ4_1) {
      const size_t bb = BlockBytes(type), off = NibbleOffset(type);
      std::vector<uint8_t> block(bb);
      for (size_t b = 0; b < blocks; ++b) {
        std::memcpy(block.data(), t.bytes + b * bb, bb);
        SplitToInterleaved(t.bytes + b * bb + off, block.data() + off);
        AXQ_RETURN_IF_ERROR(out.Write(block.data(), bb));
      }
    } else {
      AXQ_RETURN_IF_ERROR(out.Write(t.bytes, t.size));
    }
  }
  return out.Commit();
}

}  // namespace axqt
}  // namespace axq
