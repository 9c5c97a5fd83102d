#include "src/tools/ggml_peer.h"

#include <dlfcn.h>

namespace axq_tool {

bool GgmlPeer::Load(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    error_ = why != nullptr ? why : "dlopen failed";
    return false;
  }
  quantize_chunk_ = reinterpret_cast<QuantizeChunkFn>(dlsym(handle, "ggml_quantize_chunk"));
  get_traits_ = reinterpret_cast<GetTraitsFn>(dlsym(handle, "ggml_get_type_traits"));
  if (quantize_chunk_ == nullptr || get_traits_ == nullptr) {
    error_ = path + " lacks ggml_quantize_chunk or ggml_get_type_traits";
    quantize_chunk_ = nullptr;
    return false;
  }
  return true;
}

bool GgmlPeer::CanQuantize(int type_id) const {
  // ggml_quantize_chunk aborts on activation-only types such as Q8_1 (9).
  return loaded() && type_id != 9 && type_id != 0;
}

size_t GgmlPeer::Quantize(int type_id, const float* src, void* dst, int64_t n) const {
  return quantize_chunk_(type_id, src, dst, 0, 1, n, nullptr);
}

bool GgmlPeer::Dequantize(int type_id, const void* src, float* dst, int64_t n) const {
  const TypeTraits* traits = get_traits_(type_id);
  if (traits == nullptr || traits->to_float == nullptr) return false;
  traits->to_float(src, dst, n);
  return true;
}

}  // namespace axq_tool
