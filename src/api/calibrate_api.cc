// axq_calibrator_* and axq_range_to_params: calibration observers and the
// quantization parameters of a range.
#include <memory>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/calib/calibrator.h"
#include "src/calib/range_params.h"
#include "src/calib/ranges.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

extern "C" {

AXQ_API axq_status axq_calibrator_options_init_sized(axq_calibrator_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_calibrator_options_t defaults{};
    defaults.bins = 2048;
    defaults.momentum = 0.01f;
    return axq::InitOptions(opts, size, defaults);
  });
}

AXQ_API axq_status axq_range_options_init_sized(axq_range_options_t* opts, size_t size) {
  return Guard([&]() -> Status {
    axq_range_options_t defaults{};
    defaults.method = AXQ_CALIB_MINMAX;
    defaults.percentile = 99.99f;
    defaults.k = 3.0f;
    defaults.bits = 8;
    return axq::InitOptions(opts, size, defaults);
  });
}

AXQ_API axq_status axq_calibrator_create(axq_calibrator_t** out, const axq_calibrator_options_t* opts) {
  if (out != nullptr) *out = nullptr;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    axq_calibrator_options_t options;
    (void)axq_calibrator_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    AXQ_RETURN_IF_ERROR(axq::CheckCalibratorOptions(options));
    auto cal = std::make_unique<axq_calibrator>(options.bins, static_cast<double>(options.momentum));
    *out = cal.release();
    return OkStatus();
  });
}

AXQ_API void axq_calibrator_destroy(axq_calibrator_t* cal) { delete cal; }

AXQ_API axq_status axq_calibrator_observe(axq_calibrator_t* cal, const float* data, size_t count) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(cal, "cal"));
    return axq::ObserveBatch(cal, data, count);
  });
}

AXQ_API axq_status axq_calibrator_merge(axq_calibrator_t* dst, const axq_calibrator_t* src) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(dst, "dst"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(src, "src"));
    return axq::MergeCalibrators(dst, *src);
  });
}

AXQ_API axq_status axq_calibrator_info(axq_calibrator_info_t* out, const axq_calibrator_t* cal) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(cal, "cal"));
    const axq::CalibratorState s = axq::SnapshotCalibrator(*cal);
    axq_calibrator_info_t info{};
    info.bins = s.bins;
    info.count = s.moments.count;
    info.batches = s.batches;
    info.momentum = static_cast<float>(s.momentum);
    if (s.moments.count > 0) {
      info.min = s.min;
      info.max = s.max;
      info.mean = s.moments.mean;
      info.variance = s.moments.Variance();
      info.bin_width = s.values.cell_width();
      info.abs_bin_width = s.magnitudes.cell_width();
    }
    return axq::CopyInfo(out, info, "out");
  });
}

AXQ_API axq_status axq_calibrator_range(float* lo, float* hi, const axq_calibrator_t* cal,
                                        const axq_range_options_t* opts) {
  if (lo != nullptr) *lo = 0.0f;
  if (hi != nullptr) *hi = 0.0f;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(lo, "lo"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(hi, "hi"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(cal, "cal"));
    axq_range_options_t options;
    (void)axq_range_options_init(&options);
    AXQ_RETURN_IF_ERROR(axq::ReadOptions(opts, &options, "opts"));
    AXQ_RETURN_IF_ERROR(axq::CheckRangeOptions(options));
    const axq::CalibratorState s = axq::SnapshotCalibrator(*cal);
    if (s.moments.count == 0) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "cal: the calibrator has observed no data yet; call axq_calibrator_observe first");
    }
    float low = 0.0f, high = 0.0f;
    AXQ_RETURN_IF_ERROR(axq::ComputeRange(s, options, &low, &high));
    *lo = low;
    *hi = high;
    return OkStatus();
  });
}

AXQ_API axq_status axq_range_to_params(float* scale, int32_t* zero_point, float lo, float hi, uint32_t bits,
                                       int32_t symmetric) {
  if (scale != nullptr) *scale = 0.0f;
  if (zero_point != nullptr) *zero_point = 0;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(scale, "scale"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(zero_point, "zero_point"));
    if (symmetric != 0 && symmetric != 1) {
      return Fail(AXQ_ERR_INVALID_ARGUMENT, "symmetric: %d is neither 0 (affine) nor 1", symmetric);
    }
    float s = 0.0f;
    int32_t zp = 0;
    AXQ_RETURN_IF_ERROR(axq::RangeToParams(lo, hi, bits, symmetric == 1, &s, &zp));
    *scale = s;
    *zero_point = zp;
    return OkStatus();
  });
}

}  // extern "C"
