// runtime/ThreadPool.h - the worker threads of a kiln_context, behind kiln_exec.parallel_for.
#ifndef KILN_RUNTIME_THREADPOOL_H
#define KILN_RUNTIME_THREADPOOL_H

#include "kiln/abi.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace kiln::rt {

/// A fixed set of worker threads that help callers of parallelFor. Several
/// threads may call parallelFor at once (concurrent runs sharing one
/// context): each call is a job that its caller works on itself, so it
/// finishes even when every worker is busy with other jobs.
class ThreadPool {
public:
  /// Starts `workers` threads; throws std::system_error when the OS refuses
  /// (the caller turns that into a status).
  explicit ThreadPool(unsigned workers);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned workerCount() const { return static_cast<unsigned>(threads_.size()); }

  /// Runs body(closure, b, e) over chunks covering [0, count), each of
  /// `chunk` iterations but the last, on the calling thread and the
  /// workers; returns when every chunk has finished. Never throws.
  void parallelFor(int64_t count, int64_t chunk, kiln_task_fn body,
                   void *closure) noexcept;

  /// Whether the calling thread is running a parallelFor body (of any
  /// pool); parallel_for then runs inline instead of waiting on workers
  /// that may all be waiting themselves.
  static bool inBody();

  /// Runs body(closure, 0, count) on the calling thread, as a body: a
  /// parallel_for it makes runs inline too.
  static void runInline(int64_t count, kiln_task_fn body, void *closure) noexcept;

private:
  struct Job;
  void workerLoop();
  static void runChunks(Job &job) noexcept;

  std::mutex mutex_;
  std::condition_variable wake_;  // workers: a job was queued, or stop
  std::condition_variable done_;  // callers: a job lost its last helper
  std::deque<Job *> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

} // namespace kiln::rt

#endif // KILN_RUNTIME_THREADPOOL_H
