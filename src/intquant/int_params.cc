#include "src/intquant/int_params.h"

#include <algorithm>
#include <vector>

#include "src/core/parallel.h"

namespace axq {
namespace {

// Ranges are merged from pieces; min and max are exact, so neither the
// pieces nor the merge order show in the result.
constexpr int64_t kChunkElements = 65536;

IntRange RangeOfOne(float v) { return {AbsBits(v), v, v}; }

bool IsFinite(const IntRange& r) { return r.abs_bits < kNonFiniteBits; }

Status PerTensor(const IntLayout& l, const IntQuantKernels& k, const float* x, unsigned threads, float* scales,
                 float* zero_points, const char* what) {
  const int64_t chunks = (l.nelements + kChunkElements - 1) / kChunkElements;
  std::vector<IntRange> ranges(static_cast<size_t>(chunks));
  ParallelFor(chunks, threads, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const int64_t first = c * kChunkElements;
      ranges[static_cast<size_t>(c)] =
          k.range(x + first, std::min(kChunkElements, l.nelements - first), l.codec.affine());
    }
  });
  IntRange all = ranges[0];
  for (const IntRange& r : ranges) all = MergeRanges(all, r);
  if (!IsFinite(all)) return FailFirstNonFinite(x, l.nelements, what);
  const IntParams p = ParamsFromRange(l.codec, all);
  scales[0] = p.scale;
  zero_points[0] = p.zero_point;
  return OkStatus();
}

// Channels along axis >= 1 are sets of whole rows.
Status PerRowChannel(const IntLayout& l, const IntQuantKernels& k, const float* x, unsigned threads, float* scales,
                     float* zero_points, const char* what) {
  std::vector<IntRange> rows(static_cast<size_t>(l.rows));
  ParallelFor(l.rows, threads, std::max<int64_t>(1, kChunkElements / l.row_len), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      rows[static_cast<size_t>(r)] = k.range(x + r * l.row_len, l.row_len, l.codec.affine());
    }
  });
  std::vector<IntRange> channels(static_cast<size_t>(l.param_count));
  std::vector<char> seen(static_cast<size_t>(l.param_count), 0);
  for (int64_t r = 0; r < l.rows; ++r) {
    const size_t c = static_cast<size_t>(l.ForRow(r).first);
    channels[c] = seen[c] ? MergeRanges(channels[c], rows[static_cast<size_t>(r)]) : rows[static_cast<size_t>(r)];
    seen[c] = 1;
  }
  for (const IntRange& r : channels) {
    if (!IsFinite(r)) return FailFirstNonFinite(x, l.nelements, what);
  }
  for (int64_t c = 0; c < l.param_count; ++c) {
    const IntParams p = ParamsFromRange(l.codec, channels[static_cast<size_t>(c)]);
    scales[c] = p.scale;
    zero_points[c] = p.zero_point;
  }
  return OkStatus();
}

// Channels along axis 0 are the columns: each block of rows keeps a range
// per column, then the blocks are merged.
Status PerColumn(const IntLayout& l, const float* x, unsigned threads, float* scales, float* zero_points,
                 const char* what) {
  const int64_t blocks = std::max<int64_t>(1, std::min<int64_t>(l.rows, threads));
  const size_t n = static_cast<size_t>(l.row_len);
  std::vector<IntRange> acc(static_cast<size_t>(blocks) * n);
  ParallelFor(blocks, threads, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      IntRange* cols = acc.data() + static_cast<size_t>(b) * n;
      const int64_t r0 = b * l.rows / blocks;
      const int64_t r1 = (b + 1) * l.rows / blocks;
      const float* first = x + r0 * l.row_len;
      for (size_t j = 0; j < n; ++j) cols[j] = RangeOfOne(first[j]);
      for (int64_t r = r0 + 1; r < r1; ++r) {
        const float* row = x + r * l.row_len;
        for (size_t j = 0; j < n; ++j) cols[j] = MergeRanges(cols[j], RangeOfOne(row[j]));
      }
    }
  });
  for (int64_t b = 1; b < blocks; ++b) {
    for (size_t j = 0; j < n; ++j) acc[j] = MergeRanges(acc[j], acc[static_cast<size_t>(b) * n + j]);
  }
  for (size_t j = 0; j < n; ++j) {
    if (!IsFinite(acc[j])) return FailFirstNonFinite(x, l.nelements, what);
  }
  for (size_t j = 0; j < n; ++j) {
    const IntParams p = ParamsFromRange(l.codec, acc[j]);
    scales[j] = p.scale;
    zero_points[j] = p.zero_point;
  }
  return OkStatus();
}

Status PerGroup(const IntLayout& l, const IntQuantKernels& k, const float* x, unsigned threads, float* scales,
                float* zero_points, const char* what) {
  const int64_t g = l.group_size;
  std::vector<IntRange> ranges(static_cast<size_t>(l.param_count));
  ParallelFor(l.param_count, threads, std::max<int64_t>(1, kChunkElements / g), [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) ranges[static_cast<size_t>(b)] = k.range(x + b * g, g, l.codec.affine());
  });
  for (const IntRange& r : ranges) {
    if (!IsFinite(r)) return FailFirstNonFinite(x, l.nelements, what);
  }
  for (int64_t b = 0; b < l.param_count; ++b) {
    const IntParams p = ParamsFromRange(l.codec, ranges[static_cast<size_t>(b)]);
    scales[b] = p.scale;
    zero_points[b] = p.zero_point;
  }
  return OkStatus();
}

}  // namespace

Status FailFirstNonFinite(const float* x, int64_t n, const char* what) {
  for (int64_t i = 0; i < n; ++i) {
    if (AbsBits(x[i]) >= kNonFiniteBits) {
      return Fail(AXQ_ERR_NON_FINITE, "%s[%lld]: %g is not finite", what, static_cast<long long>(i),
                  static_cast<double>(x[i]));
    }
  }
  return Fail(AXQ_ERR_INTERNAL, "%s: a non-finite value was reported but not found", what);
}

Status ComputeIntParams(const IntLayout& layout, const IntQuantKernels& kernels, const float* x, unsigned threads,
                        float* scales, float* zero_points, const char* what) {
  switch (layout.granularity) {
    case AXQ_PER_CHANNEL:
      if (layout.axis == 0) return PerColumn(layout, x, threads, scales, zero_points, what);
      return PerRowChannel(layout, kernels, x, threads, scales, zero_points, what);
    case AXQ_PER_GROUP:
      return PerGroup(layout, kernels, x, threads, scales, zero_points, what);
    default:
      return PerTensor(layout, kernels, x, threads, scales, zero_points, what);
  }
}

}  // namespace axq
