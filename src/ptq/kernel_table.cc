// Builds the reference and dispatched PTQ kernel tables once.
#include "src/ptq/ptq_kernels.h"
#include "src/simd/targets.h"

namespace axq {
namespace {

PtqKernels BuildReference() {
  PtqKernels t;
  t.gemm_add = gemm_add_f64_ref;
  t.dot = dot_f64_ref;
  t.axpy = axpy_f64_ref;
  t.dot_f32 = dot_f32_ref;
  return t;
}

PtqKernels BuildDispatched() {
  PtqKernels t;
  FillPtqKernels(&t);
  return t;
}

}  // namespace

const PtqKernels& PtqKernelsFor(KernelSet set) {
  EnsureTargetsInitialized();
  static const PtqKernels reference = BuildReference();
  static const PtqKernels dispatched = BuildDispatched();
  return set == KernelSet::kReference ? reference : dispatched;
}

}  // namespace axq
