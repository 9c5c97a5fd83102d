// Builds the reference and dispatched matmul tables once and answers
// lookups by weight type.
#include "src/matmul/matmul_kernels.h"
#include "src/simd/targets.h"

namespace axq {
namespace {

MatmulKernelTable BuildReference() {
  MatmulKernelTable t;
  FillReferenceMatmulKernels(&t);
  FillReferenceKQuantMatmulKernels(&t);
  return t;
}

MatmulKernelTable BuildDispatched() {
  MatmulKernelTable t;
  FillReferenceMatmulKernels(&t);  // for any type without a Highway kernel yet
  FillFloatMatmulKernels(&t);
  FillLegacyMatmulKernels(&t);
  FillTernaryMatmulKernels(&t);
  FillKQuantMatmulKernels(&t);
  return t;
}

}  // namespace

axq_type ActivationPartner(axq_type weight) {
  switch (weight) {
    case AXQ_TYPE_F32: return AXQ_TYPE_F32;
    case AXQ_TYPE_F16: return AXQ_TYPE_F16;
    case AXQ_TYPE_BF16: return AXQ_TYPE_BF16;
    case AXQ_TYPE_Q4_0:
    case AXQ_TYPE_Q5_0:
    case AXQ_TYPE_Q8_0: return AXQ_TYPE_Q8_0;
    case AXQ_TYPE_Q4_1:
    case AXQ_TYPE_Q5_1: return AXQ_TYPE_Q8_1;
    case AXQ_TYPE_Q2_K:
    case AXQ_TYPE_Q3_K:
    case AXQ_TYPE_Q4_K:
    case AXQ_TYPE_Q5_K:
    case AXQ_TYPE_Q6_K:
    case AXQ_TYPE_TQ1_0:
    case AXQ_TYPE_TQ2_0: return AXQ_TYPE_Q8_K;
    case AXQ_TYPE_I2_S: return AXQ_TYPE_I8_S;
    default: return AXQ_TYPE_INVALID;
  }
}

MatmulKernelFn MatmulKernelFor(axq_type weight, KernelSet set, bool repacked) {
  EnsureTargetsInitialized();
  static const MatmulKernelTable reference = BuildReference();
  static const MatmulKernelTable dispatched = BuildDispatched();
  const MatmulKernelTable& t = set == KernelSet::kReference ? reference : dispatched;
  if (repacked) {
    switch (weight) {
      case AXQ_TYPE_Q4_0: return t.q4_0_repacked;
      case AXQ_TYPE_Q4_1: return t.q4_1_repacked;
      case AXQ_TYPE_Q8_0: return t.q8_0_repacked;
      default: return nullptr;
    }
  }
  switch (weight) {
    case AXQ_TYPE_F32: return t.f32;
    case AXQ_TYPE_F16: return t.f16;
    case AXQ_TYPE_BF16: return t.bf16;
    case AXQ_TYPE_Q4_0: return t.q4_0;
    case AXQ_TYPE_Q4_1: return t.q4_1;
    case AXQ_TYPE_Q5_0: return t.q5_0;
    case AXQ_TYPE_Q5_1: return t.q5_1;
    case AXQ_TYPE_Q8_0: return t.q8_0;
    case AXQ_TYPE_TQ1_0: return t.tq1_0;
    case AXQ_TYPE_TQ2_0: return t.tq2_0;
    case AXQ_TYPE_I2_S: return t.i2_s;
    case AXQ_TYPE_Q2_K: return t.q2_k;
    case AXQ_TYPE_Q3_K: return t.q3_k;
    case AXQ_TYPE_Q4_K: return t.q4_k;
    case AXQ_TYPE_Q5_K: return t.q5_k;
    case AXQ_TYPE_Q6_K: return t.q6_k;
    default: return nullptr;
  }
}

}  // namespace axq
