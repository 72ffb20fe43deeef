// ccnet_line_dedup's first-pass hash queue (plugins/ccnet/first_pass_hashes.hpp): the second pass
// gets back exactly the hashes the first pass kept, in order and unsorted; past the capacity the
// later documents are not kept (and the earlier still are); a document that is not the next one
// kept gets nothing, and from then on no document does.
#include "first_pass_hashes.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using loom::ccnet::FirstPassHashes;

namespace {

struct Kept {
  std::string text;
  std::vector<std::uint64_t> hashes;
};

std::vector<Kept> documents(int count) {
  std::vector<Kept> out;
  for (int i = 0; i < count; ++i) {
    Kept d{"document " + std::to_string(i), {}};
    // Unsorted, with a repeat and the empty line's 0, as line_hashes gives them.
    for (int line = 0; line < 1 + i % 5; ++line)
      d.hashes.push_back(static_cast<std::uint64_t>((i * 7919 + line * 104729) % 1000) + 1);
    d.hashes.push_back(0);
    d.hashes.push_back(d.hashes.front());
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

TEST_CASE("the second pass takes back each document's hashes in the first pass's order") {
  const auto docs = documents(50);
  FirstPassHashes queue;
  for (const auto& d : docs) queue.keep(d.text, d.hashes);
  CHECK(queue.documents_kept() == docs.size());
  std::vector<std::uint64_t> taken;
  for (const auto& d : docs) {
    REQUIRE(queue.take(d.text, taken));
    CHECK(taken == d.hashes);
  }
  CHECK_FALSE(queue.take("one more", taken));
}

TEST_CASE("past the capacity later documents are not kept, earlier ones still are") {
  const auto docs = documents(40);
  // Room for about ten documents (16 bytes each plus 8 per hash).
  FirstPassHashes queue(10 * (16 + 8 * 5));
  for (const auto& d : docs) queue.keep(d.text, d.hashes);
  const std::size_t kept = queue.documents_kept();
  CHECK(kept >= 5);
  CHECK(kept < docs.size());
  std::vector<std::uint64_t> taken;
  for (std::size_t i = 0; i < kept; ++i) {
    REQUIRE(queue.take(docs[i].text, taken));
    CHECK(taken == docs[i].hashes);
  }
  taken = {42};
  CHECK_FALSE(queue.take(docs[kept].text, taken));
  CHECK(taken == std::vector<std::uint64_t>{42});  // untouched: the caller hashes it
}

TEST_CASE("a document that is not the next one kept gets nothing, nor does any after it") {
  const auto docs = documents(6);
  FirstPassHashes queue;
  for (const auto& d : docs) queue.keep(d.text, d.hashes);
  std::vector<std::uint64_t> taken;
  REQUIRE(queue.take(docs[0].text, taken));
  // Same size as document 1, other bytes: the fingerprint tells them apart.
  std::string other = docs[1].text;
  other.back() = other.back() == 'x' ? 'y' : 'x';
  CHECK_FALSE(queue.take(other, taken));
  CHECK_FALSE(queue.take(docs[1].text, taken));
  CHECK_FALSE(queue.take(docs[2].text, taken));
}
