// Boilerplate shared by the src/simd/dispatch_*.cc files, so that each of
// them only lists its formats.
#ifndef AXQ_SIMD_DISPATCH_MACROS_H_
#define AXQ_SIMD_DISPATCH_MACROS_H_

// Inside HWY_NAMESPACE: adapts an -inl.h row kernel pair to the table's
// signatures.
#define AXQ_TARGET_KERNELS(Name, QuantizeRow, DequantizeRow)           \
  bool Quantize##Name(const float* x, void* y, int64_t k) {            \
    return QuantizeRow(x, static_cast<uint8_t*>(y), k);                \
  }                                                                    \
  void Dequantize##Name(const void* x, float* y, int64_t k) {          \
    DequantizeRow(static_cast<const uint8_t*>(x), y, k);               \
  }

// Under HWY_ONCE: exports the per-target pair and defines the entry that
// the kernel table stores.
#define AXQ_EXPORT_KERNELS(Name)                                       \
  HWY_EXPORT(Quantize##Name);                                          \
  HWY_EXPORT(Dequantize##Name);                                        \
  bool DispatchQuantize##Name(const float* x, void* y, int64_t k) {    \
    return HWY_DYNAMIC_DISPATCH(Quantize##Name)(x, y, k);              \
  }                                                                    \
  void DispatchDequantize##Name(const void* x, float* y, int64_t k) {  \
    HWY_DYNAMIC_DISPATCH(Dequantize##Name)(x, y, k);                   \
  }

#define AXQ_DISPATCHED_KERNELS(Name) \
  FormatKernels { DispatchQuantize##Name, DispatchDequantize##Name }

// Under HWY_ONCE: exports the per-target matmul kernel Matmul##Name and
// defines DispatchMatmul##Name, the entry the matmul table stores.
#define AXQ_EXPORT_MATMUL(Name)                                                     \
  HWY_EXPORT(Matmul##Name);                                                         \
  void DispatchMatmul##Name(const MatmulProblem& p, int64_t begin, int64_t end) {   \
    HWY_DYNAMIC_DISPATCH(Matmul##Name)(p, begin, end);                              \
  }

#endif  // AXQ_SIMD_DISPATCH_MACROS_H_
