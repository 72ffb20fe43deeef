#include "runtime/arena_chunks.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

namespace loom::runtime::arena_chunks {

namespace {

constexpr std::size_t kRegionBytes = std::size_t{2} << 20;  // one huge page, two chunks

class Pool {
 public:
  char* take() {
    std::lock_guard lock(mutex_);
    if (!hot_.empty()) return pop(hot_);
    if (!cold_.empty()) return pop(cold_);
    char* region = map_region();
    cold_.push_back(region + kChunkBytes);
    return region;
  }

  void give_back(char* chunk) noexcept {
    std::lock_guard lock(mutex_);
    try {
      if (hot_.size() < kHot) {
        hot_.push_back(chunk);
        return;
      }
      madvise(chunk, kChunkBytes, MADV_DONTNEED);
      cold_.push_back(chunk);
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

  std::mutex mutex_;
  std::vector<char*> hot_;   // freed, still resident
  std::vector<char*> cold_;  // never used, or handed back to the kernel
};

Pool& pool() {
  static auto* instance = new Pool;
  return *instance;
}

}  // namespace

char* take() { return pool().take(); }

void give_back(char* chunk) noexcept {
  if (chunk != nullptr) pool().give_back(chunk);
}

}  // namespace loom::runtime::arena_chunks
