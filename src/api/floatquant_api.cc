// axq_fp8_* and axq_nf4_* / axq_4bit_*: the float formats (floatquant.h).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/parallel.h"
#include "src/floatquant/double_quant.h"
#include "src/floatquant/floatquant_kernels.h"
#include "src/floatquant/fourbit_tensor.h"
#include "src/floatquant/fp8_tensor.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

namespace {

Status CheckFp8Format(int32_t format, const char* name) {
  if (format != AXQ_FP8_E4M3 && format != AXQ_FP8_E5M2) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: %d is not an axq_fp8_format (AXQ_FP8_E4M3 0, AXQ_FP8_E5M2 1)", name,
                format);
  }
  return OkStatus();
}

Status CheckScale(float scale, const char* name) {
  if (!std::isfinite(scale)) {
    return Fail(AXQ_ERR_NON_FINITE, "%s: %g is not finite", name, static_cast<double>(scale));
  }
  if (!(scale > 0.0f)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: %g must be positive", name, static_cast<double>(scale));
  }
  return OkStatus();
}

Status CheckCount(size_t n, const char* name) {
  if (n == 0) return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: must be positive, got 0", name);
  return OkStatus();
}

// Reads the options and checks what the matrix functions share: the
// format, the granularity, the shape and the three counts.
Status ReadFp8Matrix(const axq_fp8_options_t* opts, int64_t rows, int64_t cols, size_t values, const char* values_name,
                     size_t scales_count, axq::Fp8Matrix* m, unsigned* threads) {
  axq_fp8_options_t options;
  (void)axq_fp8_options_init(&options);
  AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
  AXQ_RETURN_IF_ERROR(CheckFp8Format(options.format, "opts->format"));
  if (options.granularity != AXQ_FP8_PER_TENSOR && options.granularity != AXQ_FP8_PER_ROW) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT,
                "opts->granularity: %d is not an axq_fp8_granularity (AXQ_FP8_PER_TENSOR 0, AXQ_FP8_PER_ROW 1)",
                options.granularity);
  }
  if (rows <= 0 || cols <= 0) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "rows, cols: must be positive, got %lld, %lld",
                static_cast<long long>(rows), static_cast<long long>(cols));
  }
  if (rows > INT64_MAX / cols || static_cast<uint64_t>(rows * cols) > SIZE_MAX / sizeof(float)) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "rows, cols: %lld x %lld values overflow the address space",
                static_cast<long long>(rows), static_cast<long long>(cols));
  }
  const uint64_t n = static_cast<uint64_t>(rows * cols);
  if (values != n) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "%s: %zu, but rows x cols = %lld x %lld = %llu", values_name, values,
                static_cast<long long>(rows), static_cast<long long>(cols), static_cast<unsigned long long>(n));
  }
  const bool per_row = options.granularity == AXQ_FP8_PER_ROW;
  const uint64_t want_scales = per_row ? static_cast<uint64_t>(rows) : 1;
  if (scales_count != want_scales) {
    return Fail(AXQ_ERR_INVALID_ARGUMENT, "scales_count: %zu, but %s needs %llu", scales_count,
                per_row ? "AXQ_FP8_PER_ROW (one per row)" : "AXQ_FP8_PER_TENSOR",
                static_cast<unsigned long long>(want_scales));
  }
  m->rows = rows;
  m->cols = cols;
  m->format = static_cast<axq::Fp8Format>(options.format);
  m->per_row = per_row;
  *threads = axq::ResolveThreadCount(options.n_threads);
  return OkStatus();
}

}  // namespace

extern "C" {

AXQ_API axq_status axq_fp8_encode(uint8_t* dst, size_t n, const float* src, int32_t format, float scale) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
    AXQ_RETURN_IF_ERROR(CheckCount(n, "n"));
    AXQ_RETURN_IF_ERROR(CheckFp8Format(format, "format"));
    AXQ_RETURN_IF_ERROR(CheckScale(scale, "scale"));
    axq::FloatQuantKernelsFor().fp8_encode(src, n, format, scale, dst);
    return OkStatus();
  });
}

AXQ_API axq_status axq_fp8_decode(float* dst, size_t n, const uint8_t* src, int32_t format, float scale) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
    AXQ_RETURN_IF_ERROR(CheckCount(n, "n"));
    AXQ_RETURN_IF_ERROR(CheckFp8Format(format, "format"));
    AXQ_RETURN_IF_ERROR(CheckScale(scale, "scale"));
    axq::FloatQuantKernelsFor().fp8_decode(src, n, format, scale, dst);
    return OkStatus();
  });
}

AXQ_API axq_status axq_fp8_options_init_sized(axq_fp8_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_fp8_options_t defaults{};
    defaults.format = AXQ_FP8_E4M3;
    defaults.granularity = AXQ_FP8_PER_TENSOR;
    return axq::InitOptions(opts, size, defaults);
  });
}

AXQ_API axq_status axq_fp8_quantize(uint8_t* codes, size_t codes_count, float* scales, size_t scales_count,
                                    const float* src, int64_t rows, int64_t cols, const axq_fp8_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(codes, "codes"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(scales, "scales"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
    axq::Fp8Matrix m;
    unsigned threads = 1;
    AXQ_RETURN_IF_ERROR(ReadFp8Matrix(opts, rows, cols, codes_count, "codes_count", scales_count, &m, &threads));
    return axq::Fp8QuantizeMatrix(codes, scales, src, m, threads);
  });
}

