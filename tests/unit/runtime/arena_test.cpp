// A batch arena's standard 1 MiB chunks are recycled: the next batch's arena writes into the chunk
// a freed batch held (no fresh mapping and page faults per batch), while bytes shared between
// arenas stay alive as long as one of them does.
#include "runtime/batch.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

using loom::runtime::Arena;

TEST_CASE(
    "arena: a freed arena's chunk is the next arena's, shared chunks are not recycled early") {
  const char* first = nullptr;
  {
    Arena arena;
    first = arena.store("first batch").data();
    CHECK(arena.bytes_held() == std::size_t{1} << 20);
  }
  Arena next;
  const std::string_view text = next.store("second batch");
  CHECK(text.data() == first);
  CHECK(text == "second batch");

  // A copy that shares `held`'s chunk keeps it (and its bytes) after `held` is gone.
  auto held = std::make_unique<Arena>();
  const std::string_view kept = held->store(std::string(1000, 'k'));
  Arena sharer;
  sharer.share(*held);
  held.reset();
  Arena another;
  const std::string_view other = another.store(std::string(1000, 'o'));
  CHECK(other.data() != kept.data());
  CHECK(kept == std::string(1000, 'k'));
  CHECK(sharer.contains(kept.data()));

  // A chunk larger than the standard size is its own block, not taken from the list.
  Arena large;
  const std::string big(3 << 20, 'b');
  CHECK(large.store(big) == big);
  CHECK(large.bytes_held() == big.size());
}
