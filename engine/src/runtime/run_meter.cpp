#include "runtime/run_meter.hpp"

namespace loom::runtime {

RunMeter::RunMeter(std::function<void(const Progress&)> on_progress, bool keep_timeline)
    : start_(std::chrono::steady_clock::now()),
      on_progress_(std::move(on_progress)),
      keep_timeline_(keep_timeline) {}

RunMeter::~RunMeter() { stop_sampling(); }

void RunMeter::add_shards(std::uint64_t total, std::uint64_t already_done) {
  shards_total_ += total;
  shards_done_ += already_done;
}

void RunMeter::start_sampling(std::vector<const NodeCounters*> nodes) {
  nodes_ = std::move(nodes);
  if (keep_timeline_) timeline_.add(timeline_point());
  if (!on_progress_ && !keep_timeline_) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; }))
      tick(false);
  });
}

void RunMeter::stop_sampling() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  tick(true);
}

// One beat of the sampling thread (and the last one, after the graph drained).
void RunMeter::tick(bool last) {
  if (on_progress_) on_progress_(progress());
  if (keep_timeline_) timeline_.add(timeline_point(), last);
}

double RunMeter::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

TimelinePoint RunMeter::timeline_point() const {
  TimelinePoint p;
  p.seconds = seconds();
  p.docs_read = docs_read_.load();
  p.bytes_read = bytes_read_.load();
  for (const NodeCounters* node : nodes_) p.docs_out.push_back(node->kept());
  return p;
}

Progress RunMeter::progress() const {
  Progress p;
  p.docs_read = docs_read_.load();
  p.bytes_read = bytes_read_.load();
  p.shards_done = shards_done_.load();
  p.shards_total = shards_total_;
  p.elapsed_seconds = seconds();
  return p;
}

void RunMeter::fill(RunStats& stats) const {
  stats.shards_total = shards_total_;
  stats.shards_done = shards_done_.load();
  stats.docs_read = docs_read_.load();
  stats.bytes_read = bytes_read_.load();
  stats.wall_seconds = seconds();
  stats.timeline = timeline_.points();
}

}  // namespace loom::runtime
