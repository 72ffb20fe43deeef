// The standard 1 MiB chunks of batch arenas (batch.hpp), carved from 2 MiB-aligned regions that the
// kernel is asked to back with huge pages (MADV_HUGEPAGE: THP's "madvise" mode, the common
// default, backs only such ranges). A batch kept for a second pass fills fresh chunks, and a fresh
// 4 KiB page costs a fault: 64 MiB of kept batches were 16,000 faults (about 0.03 CPU-s), and are
// 32 on huge pages (the kernel zeroes the same bytes either way).
//
// Freed chunks go to a free list (the next batch's arena writes into one a freed batch held);
// past kHot of them, a freed chunk's memory is handed back to the kernel (MADV_DONTNEED), so a
// run's resident memory still falls when its batches go; the address range stays listed and is
// faulted in again when taken. Regions are never unmapped (a task may outlive statics).
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
