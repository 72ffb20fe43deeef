// The standard 1 MiB chunks of batch arenas (batch.hpp), on huge pages (base/huge_page_chunks.hpp).
// A batch kept for a second pass fills fresh chunks: 64 MiB of kept batches were 16,000 faults
// on 4 KiB pages (about 0.03 CPU-s), and are 32 on huge pages.
#pragma once

#include <cstddef>

namespace loom::runtime::arena_chunks {

inline constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
// Freed chunks kept resident: the batches a pipeline holds at once at the default buffer sizes.
inline constexpr std::size_t kHot = 16;

// A chunk of kChunkBytes (its bytes undefined). Throws std::bad_alloc when the kernel refuses.
char* take();
// Hands a chunk from take() back.
void give_back(char* chunk) noexcept;

}  // namespace loom::runtime::arena_chunks
