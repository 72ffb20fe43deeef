// Puts deliveries back in input order: sequence number first, then input edge, so a node fed by
// several ports of one source sees, for each source batch, edge 0's part, then edge 1's, ...
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

namespace loom::runtime {

template <class Item>
class Reorderer {
 public:
  explicit Reorderer(std::uint32_t edges) : edges_(edges == 0 ? 1 : edges) {}

  // Stores the item and hands every item that is now next in order to `forward`, in order.
  // `forward` runs under the lock, so what it enqueues is enqueued in order.
  template <class Forward>
  void push(std::uint64_t seq, std::uint32_t edge, Item item, Forward&& forward) {
    std::lock_guard lock(mutex_);
    pending_.emplace(std::make_pair(seq, edge), std::move(item));
    while (!pending_.empty() && pending_.begin()->first == std::make_pair(next_seq_, next_edge_)) {
      forward(std::move(pending_.begin()->second));
      pending_.erase(pending_.begin());
      if (++next_edge_ == edges_) {
        next_edge_ = 0;
        ++next_seq_;
      }
    }
  }

  // A resumed run's first sequence number (before any push).
  void start_at(std::uint64_t seq) {
    std::lock_guard lock(mutex_);
    next_seq_ = seq;
  }

  std::size_t waiting() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::uint32_t edges_;
  std::uint64_t next_seq_ = 0;
  std::uint32_t next_edge_ = 0;
  std::map<std::pair<std::uint64_t, std::uint32_t>, Item> pending_;
};

}  // namespace loom::runtime
