// Splits contiguous work over threads. Chunk boundaries never change what
// a chunk computes, so results do not depend on the thread count.
#ifndef AXQ_CORE_PARALLEL_H_
#define AXQ_CORE_PARALLEL_H_

#include <cstdint>
#include <functional>

namespace axq {

// More threads than this are not started, whatever a caller asks for.
constexpr uint32_t kMaxThreads = 256;

// 0 means "all cores"; larger requests are capped at kMaxThreads.
unsigned ResolveThreadCount(uint32_t requested);

// Calls fn(begin, end) for disjoint ranges covering [0, n), using at most
// `threads` threads (the caller's included) and ranges of at least
// `min_chunk` items. If a thread cannot be started its range runs on the
// calling thread. Runs on the library thread pool. fn must not throw.
void ParallelFor(int64_t n, unsigned threads, int64_t min_chunk,
                 const std::function<void(int64_t, int64_t)>& fn);

}  // namespace axq

#endif  // AXQ_CORE_PARALLEL_H_
