#include "src/core/parallel.h"

#include <algorithm>
#include <thread>

#include "src/core/thread_pool.h"

namespace axq {

unsigned ResolveThreadCount(uint32_t requested) {
  if (requested != 0) return std::min<uint32_t>(requested, kMaxThreads);
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

void ParallelFor(int64_t n, unsigned threads, int64_t min_chunk,
                 const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  const int64_t max_by_size = std::max<int64_t>(1, n / std::max<int64_t>(1, min_chunk));
  const int64_t workers = std::min<int64_t>(std::max(1u, threads), max_by_size);
  const int64_t per = n / workers;
  const int64_t extra = n % workers;
  RunTasks(workers, [&](int64_t w) {
    const int64_t begin = w * per + std::min(w, extra);
    fn(begin, begin + per + (w < extra ? 1 : 0));
  });
}

}  // namespace axq
