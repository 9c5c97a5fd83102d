// Random llama-architecture models as F32 GGUF, written with libaxq's own
// writer: the inputs of the interop suite (tiny) and of the file-quantizer
// benchmark (about a gigabyte). Every tensor and key llama.cpp's loader
// requires is present, with a byte-level SentencePiece vocabulary.
#ifndef AXQ_TESTS_INTEROP_TINY_LLAMA_H_
#define AXQ_TESTS_INTEROP_TINY_LLAMA_H_

#include <cstdint>
#include <string>
#include <vector>

namespace axq_interop {

struct Shape {
  const char* name;
  int64_t embd, ff, heads, layers;
  int64_t kv_heads = 0;  // grouped-query attention; 0: as many as heads
  int64_t kv() const { return kv_heads > 0 ? kv_heads : heads; }
};

constexpr int64_t kVocab = 3 + 256;  // <unk> <s> </s>, then one token per byte

struct TensorSpec {
  std::string name;
  std::vector<int64_t> ne;  // ggml order: ne[0] is the row
  bool norm;
  int64_t elements() const;
};

std::vector<TensorSpec> Tensors(const Shape& s);

// Writes the F32 model (values generated tensor by tensor, so memory stays
// near one tensor); "" or the error.
std::string WriteModel(const std::string& path, const Shape& s, uint64_t seed);

}  // namespace axq_interop

#endif  // AXQ_TESTS_INTEROP_TINY_LLAMA_H_
