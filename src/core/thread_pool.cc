#include "src/core/thread_pool.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace axq {
namespace {

// Set while a pool thread (or a caller inside Run) executes a task: a nested
// RunTasks then runs serially instead of waiting for its own job.
thread_local bool in_task = false;

class ThreadPool {
 public:
  // Leaked on purpose: workers block in Work() forever, and joining them at
  // exit would race with static destruction in other libraries. A forked
  // child has none of the parent's threads, so it starts a fresh pool.
  static ThreadPool& Instance() {
    static const int registered = pthread_atfork(nullptr, nullptr, [] { current_ = nullptr; });
    (void)registered;
    ThreadPool* pool = current_.load(std::memory_order_acquire);
    if (pool == nullptr) {
      std::lock_guard<std::mutex> lock(create_mutex_);
      pool = current_.load(std::memory_order_relaxed);
      if (pool == nullptr) {
        pool = new ThreadPool();
        current_.store(pool, std::memory_order_release);
      }
    }
    return *pool;
  }

  void Run(int64_t tasks, const std::function<void(int64_t)>& task) {
    std::lock_guard<std::mutex> job_lock(job_mutex_);
    const int64_t helpers = Grow(tasks - 1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      helper_tasks_ = helpers;
      pending_ = helpers;
      ++generation_;
    }
    if (helpers > 0) wake_.notify_all();
    // The caller takes task 0 and whatever no helper thread exists for.
    task(0);
    for (int64_t i = helpers + 1; i < tasks; ++i) task(i);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
    task_ = nullptr;
  }

 private:
  // Starts workers until `wanted` exist (or starting fails); returns how
  // many there are.
  int64_t Grow(int64_t wanted) {
    while (static_cast<int64_t>(workers_.size()) < wanted) {
      const int64_t index = static_cast<int64_t>(workers_.size());
      try {
        std::lock_guard<std::mutex> lock(mutex_);
        workers_.emplace_back([this, index, seen = generation_] { Work(index, seen); });
      } catch (const std::system_error&) {
        break;
      }
    }
    return std::min<int64_t>(wanted, static_cast<int64_t>(workers_.size()));
  }

  void Work(int64_t index, uint64_t seen) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (index >= helper_tasks_) continue;
      const std::function<void(int64_t)>* task = task_;
      lock.unlock();
      in_task = true;
      (*task)(index + 1);
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  static std::atomic<ThreadPool*> current_;
  static std::mutex create_mutex_;

  std::mutex job_mutex_;  // one job at a time
  std::mutex mutex_;      // guards everything below
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(int64_t)>* task_ = nullptr;
  int64_t helper_tasks_ = 0;
  int64_t pending_ = 0;
  uint64_t generation_ = 0;
};

std::atomic<ThreadPool*> ThreadPool::current_{nullptr};
std::mutex ThreadPool::create_mutex_;

}  // namespace

void RunTasks(int64_t tasks, const std::function<void(int64_t)>& task) {
  if (tasks <= 0) return;
  if (tasks == 1 || in_task) {
    for (int64_t i = 0; i < tasks; ++i) task(i);
    return;
  }
  in_task = true;
  ThreadPool::Instance().Run(tasks, task);
  in_task = false;
}

}  // namespace axq
