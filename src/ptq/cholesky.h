// GPTQ's factor of the inverse Hessian, in float64.
#ifndef AXQ_PTQ_CHOLESKY_H_
#define AXQ_PTQ_CHOLESKY_H_

#include <cstdint>
#include <vector>

namespace axq {

// For a symmetric positive definite h (k x k, row-major), the upper
// triangular u with h^-1 = u^T u and a positive diagonal (row-major, zeros
// below the diagonal). h is used as scratch and overwritten. Returns false
// if h is not numerically positive definite. Same result for any thread
// count.
bool InverseUpperCholesky(std::vector<double>* h, int64_t k, unsigned threads, std::vector<double>* u);

}  // namespace axq

#endif  // AXQ_PTQ_CHOLESKY_H_
