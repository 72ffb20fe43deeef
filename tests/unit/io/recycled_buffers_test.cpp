// Recycled I/O buffers: a buffer handed back is the next one taken (no new mapping, no page
// faults for the next shard), and the free list keeps at most its bound.
#include "io/recycled_buffers.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <set>
#include <vector>

using namespace loom::io::internal;
using loom::RecycledBuffers;

TEST_CASE("recycled buffers: the last buffer handed back is the next taken, up to the bound") {
  using Pool = RecycledBuffers<4096, 3>;  // a size no other code uses: this test owns the list
  std::vector<std::unique_ptr<char[]>> held;
  for (int k = 0; k < 5; ++k) held.push_back(Pool::take());
  std::vector<const char*> addresses;
  for (const auto& buffer : held) addresses.push_back(buffer.get());
  std::memset(held[4].get(), 'x', 4096);                         // writable over its whole size
  for (auto& buffer : held) Pool::give_back(std::move(buffer));  // the last two are freed
  // Kept: the first three handed back, taken again last in, first out.
  for (int k = 0; k < 3; ++k) held[k] = Pool::take();  // held: malloc cannot hand them out again
  CHECK(held[0].get() == addresses[2]);
  CHECK(held[1].get() == addresses[1]);
  CHECK(held[2].get() == addresses[0]);
  Pool::give_back(nullptr);  // ignored, not kept as a buffer
  const std::unique_ptr<char[]> fresh = Pool::take();
  CHECK(fresh != nullptr);
  CHECK(std::set<const char*>{addresses[0], addresses[1], addresses[2]}.count(fresh.get()) == 0);
}

TEST_CASE("recycled buffers: an IoBuffer goes back to the list when it is destroyed or replaced") {
  const char* first = nullptr;
  {
    IoBuffer buffer;
    first = buffer.data();
    CHECK(IoBuffer::size() == kIoBufferBytes);
    buffer.data()[kIoBufferBytes - 1] = 'z';
  }
  IoBuffer again;
  CHECK(again.data() == first);
  IoBuffer other;
  const char* second = other.data();
  CHECK(second != first);
  other = std::move(again);  // other's own buffer goes back; it now holds the first
  CHECK(other.data() == first);
  IoBuffer next;
  CHECK(next.data() == second);
}
