// Optional peer baseline: ggml's own quantizers, loaded at run time from a
// libggml-base.so (e.g. the npm package @node-llama-cpp/linux-x64). Only
// `axq bench` uses it; nothing in libaxq depends on ggml.
#ifndef AXQ_TOOLS_GGML_PEER_H_
#define AXQ_TOOLS_GGML_PEER_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace axq_tool {

class GgmlPeer {
 public:
  // Loads the library; false (with a reason in error()) if it is unusable.
  bool Load(const std::string& path);
  bool loaded() const { return quantize_chunk_ != nullptr; }
  const std::string& error() const { return error_; }

  // ggml accepts a type for file quantization (ggml_quantize_chunk).
  bool CanQuantize(int type_id) const;
  // n elements as one row; returns ggml's byte count.
  size_t Quantize(int type_id, const float* src, void* dst, int64_t n) const;
  // ggml's to_float; false if ggml has none for the type.
  bool Dequantize(int type_id, const void* src, float* dst, int64_t n) const;

 private:
  using QuantizeChunkFn = size_t (*)(int, const float*, void*, int64_t, int64_t, int64_t,
                                     const float*);
  using ToFloatFn = void (*)(const void*, float*, int64_t);
  // Layout of ggml's `struct ggml_type_traits` in the 3.22.1 package.
  struct TypeTraits {
    const char* type_name;
    int64_t blck_size;
    int64_t blck_size_interleave;
    size_t type_size;
    bool is_quantized;
    ToFloatFn to_float;
    void* from_float_ref;
  };
  using GetTraitsFn = const TypeTraits* (*)(int);

  QuantizeChunkFn quantize_chunk_ = nullptr;
  GetTraitsFn get_traits_ = nullptr;
  std::string error_;
};

}  // namespace axq_tool

#endif  // AXQ_TOOLS_GGML_PEER_H_
