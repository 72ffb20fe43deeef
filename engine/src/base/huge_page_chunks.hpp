// Fixed-size chunks carved from 2 MiB-aligned regions that the kernel is asked to back with huge
// pages (MADV_HUGEPAGE: THP's "madvise" mode, the common default, backs only such ranges). A fresh
// 4 KiB page costs a fault when first written; buffers a run fills once and reuses (batch arenas,
// decoded chunks) fault 512 times less on huge pages, and the kernel zeroes the same bytes either
// way.
//
// Freed chunks go to a free list; past `hot` of them, a freed chunk's memory is handed back to the
// kernel (MADV_DONTNEED), so a run's resident memory still falls when it frees many; the address
// range stays listed and is faulted in again when taken. Regions are never unmapped, and pools
// are never destroyed (a task may outlive statics).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

namespace loom {

class HugePageChunks {
 public:
  static constexpr std::size_t kRegionBytes = std::size_t{2} << 20;  // one huge page

  // chunk_bytes must divide kRegionBytes.
  HugePageChunks(std::size_t chunk_bytes, std::size_t hot) : chunk_bytes_(chunk_bytes), hot_(hot) {}
  HugePageChunks(const HugePageChunks&) = delete;
  HugePageChunks& operator=(const HugePageChunks&) = delete;

  // A chunk of chunk_bytes (its bytes undefined). Throws std::bad_alloc when the kernel refuses.
  char* take() {
    std::lock_guard lock(mutex_);
    if (!hot_list_.empty()) return pop(hot_list_);
    if (!cold_list_.empty()) return pop(cold_list_);
    char* region = map_region();
    for (std::size_t at = kRegionBytes - chunk_bytes_; at > 0; at -= chunk_bytes_)
      cold_list_.push_back(region + at);
    return region;
  }

  // Hands a chunk from take() back.
  void give_back(char* chunk) noexcept {
    if (chunk == nullptr) return;
    std::lock_guard lock(mutex_);
    try {
      if (hot_list_.size() < hot_) {
        hot_list_.push_back(chunk);
        return;
      }
      madvise(chunk, chunk_bytes_, MADV_DONTNEED);
      cold_list_.push_back(chunk);
    } catch (...) {  // push_back could not grow the list: the chunk stays mapped, unlisted
    }
  }

 private:
  static char* pop(std::vector<char*>& list) {
    char* chunk = list.back();
    list.pop_back();
    return chunk;
  }

  // A 2 MiB-aligned region: map twice its size, then unmap the parts outside the aligned one.
  static char* map_region() {
    void* mapped =
        mmap(nullptr, 2 * kRegionBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) throw std::bad_alloc();
    const auto begin = reinterpret_cast<std::uintptr_t>(mapped);
    const std::uintptr_t aligned = (begin + kRegionBytes - 1) & ~(kRegionBytes - 1);
    if (aligned > begin) munmap(mapped, aligned - begin);
    const std::uintptr_t end = begin + 2 * kRegionBytes;
    if (end > aligned + kRegionBytes)
      munmap(reinterpret_cast<void*>(aligned + kRegionBytes), end - (aligned + kRegionBytes));
    auto* region = reinterpret_cast<char*>(aligned);
    // Advice only: without transparent huge pages the region is ordinary memory.
    madvise(region, kRegionBytes, MADV_HUGEPAGE);
    return region;
  }

  const std::size_t chunk_bytes_;
  const std::size_t hot_;
  std::mutex mutex_;
  std::vector<char*> hot_list_;   // freed, still resident
  std::vector<char*> cold_list_;  // never used, or handed back to the kernel
};

}  // namespace loom
