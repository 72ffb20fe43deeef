#include "huge_pages.hpp"

#include <cstdint>
#include <new>

#include <sys/mman.h>

namespace loom::fasttext_inference {
namespace {

std::size_t round_up(std::size_t bytes) {
  return (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
}

}  // namespace

void* map_huge_pages(std::size_t bytes) {
  // mmap aligns to 4 KB only: map a huge page more than needed and return the unaligned ends.
  const std::size_t size = round_up(bytes);
  const std::size_t reserved = size + huge_page_bytes;
  void* memory =
      mmap(nullptr, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(memory);
  const std::uintptr_t aligned = (start + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
  if (aligned > start) munmap(memory, aligned - start);
  if (const std::uintptr_t end = start + reserved; end > aligned + size)
    munmap(reinterpret_cast<void*>(aligned + size), end - aligned - size);
  madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);  // only a hint
  return reinterpret_cast<void*>(aligned);
}

void unmap_huge_pages(void* memory, std::size_t bytes) {
  if (memory != nullptr) munmap(memory, round_up(bytes));
}

}  // namespace loom::fasttext_inference
