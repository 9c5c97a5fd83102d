// Dispatch for the calibration kernels (src/calib/calib-inl.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "src/simd/dispatch_calibrate.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "src/calib/calib-inl.h"
#include "src/calib/calib_kernels.h"
#include "src/simd/targets.h"

HWY_BEFORE_NAMESPACE();
namespace axq {
namespace HWY_NAMESPACE {

ChunkSums ChunkSumsTarget(const float* x, size_t n) { return ChunkSumsKernel(x, n); }
double SquaredDeviationsTarget(const float* x, size_t n, double mean) { return SquaredDeviationsKernel(x, n, mean); }
void CellIndicesTarget(const float* x, size_t n, const CellIndexParams& p, int32_t* cells, int32_t* magnitudes) {
  CellIndicesKernel(x, n, p, cells, magnitudes);
}

}  // namespace HWY_NAMESPACE
}  // namespace axq
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace axq {
namespace {

HWY_EXPORT(ChunkSumsTarget);
HWY_EXPORT(SquaredDeviationsTarget);
HWY_EXPORT(CellIndicesTarget);

ChunkSums DispatchChunkSums(const float* x, size_t n) { return HWY_DYNAMIC_DISPATCH(ChunkSumsTarget)(x, n); }
double DispatchSquaredDeviations(const float* x, size_t n, double mean) {
  return HWY_DYNAMIC_DISPATCH(SquaredDeviationsTarget)(x, n, mean);
}
void DispatchCellIndices(const float* x, size_t n, const CellIndexParams& p, int32_t* cells, int32_t* magnitudes) {
  HWY_DYNAMIC_DISPATCH(CellIndicesTarget)(x, n, p, cells, magnitudes);
}

}  // namespace

const CalibKernels& CalibKernelsFor(KernelSet set) {
  EnsureTargetsInitialized();
  static const CalibKernels reference{chunk_sums_ref, squared_deviations_ref, cell_indices_ref};
  static const CalibKernels dispatched{DispatchChunkSums, DispatchSquaredDeviations, DispatchCellIndices};
  return set == KernelSet::kReference ? reference : dispatched;
}

}  // namespace axq
#endif  // HWY_ONCE
