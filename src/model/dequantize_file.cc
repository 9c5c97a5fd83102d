// `axq dequantize`: every tensor of a model file expanded to f32 (or f16 /
// bf16), into a GGUF file, streamed like QuantizeFile.
#include "src/model/dequantize_file.h"

#include <algorithm>
#include <vector>

#include "src/core/convert.h"
#include "src/core/parallel.h"
#include "src/core/type_traits.h"
#include "src/model/source.h"
#include "src/simd/kernels.h"

namespace axq {

Status DequantizeFile(const std::string& in_path, const std::string& out_path, axq_type type, unsigned threads) {
  if (type != AXQ_TYPE_F32 && type != AXQ_TYPE_F16 && type != AXQ_TYPE_BF16) {
    const TypeTraits* t = FindTypeTraits(type);
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "type: dequantize writes f32, f16 or bf16, not %s",
                t != nullptr ? t->name : "an unknown type");
  }
  MappedFile in;
  std::vector<SourceTensor> sources;
  gguf::File out;
  AXQ_RETURN_IF_ERROR(OpenModel(in_path, &in, &sources, &out.metadata));
  SetU32(&out.metadata, "general.file_type", LlamaFileType(type));
  for (const SourceTensor& s : sources) out.tensors.push_back(InfoFor(s, type));
  const TypeTraits* traits = FindTypeTraits(type);
  const FormatKernels* kernels = KernelsFor(type);
  const unsigned n_threads = ResolveThreadCount(threads);
  return gguf::Write(out_path, std::move(out), [&](size_t i, const gguf::TensorSink& sink) -> Status {
    const SourceTensor& s = sources[i];
    // I2_S keeps its scale after the last row: it goes whole.
    const bool whole = FindTypeTraits(s.type) != nullptr && FindTypeTraits(s.type)->tensor_tail_bytes != 0;
    const int64_t rows = s.rows();
    const int64_t per_chunk = whole ? rows : std::max<int64_t>(1, (int64_t{16} << 20) / (4 * std::max<int64_t>(1, s.ne[0])));
    std::vector<float> f32;
    std::vector<uint8_t> packed;
    for (int64_t row = 0; row < rows; row += per_chunk) {
      const int64_t n = std::min(per_chunk, rows - row);
      f32.resize(static_cast<size_t>(n * s.ne[0]));
      AXQ_RETURN_IF_ERROR(SourceRowsToF32(s, row, n, f32.data()));
      if (type == AXQ_TYPE_F32) {
        AXQ_RETURN_IF_ERROR(sink(f32.data(), f32.size() * sizeof(float)));
        continue;
      }
      packed.resize(f32.size() * static_cast<size_t>(traits->block_bytes));
      AXQ_RETURN_IF_ERROR(QuantizeElements(*kernels, *traits, f32.data(), packed.data(), {s.ne[0], n}, n_threads));
      AXQ_RETURN_IF_ERROR(sink(packed.data(), packed.size()));
    }
    return OkStatus();
  });
}

}  // namespace axq
