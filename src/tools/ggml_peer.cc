#include "src/tools/ggml_peer.h"

#include <dirent.h>
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace axq_tool {

bool GgmlPeer::Load(const std::string& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    error_ = why != nullptr ? why : "dlopen failed";
    return false;
  }
  base_path_ = path;
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

namespace {

template <class Fn>
bool Find(void* handle, const char* name, Fn* out) {
  *out = reinterpret_cast<Fn>(dlsym(handle, name));
  return *out != nullptr;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

// Picks the libggml-cpu*.so beside the base library whose
// ggml_backend_score() is highest on this CPU, as ggml's loader does.
bool GgmlPeer::LoadCpu() {
  if (cpu_tried_) return cpu_ok_;
  cpu_tried_ = true;
  if (!loaded()) return false;
  const std::string dir = base_path_.substr(0, base_path_.find_last_of('/') + 1);
  void* base = dlopen(base_path_.c_str(), RTLD_NOW | RTLD_NOLOAD);
  DIR* listing = opendir(dir.empty() ? "." : dir.c_str());
  if (base == nullptr || listing == nullptr) {
    error_ = "cannot list " + dir;
    if (listing != nullptr) closedir(listing);
    return false;
  }
  void* best = nullptr;
  int best_score = 0;
  while (const dirent* entry = readdir(listing)) {
    const std::string name = entry->d_name;
    if (name.rfind("libggml-cpu", 0) != 0 || name.find(".so") == std::string::npos) continue;
    void* handle = dlopen((dir + name).c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) continue;
    int (*score)() = nullptr;
    const int s = Find(handle, "ggml_backend_score", &score) ? score() : 0;
    if (s > best_score) {
      best_score = s;
      best = handle;
      cpu_variant_ = name;
    }
  }
  closedir(listing);
  if (best == nullptr) {
    error_ = "no usable libggml-cpu*.so in " + dir;
    return false;
  }
  Api& a = api_;
  cpu_ok_ = Find(base, "ggml_init", &a.init) && Find(base, "ggml_free", &a.free_context) &&
            Find(base, "ggml_new_tensor_2d", &a.new_tensor_2d) && Find(base, "ggml_mul_mat", &a.mul_mat) &&
            Find(base, "ggml_new_graph", &a.new_graph) &&
            Find(base, "ggml_build_forward_expand", &a.build_forward_expand) &&
            Find(base, "ggml_tensor_overhead", &a.tensor_overhead) &&
            Find(base, "ggml_graph_overhead", &a.graph_overhead) &&
            Find(base, "ggml_backend_alloc_ctx_tensors_from_buft", &a.alloc_ctx_tensors_from_buft) &&
            Find(base, "ggml_backend_tensor_set", &a.tensor_set) &&
            Find(base, "ggml_backend_tensor_get", &a.tensor_get) &&
            Find(base, "ggml_backend_graph_compute", &a.graph_compute) &&
            Find(base, "ggml_backend_cpu_buffer_type", &a.cpu_buffer_type) &&
            Find(base, "ggml_backend_buffer_free", &a.buffer_free) &&
            Find(base, "ggml_backend_free", &a.backend_free) &&
            Find(best, "ggml_backend_cpu_init", &a.cpu_init) &&
            Find(best, "ggml_backend_cpu_set_n_threads", &a.cpu_set_n_threads);
  // C++ symbol in this package: ggml_backend_cpu_repack_buffer_type().
  Find(best, "_Z35ggml_backend_cpu_repack_buffer_typev", &a.cpu_repack_buffer_type);
  if (!cpu_ok_) error_ = cpu_variant_ + " or libggml-base.so lacks a needed function";
  return cpu_ok_;
}

bool GgmlPeer::CanMatmul(int type_id) {
  // I2_S (36) does not exist upstream; Q8_1 and Q8_K are activation types.
  return type_id != 36 && type_id != 9 && type_id != 15 && LoadCpu();
}

double GgmlPeer::TimeMatmul(int type_id, const std::vector<const void*>& weights, size_t bytes,
                            int64_t m, int64_t k, const float* x, int64_t n, unsigned threads,
                            int samples, bool repack, float* y) {
  if (!LoadCpu() || weights.empty()) return -1;
  const Api& a = api_;
  const size_t copies = weights.size();
  const size_t meta = (2 * copies + 2) * a.tensor_overhead() + copies * a.graph_overhead() + (1 << 20);
  void* wctx = a.init({meta, nullptr, true});
  void* xctx = a.init({meta, nullptr, true});
  std::vector<void*> w(copies), out(copies), graphs(copies);
  void* xt = a.new_tensor_2d(xctx, 0 /* f32 */, k, n);
  for (size_t i = 0; i < copies; ++i) {
    w[i] = a.new_tensor_2d(wctx, type_id, k, m);
    out[i] = a.mul_mat(xctx, w[i], xt);
    graphs[i] = a.new_graph(xctx);
    a.build_forward_expand(graphs[i], out[i]);
  }
  // Only Q4_0 has a repacked form for this CPU in this ggml build (its
  // repack buffer crashes on types it cannot take; ggml's scheduler would
  // have asked first), so other types stay in the plain CPU buffer, which
  // is where llama.cpp puts them too.
  const bool use_repack = repack && type_id == 2 && a.cpu_repack_buffer_type != nullptr;
  void* wbuft = use_repack ? a.cpu_repack_buffer_type() : a.cpu_buffer_type();
  void* wbuf = a.alloc_ctx_tensors_from_buft(wctx, wbuft);
  void* xbuf = a.alloc_ctx_tensors_from_buft(xctx, a.cpu_buffer_type());
  void* backend = a.cpu_init();
  double result = -1;
  if (wbuf != nullptr && xbuf != nullptr && backend != nullptr) {
    for (size_t i = 0; i < copies; ++i) a.tensor_set(w[i], weights[i], 0, bytes);
    a.tensor_set(xt, x, 0, static_cast<size_t>(n * k) * sizeof(float));
    a.cpu_set_n_threads(backend, static_cast<int>(threads));
    bool ok = a.graph_compute(backend, graphs[0]) == 0;
    if (ok) a.tensor_get(out[0], y, 0, static_cast<size_t>(n * m) * sizeof(float));
    std::vector<double> times;
    size_t next = 0;
    for (int s = 0; ok && s < samples; ++s) {
      int iterations = 0;
      const double start = Now();
      do {
        ok = a.graph_compute(backend, graphs[next]) == 0;
        next = (next + 1) % copies;
        ++iterations;
      } while (ok && Now() - start < 0.03);
      times.push_back((Now() - start) / iterations);
    }
    if (ok) {
      std::sort(times.begin(), times.end());
      result = times[times.size() / 2];
    }
  }
  if (backend != nullptr) a.backend_free(backend);
  if (wbuf != nullptr) a.buffer_free(wbuf);
  if (xbuf != nullptr) a.buffer_free(xbuf);
  a.free_context(wctx);
  a.free_context(xctx);
  return result;
}

}  // namespace axq_tool
