// The throughput time series of a run: counters sampled about twice a second by the executor's
// sampling thread. Bounded: past `max_points` it keeps every other point and samples half as
// often, so a run of days holds as many points as a run of minutes.
#pragma once

#include <loom/engine/run_observations.hpp>

#include <cstdint>
#include <vector>

namespace loom::runtime {

class Timeline {
 public:
  explicit Timeline(std::size_t max_points = 1000) : max_points_(max_points < 4 ? 4 : max_points) {}

  // One tick of the sampling thread; `last` (the end of the run) is always kept.
  void add(TimelinePoint point, bool last = false);
  const std::vector<TimelinePoint>& points() const { return points_; }

 private:
  std::size_t max_points_;
  std::vector<TimelinePoint> points_;
  std::uint64_t ticks_ = 0;
  std::uint64_t stride_ = 1;  // keep one tick in `stride_`
};

}  // namespace loom::runtime
