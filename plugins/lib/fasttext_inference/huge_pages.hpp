// Memory for the classifier's big tables in 2 MB-aligned transparent huge pages where the kernel
// allows (madvise(MADV_HUGEPAGE) is a hint): the token cache and the kept n-gram rows are read
// at random across megabytes, and with 4 KB pages most of those reads would also need a page
// walk (the TLB holds a few megabytes of 4 KB pages, a few gigabytes of 2 MB ones).
#pragma once

#include <cstddef>
#include <memory>

namespace loom::fasttext_inference {

inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

// Zero-filled anonymous memory of at least `bytes`, starting on a 2 MB boundary, untouched until
// written (a cold cache costs only the pages it uses). Throws std::bad_alloc.
void* map_huge_pages(std::size_t bytes);
void unmap_huge_pages(void* memory, std::size_t bytes);

// An allocator for std::vector that puts allocations of a megabyte or more in huge pages and
// the rest on the heap.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr std::size_t min_bytes = std::size_t{1} << 20;

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding, as allocators do

  T* allocate(std::size_t n) {
    if (n * sizeof(T) >= min_bytes) return static_cast<T*>(map_huge_pages(n * sizeof(T)));
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) >= min_bytes)
      unmap_huge_pages(p, n * sizeof(T));
    else
      std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

}  // namespace loom::fasttext_inference
