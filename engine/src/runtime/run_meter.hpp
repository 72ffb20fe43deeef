// What a run has done so far, seen from outside the data path: the shards, documents and bytes
// its sources read, sampled about twice a second while the graph runs for the progress display
// (ExecutionSettings::on_progress) and, when the run collects a report page, into its throughput
// timeline (timeline.hpp). The data path only adds to the counters; the meter's thread reads them.
#pragma once

#include "runtime/node_counters.hpp"
#include "runtime/timeline.hpp"

#include <loom/engine/engine.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace loom::runtime {

class RunMeter {
 public:
  // The run's clock starts now. Without `on_progress` and `keep_timeline` nothing is sampled.
  RunMeter(std::function<void(const Progress&)> on_progress, bool keep_timeline);
  ~RunMeter();  // stops sampling if still running
  RunMeter(const RunMeter&) = delete;
  RunMeter& operator=(const RunMeter&) = delete;

  // Set-up, before sampling starts: the shards this run reads, and those a resume skips.
  void add_shards(std::uint64_t total, std::uint64_t already_done);
  // The data path, from any thread.
  void shard_done() { shards_done_.fetch_add(1, std::memory_order_relaxed); }
  void read(std::uint64_t docs, std::uint64_t bytes) {
    docs_read_.fetch_add(docs, std::memory_order_relaxed);
    bytes_read_.fetch_add(bytes, std::memory_order_relaxed);
  }

  // Samples from now until stop_sampling(): the run's progress, and per node in `nodes` the
  // documents it kept (the timeline's docs_out).
  void start_sampling(std::vector<const NodeCounters*> nodes);
  // Stops the sampling thread and takes the last sample. Call before reading the timeline.
  void stop_sampling();

  Progress progress() const;
  // The meter's part of the statistics: shards, documents and bytes read, wall time, timeline.
  void fill(RunStats& stats) const;

 private:
  void tick(bool last);
  TimelinePoint timeline_point() const;
  double seconds() const;

  const std::chrono::steady_clock::time_point start_;
  std::function<void(const Progress&)> on_progress_;
  bool keep_timeline_;
  std::uint64_t shards_total_ = 0;
  std::atomic<std::uint64_t> shards_done_{0}, docs_read_{0}, bytes_read_{0};
  std::vector<const NodeCounters*> nodes_;
  Timeline timeline_;  // touched by the sampling thread only, then after it joined
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace loom::runtime
