// Process-wide free lists of fixed-size buffers. A run opens a decoder, a file reader and a writer
// per shard and fills a batch arena per batch; a fresh buffer of 256 KiB or more is a mapping of
// its own (above malloc's mmap threshold, which glibc's per-thread heaps also give back to the
// kernel soon after a free), so each would cost a page fault per 4 KiB and the kernel's zeroing
// every time. Kept buffers are never freed: a task may outlive statics.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace loom {

template <std::size_t Bytes, std::size_t Kept>
class RecycledBuffers {
 public:
  static constexpr std::size_t kBytes = Bytes;

  static std::unique_ptr<char[]> take() {
    RecycledBuffers& pool = instance();
    {
      std::lock_guard lock(pool.mutex_);
      if (!pool.free_.empty()) {
        std::unique_ptr<char[]> buffer = std::move(pool.free_.back());
        pool.free_.pop_back();
        return buffer;
      }
    }
    return std::make_unique_for_overwrite<char[]>(Bytes);
  }

  static void give_back(std::unique_ptr<char[]> buffer) noexcept {
    if (!buffer) return;
    RecycledBuffers& pool = instance();
    std::lock_guard lock(pool.mutex_);
    if (pool.free_.size() < Kept) pool.free_.push_back(std::move(buffer));
  }

 private:
  RecycledBuffers() { free_.reserve(Kept); }
  static RecycledBuffers& instance() {
    static auto* pool = new RecycledBuffers;
    return *pool;
  }
  std::mutex mutex_;
  std::vector<std::unique_ptr<char[]>> free_;
};

}  // namespace loom
