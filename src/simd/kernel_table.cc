// Builds the two kernel tables (dispatched and reference) once and answers
// lookups by type.
#include <cmath>
#include <cstring>

#include "src/quant/kquants_ref.h"
#include "src/quant/ref.h"
#include "src/simd/kernels.h"
#include "src/simd/targets.h"

namespace axq {
namespace {

bool AllFinite(const float* x, int64_t k) {
  for (int64_t i = 0; i < k; ++i) {
    if (!std::isfinite(x[i])) return false;
  }
  return true;
}

bool CopyF32(const float* x, void* y, int64_t k) {
  std::memcpy(y, x, static_cast<size_t>(k) * sizeof(float));
  return true;
}

void ExpandF32(const void* x, float* y, int64_t k) {
  std::memcpy(y, x, static_cast<size_t>(k) * sizeof(float));
}

// The references take finite input (ref.h); this adds the check the
// dispatched kernels fold into their first pass.
template <void (*Quantize)(const float*, void*, int64_t)>
bool CheckedReference(const float* x, void* y, int64_t k) {
  if (!AllFinite(x, k)) return false;
  Quantize(x, y, k);
  return true;
}

template <void (*Quantize)(const float*, void*, int64_t)>
bool UncheckedReference(const float* x, void* y, int64_t k) {
  Quantize(x, y, k);
  return true;
}

void FillTernaryReferences(KernelTable* t);
void FillKQuantReferences(KernelTable* t);

KernelTable BuildReferenceTable() {
  KernelTable t;
  t.f32 = {CopyF32, ExpandF32};
  t.f16 = {UncheckedReference<quantize_row_f16_ref>, dequantize_row_f16_ref};
  t.bf16 = {UncheckedReference<quantize_row_bf16_ref>, dequantize_row_bf16_ref};
  t.q8_0 = {CheckedReference<quantize_row_q8_0_ref>, dequantize_row_q8_0_ref};
  t.q8_1 = {CheckedReference<quantize_row_q8_1_ref>, dequantize_row_q8_1_ref};
  t.q4_0 = {CheckedReference<quantize_row_q4_0_ref>, dequantize_row_q4_0_ref};
  t.q4_1 = {CheckedReference<quantize_row_q4_1_ref>, dequantize_row_q4_1_ref};
  t.q5_0 = {CheckedReference<quantize_row_q5_0_ref>, dequantize_row_q5_0_ref};
  t.q5_1 = {CheckedReference<quantize_row_q5_1_ref>, dequantize_row_q5_1_ref};
  FillTernaryReferences(&t);
  FillKQuantReferences(&t);
  return t;
}

void FillKQuantReferences(KernelTable* t) {
  t->q2_k = {CheckedReference<quantize_row_q2_K_ref>, dequantize_row_q2_K_ref};
  t->q3_k = {CheckedReference<quantize_row_q3_K_ref>, dequantize_row_q3_K_ref};
  t->q4_k = {CheckedReference<quantize_row_q4_K_ref>, dequantize_row_q4_K_ref};
  t->q5_k = {CheckedReference<quantize_row_q5_K_ref>, dequantize_row_q5_K_ref};
  t->q6_k = {CheckedReference<quantize_row_q6_K_ref>, dequantize_row_q6_K_ref};
}

// Formats whose dispatched entry is still the scalar reference: their
// quantizers run once per model, the matmul kernels are what is tuned.
void FillTernaryReferences(KernelTable* t) {
  t->q8_k = {CheckedReference<quantize_row_q8_K_ref>, dequantize_row_q8_K_ref};
  t->tq1_0 = {CheckedReference<quantize_row_tq1_0_ref>, dequantize_row_tq1_0_ref};
  t->tq2_0 = {CheckedReference<quantize_row_tq2_0_ref>, dequantize_row_tq2_0_ref};
  t->i2_s = {CheckedReference<quantize_i2_s_ref>, dequantize_i2_s_ref};
  t->i8_s = {CheckedReference<quantize_row_i8_s_ref>, dequantize_row_i8_s_ref};
}

KernelTable BuildDispatchedTable() {
  KernelTable t;
  FillTernaryReferences(&t);  // until replaced by a Highway kernel below
  FillKQuantReferences(&t);   // likewise
  FillKQuantKernels(&t);
  t.f32 = {CopyF32, ExpandF32};
  FillHalfKernels(&t);
  FillQ8Kernels(&t);
  FillQ4Kernels(&t);
  FillQ5Kernels(&t);
  return t;
}

// Last, so that no filler that replaces whole entries drops them.
KernelTable WithWeightedQuantizers(KernelTable t) {
  FillWeightedQuantizers(&t);
  return t;
}

const FormatKernels* Select(const KernelTable& t, axq_type type) {
  switch (type) {
    case AXQ_TYPE_F32: return &t.f32;
    case AXQ_TYPE_F16: return &t.f16;
    case AXQ_TYPE_BF16: return &t.bf16;
    case AXQ_TYPE_Q8_0: return &t.q8_0;
    case AXQ_TYPE_Q8_1: return &t.q8_1;
    case AXQ_TYPE_Q4_0: return &t.q4_0;
    case AXQ_TYPE_Q4_1: return &t.q4_1;
    case AXQ_TYPE_Q5_0: return &t.q5_0;
    case AXQ_TYPE_Q5_1: return &t.q5_1;
    case AXQ_TYPE_Q2_K: return &t.q2_k;
    case AXQ_TYPE_Q3_K: return &t.q3_k;
    case AXQ_TYPE_Q4_K: return &t.q4_k;
    case AXQ_TYPE_Q5_K: return &t.q5_k;
    case AXQ_TYPE_Q6_K: return &t.q6_k;
    case AXQ_TYPE_Q8_K: return &t.q8_k;
    case AXQ_TYPE_TQ1_0: return &t.tq1_0;
    case AXQ_TYPE_TQ2_0: return &t.tq2_0;
    case AXQ_TYPE_I2_S: return &t.i2_s;
    case AXQ_TYPE_I8_S: return &t.i8_s;
    default: return nullptr;
  }
}

}  // namespace

const FormatKernels* KernelsFor(axq_type type, KernelSet set) {
  EnsureTargetsInitialized();
  static const KernelTable reference = WithWeightedQuantizers(BuildReferenceTable());
  static const KernelTable dispatched = WithWeightedQuantizers(BuildDispatchedTable());
  return Select(set == KernelSet::kReference ? reference : dispatched, type);
}

}  // namespace axq
