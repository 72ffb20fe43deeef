#include "runtime/timeline.hpp"

namespace loom::runtime {

void Timeline::add(TimelinePoint point, bool last) {
  const bool keep = ticks_++ % stride_ == 0;
  if (!keep && !last) return;
  points_.push_back(std::move(point));
  if (points_.size() <= max_points_) return;
  // Thin out: every other point, first one kept; sample half as often from now on.
  const bool newest_dropped = points_.size() % 2 == 0;
  TimelinePoint newest = points_.back();
  std::size_t out = 0;
  for (std::size_t i = 0; i < points_.size(); i += 2) points_[out++] = std::move(points_[i]);
  points_.resize(out);
  if (last && newest_dropped) points_.push_back(std::move(newest));
  stride_ *= 2;
}

}  // namespace loom::runtime
