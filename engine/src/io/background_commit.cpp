// One thread that fsyncs and renames the outputs sinks commit during a run, so that the disk's
// ~10 ms per file (more on a busy disk) overlaps the writing of the next file instead of
// stopping the sink, the graph's serial end. It waits in the kernel, so it takes no CPU from
// the run's --threads.
#include "io/background_commit.hpp"

#include "io/output_checkpoint.hpp"

#include <pthread.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace loom::io {

namespace {

// Each queued job holds its file open.
constexpr std::size_t kMaxPending = 8;

struct Job {
  int owner = -1;
  std::function<void()> run;
};

struct Committer {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Job> jobs;
  bool running = false;  // a job is being run (popped from `jobs`)
  bool started = false;  // the thread exists
  bool enabled = false;
  std::exception_ptr failure;  // the first job that failed
  int failed_owner = -1;

  void work() {
    std::unique_lock lock(mutex);
    for (;;) {
      changed.wait(lock, [this] { return !jobs.empty(); });
      Job job = std::move(jobs.front());
      jobs.pop_front();
      running = true;
      lock.unlock();
      std::exception_ptr error;
      try {
        job.run();
      } catch (...) {
        error = std::current_exception();
      }
      job.run = nullptr;  // what it captured goes outside the lock
      lock.lock();
      running = false;
      if (error && !failure) {
        failure = error;
        failed_owner = job.owner;
      }
      changed.notify_all();
    }
  }

  bool idle() const { return jobs.empty() && !running; }

  [[noreturn]] void rethrow(std::unique_lock<std::mutex>&) {
    const std::exception_ptr error = failure;
    const int owner = failed_owner;
    failure = nullptr;
    failed_owner = -1;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      throw BackgroundCommitError(owner, e.what());
    }
  }
};

Committer& committer() {
  static auto* instance = new Committer;  // never destroyed: its thread outlives statics
  return *instance;
}

}  // namespace

BackgroundCommitError::BackgroundCommitError(int owner, const std::string& what)
    : IoError(what), owner_(owner) {}

BackgroundCommits::BackgroundCommits() {
  Committer& c = committer();
  std::lock_guard lock(c.mutex);
  c.enabled = true;
}

BackgroundCommits::~BackgroundCommits() {
  Committer& c = committer();
  std::unique_lock lock(c.mutex);
  c.changed.wait(lock, [&c] { return c.idle(); });
  c.enabled = false;
  c.failure = nullptr;  // a run that reached here without wait() failed for another reason
  c.failed_owner = -1;
}

void BackgroundCommits::wait() { internal::wait_for_background_commits(); }

namespace internal {

void wait_for_background_commits() {
  Committer& c = committer();
  std::unique_lock lock(c.mutex);
  c.changed.wait(lock, [&c] { return c.idle(); });
  if (c.failure) c.rethrow(lock);
}

void wait_until_committed() {
  Committer& c = committer();
  std::unique_lock lock(c.mutex);
  c.changed.wait(lock, [&c] { return c.idle(); });
}

bool background_commits_enabled() {
  Committer& c = committer();
  std::lock_guard lock(c.mutex);
  return c.enabled;
}

void check_background_commits() {
  Committer& c = committer();
  std::unique_lock lock(c.mutex);
  if (c.failure) c.rethrow(lock);
}

void commit_in_background(int owner, std::function<void()> job) {
  Committer& c = committer();
  std::unique_lock lock(c.mutex);
  c.changed.wait(lock, [&c] { return c.jobs.size() + (c.running ? 1 : 0) < kMaxPending; });
  if (c.failure) c.rethrow(lock);
  if (!c.started) {
    std::thread([&c] {
      ::pthread_setname_np(::pthread_self(), "loom-commit");  // for ps, perf and the kill tests
      c.work();
    }).detach();
    c.started = true;
  }
  c.jobs.push_back(Job{owner, std::move(job)});
  c.changed.notify_all();
}

}  // namespace internal

}  // namespace loom::io
