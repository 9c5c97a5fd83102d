// ParallelFor for bodies that allocate scratch memory: the pool's tasks
// must not throw, so a std::bad_alloc is caught in the range that hit it
// and reported, once every range has ended, as AXQ_ERR_OUT_OF_MEMORY.
#ifndef AXQ_PTQ_CHECKED_PARALLEL_H_
#define AXQ_PTQ_CHECKED_PARALLEL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <new>

#include "src/core/parallel.h"
#include "src/core/status.h"

namespace axq {

inline Status ParallelForChecked(int64_t n, unsigned threads, int64_t min_chunk,
                                 const std::function<void(int64_t, int64_t)>& fn) {
  std::atomic<bool> out_of_memory{false};
  ParallelFor(n, threads, min_chunk, [&](int64_t begin, int64_t end) {
    try {
      fn(begin, end);
    } catch (const std::bad_alloc&) {
      out_of_memory.store(true, std::memory_order_relaxed);
    }
  });
  return out_of_memory.load() ? FailOutOfMemory() : OkStatus();
}

}  // namespace axq

#endif  // AXQ_PTQ_CHECKED_PARALLEL_H_
