// A batch arena's standard 1 MiB chunks are recycled: the next batch's arena writes into the chunk
// a freed batch held (no fresh mapping and page faults per batch), while bytes shared between
// arenas stay alive as long as one of them does; fresh ones come on huge pages (arena_chunks.hpp).
// A batch kept for a second pass is a copy that packs its sparse chunks.
#include "runtime/arena_chunks.hpp"
#include "runtime/batch.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
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

TEST_CASE("batch: a packed copy shares the full chunks and packs the sparse one's bytes") {
  using loom::runtime::Batch;
  Batch batch;
  batch.seq = 7;
  // Nearly a whole standard chunk, then a document that spills into a second, mostly empty one.
  const std::string big((1 << 20) - 10, 'a');
  const std::string small = "the last document";
  loom::runtime::Document& first = batch.append();
  batch.set_text(first, big);
  loom::runtime::Document& last = batch.append();
  batch.set_text(last, small);
  batch.set_meta(
      last, "url",
      loom_value{.type = LOOM_VALUE_STRING, .as = {.s = loom_str{"http://x.test/", 14}}});
  batch.set_meta(last, "nlines", loom_value{.type = LOOM_VALUE_INT, .as = {.i = 3}});
  batch.drop(last, "a_reason");
  REQUIRE(batch.arena.bytes_held() == std::size_t{2} << 20);

  const auto copy = batch.packed_copy(64 << 10);
  CHECK(copy->seq == 7);
  CHECK(copy->memory_bytes() < batch.memory_bytes() - (1 << 19));
  CHECK(copy->arena.bytes_held() < (std::size_t{1} << 20) + 1024);
  REQUIRE(copy->docs.size() == 2);
  const loom::runtime::Document& first_copy = copy->docs[0];
  const loom::runtime::Document& last_copy = copy->docs[1];
  CHECK(first_copy.batch == copy.get());
  CHECK(first_copy.text.data() == first.text.data());  // the full chunk is shared
  CHECK(last_copy.text.data() != last.text.data());    // the sparse one's bytes were copied
  CHECK(first_copy.text == big);
  CHECK(last_copy.text == small);
  CHECK(last_copy.drop_reason == "a_reason");
  const auto* url = copy->find_meta(last_copy, "url");
  REQUIRE(url != nullptr);
  CHECK(std::string_view(url->value.as.s.data, url->value.as.s.size) == "http://x.test/");
  CHECK(copy->arena.contains(url->value.as.s.data));
  CHECK(!batch.arena.contains(url->value.as.s.data));
  CHECK(copy->find_meta(last_copy, "nlines")->value.as.i == 3);

  // A chunk another batch shares (its owner may still be filling it) is shared, not packed.
  const auto selected = batch.select([](const loom::runtime::Document&) { return true; });
  const auto of_selected = selected->packed_copy(64 << 10);
  CHECK(of_selected->docs[1].text.data() == last.text.data());
  CHECK(of_selected->docs[1].text == small);

  // The copy stands alone once the batch is gone, and grows in chunks of its own.
  batch = Batch{};
  const std::string_view added = copy->arena.store("more");
  CHECK(added == "more");
  CHECK(copy->docs[0].text == big);
  CHECK(copy->docs[1].text == small);
}

TEST_CASE("arena chunks: 1 MiB-aligned halves of huge-page regions, reused once given back") {
  namespace chunks = loom::runtime::arena_chunks;
  // More than the resident free list keeps, so that some are handed back to the kernel.
  constexpr std::size_t kCount = 2 * chunks::kHot + 3;
  std::set<char*> first;
  for (std::size_t i = 0; i < kCount; ++i) {
    char* chunk = chunks::take();
    CHECK(reinterpret_cast<std::uintptr_t>(chunk) % chunks::kChunkBytes == 0);
    std::memset(chunk, static_cast<int>(i), chunks::kChunkBytes);  // all of it is writable
    CHECK(chunk[chunks::kChunkBytes - 1] == static_cast<char>(i));
    first.insert(chunk);
  }
  CHECK(first.size() == kCount);
  for (char* chunk : first) chunks::give_back(chunk);
  std::set<char*> again;
  for (std::size_t i = 0; i < kCount; ++i) {
    char* chunk = chunks::take();
    std::memset(chunk, 0x5a, chunks::kChunkBytes);
    CHECK(chunk[0] == 0x5a);
    again.insert(chunk);
  }
  CHECK(again == first);  // no new memory while freed chunks are listed
  for (char* chunk : again) chunks::give_back(chunk);
}
