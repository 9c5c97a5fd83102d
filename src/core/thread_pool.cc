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
      pending_.store(helpers, std::memory_order_relaxed);
      generation_.store(generation_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }
    if (helpers > 0) wake_.notify_all();
    // The caller takes task 0 and whatever no helper thread exists for.
    task(0);
    for (int64_t i = helpers + 1; i < tasks; ++i) task(i);
    for (int spin = 0; spin < kSpins && pending_.load(std::memory_order_acquire) != 0; ++spin) Pause();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
    task_ = nullptr;
  }

 private:
  // Waiting threads spin this many pauses (some tens of microseconds)
  // before sleeping: matmuls of a few hundred microseconds come back to
  // back, and a condition-variable wake-up costs about as much as one.
  static constexpr int kSpins = 20000;

  static void Pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }

  // Starts workers until `wanted` exist (or starting fails); returns how
  // many there are.
  int64_t Grow(int64_t wanted) {
    while (static_cast<int64_t>(workers_.size()) < wanted) {
      const int64_t index = static_cast<int64_t>(workers_.size());
      try {
        const uint64_t seen = generation_.load(std::memory_order_relaxed);
        workers_.emplace_back([this, index, seen] { Work(index, seen); });
      } catch (const std::system_error&) {
        break;
      }
    }
    return std::min<int64_t>(wanted, static_cast<int64_t>(workers_.size()));
  }

  void Work(int64_t index, uint64_t seen) {
    for (;;) {
      for (int spin = 0; spin < kSpins && generation_.load(std::memory_order_acquire) == seen; ++spin) {
        Pause();
      }
      const std::function<void(int64_t)>* task = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        seen = generation_.load(std::memory_order_relaxed);
        if (index >= helper_tasks_) continue;
        task = task_;
      }
      in_task = true;
      (*task)(index + 1);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);  // the caller checks under it
        done_.notify_one();
      }
    }
  }

  static std::atomic<ThreadPool*> current_;
  static std::mutex create_mutex_;

  std::mutex job_mutex_;  // one job at a time
  std::mutex mutex_;      // guards task_, helper_tasks_ and generation_ changes
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;  // touched only under job_mutex_
  const std::function<void(int64_t)>* task_ = nullptr;
  int64_t helper_tasks_ = 0;
  std::atomic<int64_t> pending_{0};
  std::atomic<uint64_t> generation_{0};
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
