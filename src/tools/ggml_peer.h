// Optional peer baseline: ggml's own quantizers and its CPU mul_mat, loaded
// at run time from a libggml-base.so and the best libggml-cpu*.so beside it
// (e.g. the npm package @node-llama-cpp/linux-x64). Only `axq bench` uses
// it; nothing in libaxq depends on ggml.
#ifndef AXQ_TOOLS_GGML_PEER_H_
#define AXQ_TOOLS_GGML_PEER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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

  // ggml's CPU backend (found on first use); false with error() if absent.
  bool CanMatmul(int type_id);
  const std::string& cpu_variant() const { return cpu_variant_; }
  // Median seconds of ggml_mul_mat(W, X) on the CPU backend with `threads`
  // threads, cycling through `weights` (copies of one m x k tensor of ggml
  // bytes); X is n rows of k floats. `repack` places Q4_0 weights in ggml's
  // CPU repack buffer (as llama.cpp does by default; other types have no
  // repacked form there). The product of the
  // first copy goes to y (n x m). Negative on failure.
  double TimeMatmul(int type_id, const std::vector<const void*>& weights, size_t bytes, int64_t m,
                    int64_t k, const float* x, int64_t n, unsigned threads, int samples,
                    bool repack, float* y);

 private:
  bool LoadCpu();

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
  std::string base_path_;

  // ggml's graph and backend entry points (see ggml.h, ggml-backend.h).
  struct InitParams {
    size_t mem_size;
    void* mem_buffer;
    bool no_alloc;
  };
  struct Api {
    void* (*init)(InitParams) = nullptr;
    void (*free_context)(void*) = nullptr;
    void* (*new_tensor_2d)(void*, int, int64_t, int64_t) = nullptr;
    void* (*mul_mat)(void*, void*, void*) = nullptr;
    void* (*new_graph)(void*) = nullptr;
    void (*build_forward_expand)(void*, void*) = nullptr;
    size_t (*tensor_overhead)() = nullptr;
    size_t (*graph_overhead)() = nullptr;
    void* (*alloc_ctx_tensors_from_buft)(void*, void*) = nullptr;
    void (*tensor_set)(void*, const void*, size_t, size_t) = nullptr;
    void (*tensor_get)(const void*, void*, size_t, size_t) = nullptr;
    int (*graph_compute)(void*, void*) = nullptr;
    void* (*cpu_buffer_type)() = nullptr;
    void (*buffer_free)(void*) = nullptr;
    void (*backend_free)(void*) = nullptr;
    void* (*cpu_init)() = nullptr;
    void (*cpu_set_n_threads)(void*, int) = nullptr;
    void* (*cpu_repack_buffer_type)() = nullptr;
  };
  Api api_;
  bool cpu_tried_ = false;
  bool cpu_ok_ = false;
  std::string cpu_variant_;
};

}  // namespace axq_tool

#endif  // AXQ_TOOLS_GGML_PEER_H_
