// The library's worker threads: created on first use, grown to the largest
// thread count asked for, reused by every parallel call. Work is split
// statically (task i of a job always covers the same range), so results
// never depend on which thread runs what.
#ifndef AXQ_CORE_THREAD_POOL_H_
#define AXQ_CORE_THREAD_POOL_H_

#include <cstdint>
#include <functional>

namespace axq {

// Runs task(i) for i in [0, tasks) on up to `tasks` threads, the calling
// thread included, and returns when all are done. One job runs at a time;
// concurrent callers wait their turn. If threads cannot be started the
// remaining tasks run on the calling thread. task must not throw.
void RunTasks(int64_t tasks, const std::function<void(int64_t)>& task);

}  // namespace axq

#endif  // AXQ_CORE_THREAD_POOL_H_
