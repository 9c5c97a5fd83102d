// The public header compiled as C++ with every warning an error.
#include <axq/axq.h>

#include <cstdio>

int main() {
  axq_tensor_t* t = nullptr;
  const int64_t dims[1] = {32};
  if (axq_tensor_create(&t, AXQ_TYPE_Q8_0, 1, dims) != AXQ_OK) return 1;
  axq_tensor_destroy(t);
  std::printf("1 passed, 0 failed\n");
  return 0;
}
