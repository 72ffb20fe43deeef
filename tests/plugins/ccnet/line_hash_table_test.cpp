// ccnet_line_dedup's line hash table (plugins/ccnet/line_hash_table.hpp) against std::map on
// random SHA-1-like hashes, across many growths of its parts: a hash two documents have is
// duplicated, one document's repeats are not, for_each visits every hash once with its state,
// and mark_duplicated flags only hashes the table has.
#include "line_hash_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

using loom::ccnet::DocumentLineCounts;

TEST_CASE("line hash table: the same answers as a map, across growth") {
  std::mt19937_64 random(16);
  DocumentLineCounts table;
  std::map<std::uint64_t, int> documents_with;  // the reference
  std::vector<std::uint64_t> pool;              // earlier hashes, to make duplicates
  for (int doc = 0; doc < 4000; ++doc) {
    std::vector<std::uint64_t> hashes;
    for (int line = 0; line < 60; ++line) {
      const std::uint64_t r = random();
      std::uint64_t hash = r;
      if (!pool.empty() && r % 4 == 0) hash = pool[r % pool.size()];  // seen in another doc
      if (r % 97 == 0) hash = 0;                                      // the empty line
      if (r % 89 == 0 && !hashes.empty()) hash = hashes.front();      // repeated in this doc
      hashes.push_back(hash);
    }
    std::vector<std::uint64_t> distinct = hashes;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    for (const std::uint64_t h : distinct) ++documents_with[h];
    for (const std::uint64_t h : distinct)
      if (pool.size() < 50000) pool.push_back(h);
    table.add_document(hashes);
  }
  CHECK(table.size() == documents_with.size() - (documents_with.contains(0) ? 1 : 0));
  std::size_t duplicated = 0;
  for (const auto& [hash, count] : documents_with) {
    CHECK(table.duplicated(hash) == (count >= 2));
    duplicated += count >= 2;
  }
  CHECK(duplicated > 1000);
  CHECK(duplicated < documents_with.size() / 2);
  CHECK_FALSE(table.duplicated(0x1234567890abcdefULL));  // never added

  std::map<std::uint64_t, int> visited;
  table.for_each([&](std::uint64_t hash, std::uint8_t state) {
    CHECK(visited.emplace(hash, state).second);
    CHECK(state == (documents_with.at(hash) >= 2 ? 2 : 1));
  });
  CHECK(visited.size() == documents_with.size());

  // The key exchange's import: a hash seen once here becomes duplicated.
  std::uint64_t once = 0;
  for (const auto& [hash, count] : documents_with)
    if (count == 1 && hash != 0) once = hash;
  REQUIRE(once != 0);
  table.mark_duplicated(once);
  CHECK(table.duplicated(once));
  table.mark_duplicated(0x0fedcba987654321ULL);  // not in the table: still not there
  CHECK_FALSE(table.duplicated(0x0fedcba987654321ULL));
  CHECK(table.size() == documents_with.size() - (documents_with.contains(0) ? 1 : 0));
}
