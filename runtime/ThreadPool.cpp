// runtime/ThreadPool.cpp - the worker threads of a kiln_context, behind kiln_exec.parallel_for.
#include "runtime/ThreadPool.h"

#include <algorithm>
#include <atomic>

namespace {
/// Set while this thread runs a body, and for the whole life of a worker.
thread_local bool tInBody = false;
} // namespace

/// One parallelFor call. It lives on its caller's stack: the caller leaves
/// only when the job is out of the queue and no worker holds it.
struct kiln::rt::ThreadPool::Job {
  kiln_task_fn body;
  void *closure;
  int64_t count, chunk, chunks;
  std::atomic<int64_t> next{0};
  /// Workers working on the job; guarded by the pool's mutex.
  int helpers = 0;
};

kiln::rt::ThreadPool::ThreadPool(unsigned workers) {
  threads_.reserve(workers);
  try {
    for (unsigned i = 0; i < workers; ++i)
      threads_.emplace_back([this] { workerLoop(); });
  } catch (...) {
    // Join what started, so that no thread outlives a failed construction.
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread &t : threads_)
      t.join();
    throw;
  }
}

kiln::rt::ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread &t : threads_)
    t.join();
}

bool kiln::rt::ThreadPool::inBody() { return tInBody; }

void kiln::rt::ThreadPool::runInline(int64_t count, kiln_task_fn body,
                                     void *closure) noexcept {
  bool wasInBody = tInBody;
  tInBody = true;
  body(closure, 0, count);
  tInBody = wasInBody;
}

void kiln::rt::ThreadPool::runChunks(Job &job) noexcept {
  for (int64_t c; (c = job.next.fetch_add(1, std::memory_order_relaxed)) <
                  job.chunks;) {
    int64_t begin = c * job.chunk;
    // Written so that it cannot overflow for a count near INT64_MAX.
    job.body(job.closure, begin, begin + std::min(job.chunk, job.count - begin));
  }
}

void kiln::rt::ThreadPool::workerLoop() {
  tInBody = true;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty())
      return; // stop_, and nothing left to help with
    Job *job = queue_.front();
    ++job->helpers;
    lock.unlock();
    runChunks(*job);
    lock.lock();
    // Every chunk is claimed now: no one else needs to pick the job up.
    auto it = std::find(queue_.begin(), queue_.end(), job);
    if (it != queue_.end())
      queue_.erase(it);
    if (--job->helpers == 0)
      done_.notify_all();
  }
}

void kiln::rt::ThreadPool::parallelFor(int64_t count, int64_t chunk,
                                       kiln_task_fn body,
                                       void *closure) noexcept {
  Job job;
  job.body = body;
  job.closure = closure;
  job.count = count;
  job.chunk = chunk;
  job.chunks = count / chunk + (count % chunk != 0);
  // Locking cannot fail on a valid mutex; should it ever, the caller runs
  // every chunk alone, which is still correct.
  bool queued = false;
  try {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(&job);
    queued = true;
  } catch (...) {
  }
  if (queued) {
    if (job.chunks - 1 >= int64_t(threads_.size()))
      wake_.notify_all();
    else
      for (int64_t i = 1; i < job.chunks; ++i)
        wake_.notify_one();
  }
  bool wasInBody = tInBody;
  tInBody = true;
  runChunks(job);
  tInBody = wasInBody;
  if (!queued)
    return;
  std::unique_lock<std::mutex> lock(mutex_);
  auto it = std::find(queue_.begin(), queue_.end(), &job);
  if (it != queue_.end())
    queue_.erase(it);
  done_.wait(lock, [&] { return job.helpers == 0; });
}
