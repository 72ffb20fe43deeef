#include "runtime/arena_chunks.hpp"

#include "base/huge_page_chunks.hpp"

namespace loom::runtime::arena_chunks {

namespace {

static_assert(HugePageChunks::kRegionBytes % kChunkBytes == 0);

HugePageChunks& pool() {
  static auto* instance = new HugePageChunks(kChunkBytes, kHot);
  return *instance;
}

}  // namespace

char* take() { return pool().take(); }

void give_back(char* chunk) noexcept { pool().give_back(chunk); }

}  // namespace loom::runtime::arena_chunks
