// AWQ: the error of a candidate is measured on the layer's output,
// sum over kept rows x and weight rows of (x . (W_hat - W)_row)^2, with
// W_hat = Q(W diag s) diag(1/s).
#include "src/ptq/awq.h"

#include <cmath>
#include <vector>

#include "src/ptq/checked_parallel.h"
#include "src/ptq/ptq_kernels.h"

namespace axq {
namespace {

constexpr double kMinScale = 1e-4;
constexpr int kClipSteps = 10;  // shrink ratios 1, 0.95, .., 0.55
constexpr double kClipStep = 0.05;

// Round-to-nearest of one row, group by group: codes, params, values.
void QuantizeRowRtn(const GroupFormat& f, const float* w, int64_t k, int32_t* codes, GroupParams* params,
                    float* values) {
  const int64_t gs = f.group_size();
  for (int64_t g = 0; g < k / gs; ++g) {
    params[g] = f.Fit(w + g * gs, gs);
    for (int64_t j = g * gs; j < (g + 1) * gs; ++j) codes[j] = f.Quantize(w[j], params[g], &values[j]);
  }
}

// s for one alpha: mean|x|^alpha floored, then centred so max * min = 1.
void ScalesForAlpha(const axq_act_stats& st, double alpha, float* s) {
  const int64_t k = st.k;
  std::vector<double> v(static_cast<size_t>(k));
  double lo = 0.0, hi = 0.0;
  for (int64_t j = 0; j < k; ++j) {
    const double mean = st.abssum[j] / static_cast<double>(st.rows);
    v[j] = std::max(std::pow(mean, alpha), kMinScale);
    lo = j == 0 ? v[j] : std::min(lo, v[j]);
    hi = j == 0 ? v[j] : std::max(hi, v[j]);
  }
  const double centre = std::sqrt(hi * lo);
  for (int64_t j = 0; j < k; ++j) s[j] = static_cast<float>(v[j] / centre);
}

// The output error of the weights under scales s, in *total.
Status OutputError(const axq_tensor* const* weights, size_t n_weights, const axq_act_stats& st,
                   const AwqConfig& cfg, const float* s, double* total_out) {
  const int64_t k = st.k;
  const PtqKernels& kern = PtqKernelsFor();
  double total = 0.0;
  for (size_t wi = 0; wi < n_weights; ++wi) {
    const axq_tensor& w = *weights[wi];
    const int64_t m = w.nelements / k;
    const float* wf = reinterpret_cast<const float*>(w.data.get());
    std::vector<double> row_error(static_cast<size_t>(m));
    AXQ_RETURN_IF_ERROR(ParallelForChecked(m, cfg.threads, 4, [&](int64_t b, int64_t e) {
      std::vector<float> scaled(static_cast<size_t>(k)), values(static_cast<size_t>(k));
      std::vector<int32_t> codes(static_cast<size_t>(k));
      std::vector<GroupParams> params(static_cast<size_t>(k / cfg.format.group_size()));
      for (int64_t r = b; r < e; ++r) {
        const float* row = wf + r * k;
        for (int64_t j = 0; j < k; ++j) scaled[j] = row[j] * s[j];
        QuantizeRowRtn(cfg.format, scaled.data(), k, codes.data(), params.data(), values.data());
        for (int64_t j = 0; j < k; ++j) values[j] = values[j] / s[j] - row[j];
        double sum = 0.0;
        for (int64_t n = 0; n < st.kept; ++n) {
          const double y = kern.dot_f32(st.samples.data() + n * k, values.data(), k);
          sum += y * y;
        }
        row_error[r] = sum;
      }
    }));
    for (double v : row_error) total += v;
  }
  *total_out = total;
  return OkStatus();
}

}  // namespace

Status AwqSearchScales(const axq_tensor* const* weights, size_t n_weights, const axq_act_stats& st,
                       const AwqConfig& cfg, float* s, float* alpha) {
  std::vector<float> candidate(static_cast<size_t>(st.k));
  double best = 0.0;
  for (uint32_t i = 0; i < cfg.grid; ++i) {
    const double a = static_cast<double>(i) / static_cast<double>(cfg.grid);
    ScalesForAlpha(st, a, candidate.data());
    double err = 0.0;
    AXQ_RETURN_IF_ERROR(OutputError(weights, n_weights, st, cfg, candidate.data(), &err));
    if (i == 0 || err < best) {
      best = err;
      std::copy(candidate.begin(), candidate.end(), s);
      if (alpha != nullptr) *alpha = static_cast<float>(a);
    }
  }
  return OkStatus();
}

Status AwqQuantize(const axq_tensor& w, const float* s, const axq_act_stats& st, const AwqConfig& cfg,
                   GroupResult* out) {
  const int64_t k = w.dims[0];
  const int64_t m = w.nelements / k;
  const int64_t gs = cfg.format.group_size();
  const int64_t groups = k / gs;
  const float* wf = reinterpret_cast<const float*>(w.data.get());
  out->rows = m;
  out->k = k;
  out->codes.assign(static_cast<size_t>(m * k), 0);
  out->params.assign(static_cast<size_t>(m * groups), GroupParams{});
  // The samples as the scaled weights see them: x / s.
  std::vector<float> xs;
  const bool clip = cfg.clip_search && st.kept > 0;
  if (clip) {
    xs.resize(static_cast<size_t>(st.kept * k));
    for (int64_t n = 0; n < st.kept; ++n) {
      for (int64_t j = 0; j < k; ++j) xs[n * k + j] = st.samples[n * k + j] / s[j];
    }
  }
  const PtqKernels& kern = PtqKernelsFor();
  return ParallelForChecked(m, cfg.threads, 4, [&](int64_t b, int64_t e) {
    std::vector<float> scaled(static_cast<size_t>(k)), values(static_cast<size_t>(k));
    std::vector<float> clamped(static_cast<size_t>(gs)), diff(static_cast<size_t>(gs));
    std::vector<int32_t> codes(static_cast<size_t>(gs));
    for (int64_t r = b; r < e; ++r) {
      const float* row = wf + r * k;
      for (int64_t j = 0; j < k; ++j) scaled[j] = row[j] * s[j];
      if (!clip) {
        QuantizeRowRtn(cfg.format, scaled.data(), k, out->codes.data() + r * k, out->params.data() + r * groups,
                       values.data());
        continue;
      }
      for (int64_t g = 0; g < groups; ++g) {
        const float* wg = scaled.data() + g * gs;
        float amax = 0.0f;
        for (int64_t j = 0; j < gs; ++j) amax = std::max(amax, std::fabs(wg[j]));
        double best = 0.0;
        for (int step = 0; step < kClipSteps; ++step) {
          const float limit = static_cast<float>(amax * (1.0 - kClipStep * step));
          for (int64_t j = 0; j < gs; ++j) clamped[j] = std::min(std::max(wg[j], -limit), limit);
          const GroupParams p = cfg.format.Fit(clamped.data(), gs);
          for (int64_t j = 0; j < gs; ++j) {
            float v = 0.0f;
            codes[j] = cfg.format.Quantize(clamped[j], p, &v);
            diff[j] = v - wg[j];
          }
          double err = 0.0;
          for (int64_t n = 0; n < st.kept; ++n) {
            const double y = kern.dot_f32(xs.data() + n * k + g * gs, diff.data(), gs);
            err += y * y;
          }
          if (step == 0 || err < best) {
            best = err;
            out->params[r * groups + g] = p;
            std::copy(codes.begin(), codes.end(), out->codes.begin() + r * k + g * gs);
          }
        }
      }
    }
  });
}

}  // namespace axq
