// A per-batch time limit: every plugin call on a batch (read, process, prepare, write) is
// watched, and one that takes longer than the limit is reported once. A stalled plugin cannot be
// interrupted from outside, so the caller decides what happens next (cancel, then give up on the
// process); see Run::on_stall in executor.cpp.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace loom::runtime {

class Watchdog {
 public:
  // `on_timeout(node, shard, seconds)` runs on the watchdog's thread, once, for the first call
  // found over the limit. A limit of 0 or less disables the watchdog (no thread).
  using Callback = std::function<void(const void* node, const void* shard, double seconds)>;
  Watchdog(double limit_seconds, Callback on_timeout);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Watches one call from construction to destruction.
  class Scope {
   public:
    Scope(Watchdog& dog, const void* node, const void* shard);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Watchdog* dog_;
    std::uint64_t id_ = 0;
  };

 private:
  struct Call {
    const void* node;
    const void* shard;
    std::chrono::steady_clock::time_point start;
  };
  void loop();

  double limit_seconds_;
  Callback on_timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool fired_ = false;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Call> calls_;
  std::thread thread_;
};

}  // namespace loom::runtime
