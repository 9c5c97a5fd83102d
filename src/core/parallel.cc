#include "src/core/parallel.h"

#include <algorithm>
#include <system_error>
#include <thread>
#include <vector>

namespace axq {

unsigned ResolveThreadCount(uint32_t requested) {
  if (requested != 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

void ParallelFor(int64_t n, unsigned threads, int64_t min_chunk,
                 const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  const int64_t max_by_size = std::max<int64_t>(1, n / std::max<int64_t>(1, min_chunk));
  const int64_t workers = std::min<int64_t>(std::max(1u, threads), max_by_size);
  if (workers == 1) {
    fn(0, n);
    return;
  }
  const int64_t per = n / workers;
  const int64_t extra = n % workers;
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(workers - 1));
  int64_t begin = 0;
  for (int64_t w = 0; w < workers; ++w) {
    const int64_t end = begin + per + (w < extra ? 1 : 0);
    if (w == workers - 1) {
      fn(begin, end);  // the calling thread takes the last range
    } else {
      try {
        pool.emplace_back(fn, begin, end);
      } catch (const std::system_error&) {
        fn(begin, end);
      }
    }
    begin = end;
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace axq
