#include "src/intquant/int_layout.h"

#include <algorithm>

#include "src/core/parallel.h"

namespace axq {
namespace {

// Elements per span when a row is long enough to be split, and per thread.
constexpr int64_t kSpanElements = 16384;
constexpr int64_t kMinElementsPerThread = 65536;

// The divisors of n nearest to g from below and from above (0 if none).
void NearestDivisors(int64_t n, int64_t g, int64_t* below, int64_t* above) {
  *below = 0;
  *above = 0;
  for (int64_t i = 1; i <= n / i; ++i) {
    if (n % i != 0) continue;
    for (int64_t d : {i, n / i}) {
      if (d < g && d > *below) *below = d;
      if (d > g && (*above == 0 || d < *above)) *above = d;
    }
  }
}

Status CheckGroupSize(int64_t row_len, int64_t g) {
  if (g <= 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->group_size: must be positive, got %lld", static_cast<long long>(g));
  }
  if (row_len % g == 0) return OkStatus();
  int64_t below = 0;
  int64_t above = 0;
  NearestDivisors(row_len, g, &below, &above);
  if (above == 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "opts->group_size: %lld does not divide the row length %lld (dims[0]); groups never straddle "
                "rows, so the nearest valid group size is %lld",
                static_cast<long long>(g), static_cast<long long>(row_len), static_cast<long long>(below));
  }
  return Fail(AXQ_ERR_INVALID_ARGUMENT,
              "opts->group_size: %lld does not divide the row length %lld (dims[0]); groups never straddle rows, "
              "so the nearest valid group sizes are %lld and %lld",
              static_cast<long long>(g), static_cast<long long>(row_len), static_cast<long long>(below),
              static_cast<long long>(above));
}

}  // namespace

Status CheckBitsAndScheme(uint32_t bits, int32_t scheme, const char* bits_name, const char* scheme_name) {
  if (bits < 2 || bits > 8) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: %u is out of range; integer codes have 2 to 8 bits", bits_name, bits);
  }
  if (scheme < AXQ_INT_SYMMETRIC || scheme > AXQ_INT_POWER_OF_TWO) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "%s: %d is not an axq_int_scheme (0 symmetric, 1 affine, 2 power of two)", scheme_name, scheme);
  }
  return OkStatus();
}

Status MakeIntLayout(IntLayout* out, int ndim, const int64_t* dims, const axq_int_options_t& opts) {
  AXQ_RETURN_IF_ERROR(CheckBitsAndScheme(opts.bits, opts.scheme, "opts->bits", "opts->scheme"));
  IntLayout l;
  l.codec = MakeIntCodec(static_cast<int32_t>(opts.bits), static_cast<IntScheme>(opts.scheme));
  l.ndim = ndim;
  for (int i = 0; i < ndim; ++i) l.dims[i] = dims[i];
  l.row_len = dims[0];
  l.rows = 1;
  for (int i = 1; i < ndim; ++i) l.rows *= dims[i];
  l.nelements = l.row_len * l.rows;
  l.row_bytes = RowCodeBytes(l.codec, l.row_len);
  l.granularity = opts.granularity;
  switch (opts.granularity) {
    case AXQ_PER_TENSOR:
      break;
    case AXQ_PER_CHANNEL:
      if (opts.axis < 0 || opts.axis >= ndim) {
        return Fail(AXQ_ERR_INVALID_ARGUMENT, "opts->axis: %d is out of range for a tensor of %d dim%s (0..%d)",
                    opts.axis, ndim, ndim == 1 ? "" : "s", ndim - 1);
      }
      l.axis = opts.axis;
      l.param_count = dims[opts.axis];
      l.param_dims[0] = dims[opts.axis];
      for (int i = 1; i < opts.axis; ++i) l.channel_stride *= dims[i];
      break;
    case AXQ_PER_GROUP:
      AXQ_RETURN_IF_ERROR(CheckGroupSize(l.row_len, opts.group_size));
      l.group_size = opts.group_size;
      l.param_count = l.nelements / opts.group_size;
      l.param_ndim = ndim;
      for (int i = 0; i < ndim; ++i) l.param_dims[i] = dims[i];
      l.param_dims[0] = l.row_len / opts.group_size;
      break;
    default:
      return Fail(AXQ_ERR_INVALID_ARGUMENT,
                  "opts->granularity: %d is not an axq_granularity (0 per tensor, 1 per channel, 2 per group)",
                  opts.granularity);
  }
  *out = l;
  return OkStatus();
}

IntLayout::RowParams IntLayout::ForRow(int64_t r) const {
  switch (granularity) {
    case AXQ_PER_CHANNEL:
      if (axis == 0) return {0, 1};
      return {(r / channel_stride) % dims[axis], row_len};
    case AXQ_PER_GROUP:
      return {r * (row_len / group_size), group_size};
    default:
      return {0, row_len};
  }
}

void ForEachSpan(const IntLayout& layout, unsigned threads,
                 const std::function<void(int64_t row, int64_t begin, int64_t end)>& fn) {
  // Spans are whole groups, and of even length for the packed nibbles.
  int64_t unit = 2;
  if (layout.granularity == AXQ_PER_GROUP) unit = layout.group_size % 2 == 0 ? layout.group_size : 2 * layout.group_size;
  int64_t span = (kSpanElements + unit - 1) / unit * unit;
  if (span >= layout.row_len) span = layout.row_len;
  const int64_t per_row = (layout.row_len + span - 1) / span;
  const int64_t items = layout.rows * per_row;
  ParallelFor(items, threads, std::max<int64_t>(1, kMinElementsPerThread / span), [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) {
      const int64_t row = item / per_row;
      const int64_t first = item % per_row * span;
      fn(row, first, std::min(first + span, layout.row_len));
    }
  });
}

}  // namespace axq