AXQ_API axq_status axq_fp8_dequantize(float* dst, size_t dst_count, const uint8_t* codes, const float* scales,
                                      size_t scales_count, int64_t rows, int64_t cols,
                                      const axq_fp8_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(codes, "codes"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(scales, "scales"));
    axq::Fp8Matrix m;
    unsigned threads = 1;
    AXQ_RETURN_IF_ERROR(ReadFp8Matrix(opts, rows, cols, dst_count, "dst_count", scales_count, &m, &threads));
    for (size_t i = 0; i < scales_count; ++i) {
      if (!std::isfinite(scales[i])) {
        return Fail(AXQ_ERR_NON_FINITE, "scales[%zu]: %g is not finite", i, static_cast<double>(scales[i]));
      }
      if (!(scales[i] > 0.0f)) {
        return Fail(AXQ_ERR_INVALID_ARGUMENT, "scales[%zu]: %g must be positive", i, static_cast<double>(scales[i]));
      }
    }
    axq::Fp8DequantizeMatrix(dst, codes, scales, m, threads);
    return OkStatus();
  });
}

AXQ_API axq_status axq_nf4_options_init_sized(axq_nf4_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_nf4_options_t defaults{};
    defaults.kind = AXQ_4BIT_NF4;
    defaults.block_size = 64;
    defaults.double_quant = 1;
    return axq::InitOptions(opts, size, defaults);
  });
}

AXQ_API axq_status axq_nf4_quantize(axq_nf4_tensor_t** out, const float* src, size_t n,
                                    const axq_nf4_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    axq_nf4_options_t options;
    (void)axq_nf4_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    std::unique_ptr<axq_nf4_tensor> t;
    AXQ_RETURN_IF_ERROR(axq::NewFourBitTensor(&t, src, n, options));
    *out = t.release();
    return OkStatus();
  });
}

AXQ_API void axq_nf4_destroy(axq_nf4_tensor_t* t) { delete t; }

AXQ_API axq_status axq_nf4_dequantize(float* dst, size_t dst_count, const axq_nf4_tensor_t* t,
                                      const axq_dequantize_options_t* opts) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(t, "t"));
    axq_dequantize_options_t options;
    (void)axq_dequantize_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    if (dst_count != t->n) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "dst_count: %zu, but the tensor holds %llu values", dst_count,
                  static_cast<unsigned long long>(t->n));
    }
    axq::DequantizeFourBitTensor(*t, dst, axq::ResolveThreadCount(options.n_threads));
    return OkStatus();
  });
}

AXQ_API axq_status axq_nf4_info(axq_nf4_info_t* out, const axq_nf4_tensor_t* t) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(t, "t"));
    axq_nf4_info_t info{};
    axq::FillFourBitInfo(*t, &info);
    return axq::CopyInfo(out, info, "out");
  });
}

AXQ_API axq_status axq_nf4_parts(axq_nf4_parts_t* out, const axq_nf4_tensor_t* t) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(t, "t"));
    axq_nf4_parts_t parts{};
    axq::FillFourBitParts(*t, &parts);
    return axq::CopyInfo(out, parts, "out");
  });
}

AXQ_API axq_status axq_nf4_from_parts(axq_nf4_tensor_t** out, const axq_nf4_parts_t* parts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(parts, "parts"));
    // Every field of this first version is needed; later ones are appended.
    constexpr size_t kNeeded = offsetof(axq_nf4_parts_t, offset) + sizeof(float);
    if (parts->struct_size < kNeeded) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "parts->struct_size: %u does not cover every field (%zu bytes)",
                  parts->struct_size, kNeeded);
    }
    axq_nf4_parts_t given{};
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(parts, &given, "parts"));
    std::unique_ptr<axq_nf4_tensor> t;
    AXQ_RETURN_IF_ERROR(axq::FourBitTensorFromParts(&t, given));
    *out = t.release();
    return OkStatus();
  });
}

AXQ_API axq_status axq_nf4_absmax(float* dst, size_t count, const axq_nf4_tensor_t* t) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(t, "t"));
    const uint64_t blocks = axq::FourBitBlockCount(*t);
    if (count != blocks) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "count: %zu, but the tensor has %llu blocks", count,
                  static_cast<unsigned long long>(blocks));
    }
    axq::EffectiveAbsmax(*t, dst);
    return OkStatus();
  });
}

AXQ_API axq_status axq_4bit_code_values(float* dst, size_t count, int32_t kind) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
    if (kind != AXQ_4BIT_NF4 && kind != AXQ_4BIT_FP4) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "kind: %d is not an axq_4bit_kind (AXQ_4BIT_NF4 0, AXQ_4BIT_FP4 1)",
                  kind);
    }
    if (count != 16) return Fail(AXQ_ERR_INVALID_ARGUMENT, "count: %zu, but there are 16 codes", count);
    std::memcpy(dst, axq::FourBitValues(static_cast<axq::FourBitKind>(kind)), 16 * sizeof(float));
    return OkStatus();
  });
}

AXQ_API axq_status axq_4bit_dynamic_map(float* dst, size_t count) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
    if (count != 256) return Fail(AXQ_ERR_INVALID_ARGUMENT, "count: %zu, but the map has 256 entries", count);
    std::memcpy(dst, axq::DynamicMap().data(), 256 * sizeof(float));
    return OkStatus();
  });
}

}  // extern "C"
