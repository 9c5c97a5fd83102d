// `axq bench matmul`: Y = W X for a 4096 x 4096 weight matrix with the
// weights streamed from DRAM (copies rotated through at least 160 MiB),
// next to a memory-read loop over the same amount of memory, same run.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "axq/axq.h"
#include "src/tools/commands.h"
#include "src/tools/demo_data.h"
#include "src/tools/ggml_peer.h"

namespace axq_tool {
namespace {

using Tensor = TensorPtr;

// A trailing "+r" means the weights are repacked (axq_tensor_repack).
const char* const kDefaultTypes[] = {"q4_0+r", "q8_0+r", "i2_s", "q4_0", "q8_0", "q4_K",
                                     "q6_K",   "q2_K",   "q3_K", "q5_K", "tq2_0", "tq1_0",
                                     "q4_1+r", "q4_1",   "q5_0", "q5_1", "f16",  "bf16",
                                     "f32"};

bool Check(axq_status st, const char* what) {
  if (st == AXQ_OK) return true;
  std::fprintf(stderr, "axq: bench matmul: %s: %s\n", what, axq_last_error());
  return false;
}

}  // namespace

int RunMatmulBench(const MatmulBenchOptions& options) {
  const int64_t m = options.rows, k = options.cols;
  GgmlPeer ggml;
  if (!options.ggml_library.empty() && !ggml.Load(options.ggml_library)) {
    std::fprintf(stderr, "axq: bench matmul: cannot use ggml: %s\n", ggml.error().c_str());
    return 1;
  }
  std::vector<std::string> types = options.types;
  if (types.empty()) types.assign(std::begin(kDefaultTypes), std::end(kDefaultTypes));

  const std::vector<float> wf = SyntheticWeights(m * k, 1);
  const int64_t wdims[2] = {k, m};
  axq_tensor_t* raw = nullptr;
  if (!Check(axq_tensor_from_f32(&raw, wf.data(), 2, wdims), "weights")) return 1;
  Tensor w32(raw);
  const int64_t max_n = *std::max_element(options.batch.begin(), options.batch.end());
  const std::vector<float> xf = SyntheticWeights(max_n * k, 2);

  // The read baseline streams as many bytes as the largest weight rotation.
  std::vector<uint64_t> memory(static_cast<size_t>(options.rotate_bytes / 8 + (4 << 20) / 8 * 8), 1);
  std::printf("axq %s bench matmul, SIMD target %s, W %lld x %lld, median of %d samples\n",
              axq_version_string(), axq_simd_target_name(), static_cast<long long>(m),
              static_cast<long long>(k), options.samples);
  std::printf("(weights rotated through >= %lld MiB; read = memory-read loop over %lld MiB, "
              "same threads, timed beside each row)\n\n",
              static_cast<long long>(options.rotate_bytes >> 20),
              static_cast<long long>(memory.size() * 8 >> 20));
  if (ggml.loaded() && ggml.CanMatmul(AXQ_TYPE_Q4_0)) {
    std::printf("peer: ggml mul_mat on %s (NAME+r rows: weights in ggml's repack buffer)\n",
                ggml.cpu_variant().c_str());
  }
  std::printf("%-7s %3s %4s %9s %9s %9s %8s %10s %9s\n", "type", "thr", "N", "ms", "GB/s", "read",
              "of read", "Gop/s", "ggml ms (axq faster by), max |diff| / max |y|");
  for (unsigned threads : options.threads) {
    for (const std::string& name : types) {
      const bool repack = name.size() > 2 && name.compare(name.size() - 2, 2, "+r") == 0;
      const std::string type_name = repack ? name.substr(0, name.size() - 2) : name;
      axq_type type;
      if (!Check(axq_type_from_name(&type, type_name.c_str()), name.c_str())) return 1;
      axq_quantize_options_t qopts;
      axq_quantize_options_init(&qopts);
      qopts.ternary_rule = AXQ_TERNARY_ABSMEAN;
      axq_tensor_t* q = nullptr;
      if (type == AXQ_TYPE_F32) {
        if (!Check(axq_tensor_from_f32(&q, wf.data(), 2, wdims), name.c_str())) return 1;
      } else if (!Check(axq_quantize(&q, w32.get(), type, &qopts), name.c_str())) {
        return 1;
      }
      // `original` is in ggml's layout, which ggml reads. The timed copies,
      // enough to rotate through rotate_bytes, are repacked from it or
      // copied as they are.
      Tensor original(q);
      auto make_copy = [&](axq_tensor_t** copy) {
        return repack ? axq_tensor_repack(copy, original.get())
                      : axq_tensor_from_bytes(copy, type, 2, wdims, axq_tensor_data(original.get()),
                                              axq_tensor_nbytes(original.get()));
      };
      std::vector<Tensor> weights;
      axq_tensor_t* copy = nullptr;
      if (!Check(make_copy(&copy), name.c_str())) return 1;
      weights.emplace_back(copy);
      const size_t bytes = axq_tensor_nbytes(copy);
      const int64_t copies = std::max<int64_t>(1, (options.rotate_bytes + bytes - 1) / bytes);
      for (int64_t c = 1; c < copies; ++c) {
        if (!Check(make_copy(&copy), "copy")) return 1;
        weights.emplace_back(copy);
      }
      for (int64_t n : options.batch) {
        const int64_t xdims[2] = {k, n}, ydims[2] = {m, n};
        axq_tensor_t *x = nullptr, *y = nullptr;
        if (!Check(axq_tensor_from_f32(&x, xf.data(), 2, xdims), "x") ||
            !Check(axq_tensor_create(&y, AXQ_TYPE_F32, 2, ydims), "y")) {
          return 1;
        }
        Tensor xt(x), yt(y);
        axq_matmul_options_t mopts;
        axq_matmul_options_init(&mopts);
        mopts.n_threads = threads;
        size_t next = 0;
        bool ok = true;
        // Rate in matmuls per second (x 1e9).
        const double rate = MedianRate(1.0, options.samples, [&] {
          ok = ok && axq_matmul(y, weights[next].get(), x, &mopts) == AXQ_OK;
          next = (next + 1) % weights.size();
        });
        if (!Check(ok ? AXQ_OK : AXQ_ERR_INTERNAL, "matmul")) return 1;
        // The read bound is measured right after, on the same threads, so
        // that both see the same neighbours on a shared machine.
        const double read = MedianRate(static_cast<double>(memory.size() * 8), options.samples, [&] {
          (void)ReadAllWords(memory.data(), static_cast<int64_t>(memory.size()), threads);
        });
        const double seconds = 1.0 / (rate * 1e9);
        const double gbps = static_cast<double>(bytes) / seconds / 1e9;
        const double gops = 2.0 * m * k * n / seconds / 1e9;
        std::printf("%-7s %3u %4lld %9.3f %9.2f %9.2f %7.1f%% %10.1f", name.c_str(), threads,
                    static_cast<long long>(n), seconds * 1e3, gbps, read, 100.0 * gbps / read, gops);
        double peer_ms = 0, agreement = -1;
        if (ggml.CanMatmul(type)) {
          std::vector<const void*> copies;
          for (const Tensor& t : weights) {
            // Repacked copies have no ggml-layout bytes: ggml repacks the original.
            copies.push_back(axq_tensor_data(repack ? original.get() : t.get()));
          }
          std::vector<float> yg(static_cast<size_t>(m * n));
          const double s = ggml.TimeMatmul(type, copies, axq_tensor_nbytes(original.get()), m, k, xf.data(), n,
                                           threads, options.samples, repack, yg.data());
          peer_ms = s * 1e3;
          if (s > 0) {
            // Agreement with ggml's product (different activation rounding
            // and summation order): largest difference over the largest |y|.
            const float* ours = static_cast<const float*>(axq_tensor_data(y));
            double diff = 0, scale = 0;
            for (int64_t i = 0; i < m * n; ++i) {
              diff = std::max(diff, static_cast<double>(std::fabs(ours[i] - yg[static_cast<size_t>(i)])));
              scale = std::max(scale, static_cast<double>(std::fabs(yg[static_cast<size_t>(i)])));
            }
            agreement = scale > 0 ? diff / scale : diff;
          }
        }
        if (peer_ms > 0) {
          std::printf(" %9.3f (%.2fx) diff %.1e\n", peer_ms, peer_ms / (seconds * 1e3), agreement);
        } else {
          std::printf(" %9s\n", "-");
        }
      }
    }
  }
  return 0;
}

}  // namespace axq_tool
