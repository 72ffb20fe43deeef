// Per-node counters, updated once per batch from any thread.
#pragma once

#include <loom/engine/engine.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace loom::runtime {

class NodeCounters {
 public:
  void add_batch(std::uint64_t docs_in, std::uint64_t bytes_in, std::uint64_t batches) {
    batches_.fetch_add(batches, std::memory_order_relaxed);
    docs_in_.fetch_add(docs_in, std::memory_order_relaxed);
    bytes_in_.fetch_add(bytes_in, std::memory_order_relaxed);
  }
  void add_kept(std::uint64_t n) { kept_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t kept() const { return kept_.load(std::memory_order_relaxed); }
  // `reasons` maps reason -> count for one batch; merged under a lock (once per batch).
  void add_dropped(const std::map<std::string, std::uint64_t, std::less<>>& reasons) {
    if (reasons.empty()) return;
    std::lock_guard lock(mutex_);
    for (const auto& [reason, count] : reasons) {
      dropped_ += count;
      by_reason_[reason] += count;
    }
  }
  void add_busy(std::chrono::nanoseconds busy) {
    busy_ns_.fetch_add(busy.count(), std::memory_order_relaxed);
  }

  void fill(NodeStats& out) const {
    out.batches = batches_.load();
    out.docs_in = docs_in_.load();
    out.docs_kept = kept_.load();
    out.bytes_in = bytes_in_.load();
    out.busy_seconds = static_cast<double>(busy_ns_.load()) / 1e9;
    std::lock_guard lock(mutex_);
    out.docs_dropped = dropped_;
    out.dropped_by_reason = by_reason_;
  }

 private:
  std::atomic<std::uint64_t> batches_{0}, docs_in_{0}, kept_{0}, bytes_in_{0};
  std::atomic<std::int64_t> busy_ns_{0};
  mutable std::mutex mutex_;
  std::uint64_t dropped_ = 0;
  std::map<std::string, std::uint64_t> by_reason_;
};

// Adds the time until destruction to a node's busy time.
class BusyTimer {
 public:
  explicit BusyTimer(NodeCounters& counters)
      : counters_(counters), start_(std::chrono::steady_clock::now()) {}
  ~BusyTimer() { counters_.add_busy(std::chrono::steady_clock::now() - start_); }
  BusyTimer(const BusyTimer&) = delete;
  BusyTimer& operator=(const BusyTimer&) = delete;

 private:
  NodeCounters& counters_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace loom::runtime
