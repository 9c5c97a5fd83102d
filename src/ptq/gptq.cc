// GPTQ in float64: the damped Hessian's inverse factor, then column blocks
// with each row's quantization error pushed onto its later columns.
#include "src/ptq/gptq.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "src/ptq/checked_parallel.h"
#include "src/ptq/cholesky.h"
#include "src/ptq/ptq_kernels.h"

namespace axq {
namespace {

constexpr int kDampRetries = 4;

// The group parameters of one row from its current values (as f32).
GroupParams FitFromDoubles(const GroupFormat& f, const double* w, int64_t n, std::vector<float>* scratch) {
  scratch->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) (*scratch)[i] = static_cast<float>(w[i]);
  return f.Fit(scratch->data(), n);
}

}  // namespace

Status GptqQuantize(const axq_tensor& w, const axq_act_stats& stats, const GptqConfig& cfg, GroupResult* out) {
  const int64_t k = w.dims[0];
  const int64_t m = w.nelements / k;
  const int64_t gs = cfg.format.group_size();
  const int64_t groups = k / gs;
  const float* wf = reinterpret_cast<const float*>(w.data.get());
  const PtqKernels& kern = PtqKernelsFor();

  // H = 2 G / n; dead inputs get H_jj = 1 and weight 0.
  std::vector<double> h(stats.gram);
  const double scale = 2.0 / static_cast<double>(stats.rows);
  for (double& v : h) v *= scale;
  std::vector<double> wd(static_cast<size_t>(m * k));
  for (int64_t i = 0; i < m * k; ++i) wd[i] = wf[i];
  for (int64_t j = 0; j < k; ++j) {
    if (h[j * k + j] == 0.0) {
      h[j * k + j] = 1.0;
      for (int64_t r = 0; r < m; ++r) wd[r * k + j] = 0.0;
    }
  }

  out->rows = m;
  out->k = k;
  out->codes.assign(static_cast<size_t>(m * k), 0);
  out->params.assign(static_cast<size_t>(m * groups), GroupParams{});

  // Processing order; with act_order also the static group parameters and
  // the permuted weights and Hessian.
  std::vector<int64_t> perm(static_cast<size_t>(k));
  std::iota(perm.begin(), perm.end(), 0);
  if (cfg.act_order) {
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) { return h[a * k + a] > h[b * k + b]; });
    AXQ_RETURN_IF_ERROR(ParallelForChecked(m, cfg.threads, 16, [&](int64_t b, int64_t e) {
      std::vector<float> scratch;
      for (int64_t r = b; r < e; ++r) {
        for (int64_t g = 0; g < groups; ++g) {
          out->params[r * groups + g] = FitFromDoubles(cfg.format, wd.data() + r * k + g * gs, gs, &scratch);
        }
      }
    }));
    std::vector<double> hp(h.size()), wp(wd.size());
    for (int64_t a = 0; a < k; ++a) {
      for (int64_t b = 0; b < k; ++b) hp[a * k + b] = h[perm[a] * k + perm[b]];
    }
    for (int64_t r = 0; r < m; ++r) {
      for (int64_t a = 0; a < k; ++a) wp[r * k + a] = wd[r * k + perm[a]];
    }
    h.swap(hp);
    wd.swap(wp);
  }

  double mean_diag = 0.0;
  for (int64_t j = 0; j < k; ++j) mean_diag += h[j * k + j];
  mean_diag /= static_cast<double>(k);
  std::vector<double> u;
  double damp = cfg.damp;
  bool factored = false;
  for (int attempt = 0; attempt <= kDampRetries && !factored; ++attempt, damp *= 10.0) {
    std::vector<double> hd(h);
    for (int64_t j = 0; j < k; ++j) hd[j * k + j] += damp * mean_diag;
    factored = InverseUpperCholesky(&hd, k, cfg.threads, &u);
  }
  if (!factored) {
    return Fail(AXQ_ERR_NON_FINITE,
                "GPTQ: the Hessian of the calibration activations is not positive definite even with damping %g "
                "times its mean diagonal (%g); are the activations finite and of a sensible magnitude?",
                damp / 10.0, mean_diag);
  }
  std::vector<double>().swap(h);  // only u is needed from here on

  // Blocks hold whole groups unless act_order fixed the groups already.
  int64_t block = cfg.block_size;
  if (!cfg.act_order) block = (block + gs - 1) / gs * gs;
  block = std::min(block, k);
  std::vector<double> neg_err(static_cast<size_t>(m * block));
  for (int64_t b0 = 0; b0 < k; b0 += block) {
    const int64_t b1 = std::min(k, b0 + block);
    AXQ_RETURN_IF_ERROR(ParallelForChecked(m, cfg.threads, 4, [&](int64_t rb, int64_t re) {
      std::vector<float> scratch;
      for (int64_t r = rb; r < re; ++r) {
        double* row = wd.data() + r * k;
        double* err = neg_err.data() + r * block;
        for (int64_t j = b0; j < b1; ++j) {
          const int64_t col = perm[j];
          GroupParams& p = out->params[r * groups + col / gs];
          if (!cfg.act_order && col % gs == 0) p = FitFromDoubles(cfg.format, row + j, gs, &scratch);
          float value = 0.0f;
          out->codes[r * k + col] = cfg.format.Quantize(static_cast<float>(row[j]), p, &value);
          const double e = (row[j] - static_cast<double>(value)) / u[j * k + j];
          err[j - b0] = -e;
          kern.axpy(-e, u.data() + j * k + j + 1, row + j + 1, b1 - j - 1);
        }
      }
      // The lazy update of the columns after the block: W[:, b1:] -= E U[block, b1:].
      if (b1 < k) {
        kern.gemm_add(wd.data() + rb * k + b1, k, neg_err.data() + rb * block, block, u.data() + b0 * k + b1, k,
                      re - rb, k - b1, b1 - b0);
      }
    }));
  }
  return OkStatus();
}

}  // namespace axq
