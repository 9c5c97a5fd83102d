// Calibration files: a GGUF or safetensors tensor of activation rows,
// read through the model tools' reader and added chunk by chunk.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "src/model/source.h"
#include "src/ptq/act_stats.h"

namespace axq {
namespace {

// Rows per chunk: at most this many f32 values are converted at once.
constexpr int64_t kChunkValues = int64_t{1} << 22;

}  // namespace

Status AddActivationsFromFile(axq_act_stats* s, const char* path, const char* name) {
  OpenedModel model;
  AXQ_RETURN_IF_ERROR(OpenModel(path, &model));
  const SourceTensor* t = nullptr;
  for (const SourceTensor& c : model.tensors) {
    if (c.name == name) t = &c;
  }
  if (t == nullptr) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "name: %s has no tensor '%s' (%zu tensors)", path, name,
                model.tensors.size());
  }
  if (t->type != AXQ_TYPE_F32 && t->type != AXQ_TYPE_F16 && t->type != AXQ_TYPE_BF16) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: tensor '%s' is not F32, F16 or BF16; activations are float rows",
                path, name);
  }
  if (t->ne[0] != s->k || t->n_dims > 2) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "%s: tensor '%s' has rows of %lld values (%d dims); these statistics take 2-D rows of %lld", path,
                name, static_cast<long long>(t->ne[0]), t->n_dims, static_cast<long long>(s->k));
  }
  const int64_t rows = t->rows();
  if (rows == 0) return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: tensor '%s' has no rows", path, name);
  // Check everything first, so that a failure leaves the statistics as
  // they were: convert and scan, then add.
  const int64_t chunk = std::max<int64_t>(1, kChunkValues / s->k);
  std::vector<float> buffer(static_cast<size_t>(std::min(chunk, rows) * s->k));
  for (int64_t r = 0; r < rows; r += chunk) {
    const int64_t n = std::min(chunk, rows - r);
    AXQ_RETURN_IF_ERROR(SourceRowsToF32(*t, r, n, buffer.data()));
    for (int64_t i = 0; i < n * s->k; ++i) {
      if (!std::isfinite(buffer[i])) {
        return Fail(AXQ_ERR_NON_FINITE, "%s: tensor '%s' row %lld holds NaN or Inf", path, name,
                    static_cast<long long>(r + i / s->k));
      }
    }
  }
  for (int64_t r = 0; r < rows; r += chunk) {
    const int64_t n = std::min(chunk, rows - r);
    AXQ_RETURN_IF_ERROR(SourceRowsToF32(*t, r, n, buffer.data()));
    AXQ_RETURN_IF_ERROR(AddActivations(s, buffer.data(), n));
  }
  return OkStatus();
}

}  // namespace axq
