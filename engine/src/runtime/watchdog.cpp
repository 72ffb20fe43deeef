#include "runtime/watchdog.hpp"

#include <algorithm>

namespace loom::runtime {

Watchdog::Watchdog(double limit_seconds, Callback on_timeout)
    : limit_seconds_(limit_seconds), on_timeout_(std::move(on_timeout)) {
  if (limit_seconds_ > 0) thread_ = std::thread([this] { loop(); });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Watchdog::Scope::Scope(Watchdog& dog, const void* node, const void* shard) : dog_(&dog) {
  if (dog.limit_seconds_ <= 0) return;
  std::lock_guard lock(dog.mutex_);
  id_ = dog.next_id_++;
  dog.calls_.emplace(id_, Call{node, shard, std::chrono::steady_clock::now()});
}

Watchdog::Scope::~Scope() {
  if (id_ == 0) return;
  std::lock_guard lock(dog_->mutex_);
  dog_->calls_.erase(id_);
}

void Watchdog::loop() {
  // Checks a few times per limit (at most every second), so a stall is seen soon after it
  // passes the limit.
  const auto period = std::chrono::duration<double>(std::clamp(limit_seconds_ / 4, 0.01, 1.0));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, period);
    if (stopping_ || fired_) continue;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& [id, call] : calls_) {
      const double seconds = std::chrono::duration<double>(now - call.start).count();
      if (seconds < limit_seconds_) continue;
      fired_ = true;
      const Call stalled = call;
      lock.unlock();
      on_timeout_(stalled.node, stalled.shard, seconds);
      lock.lock();
      break;
    }
  }
}

}  // namespace loom::runtime
