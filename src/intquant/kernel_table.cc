// Builds the reference and dispatched integer-quantization tables once.
#include "src/intquant/intquant_kernels.h"
#include "src/simd/targets.h"

namespace axq {
namespace {

IntQuantKernels BuildReference() {
  IntQuantKernels t;
  t.range = int_range_ref;
  t.quantize_groups = quantize_groups_int_ref;
  t.encode = encode_span_int_ref;
  t.decode = decode_span_int_ref;
  t.fake_quantize = fake_quantize_span_ref;
  return t;
}

IntQuantKernels BuildDispatched() {
  IntQuantKernels t;
  FillIntQuantKernels(&t);
  return t;
}

}  // namespace

const IntQuantKernels& IntQuantKernelsFor(KernelSet set) {
  EnsureTargetsInitialized();
  static const IntQuantKernels reference = BuildReference();
  static const IntQuantKernels dispatched = BuildDispatched();
  return set == KernelSet::kReference ? reference : dispatched;
}

}  // namespace axq
