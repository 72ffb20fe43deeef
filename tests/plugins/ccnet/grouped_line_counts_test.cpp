// ccnet_line_dedup's line tables past their memory budget (plugins/ccnet/grouped_line_counts.hpp)
// against the unbounded ones, on random SHA-1-like hashes in 3 groups: with a budget small enough
// for many spills and sorted runs, the duplicated hashes, the key exchange's walk (each (group,
// hash) once, with the documents that had it) and its marks are those of the in-memory tables.
#include "grouped_line_counts.hpp"

#include <doctest/doctest.h>

#include <loom/testing/files.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

using loom::ccnet::GroupedLineCounts;

namespace {

using Key = std::pair<std::uint64_t, std::uint64_t>;  // (group, hash)

// Adds the same random documents (repeats across documents, groups and within a document, and
// the empty line's hash 0) to each table.
void add_documents(std::vector<GroupedLineCounts*> tables) {
  std::mt19937_64 random(12);
  std::vector<std::uint64_t> pool;
  for (int doc = 0; doc < 3000; ++doc) {
    std::vector<std::uint64_t> hashes;
    for (int line = 0; line < 40; ++line) {
      const std::uint64_t r = random();
      std::uint64_t hash = r;
      if (!pool.empty() && r % 3 == 0) hash = pool[r % pool.size()];
      if (r % 97 == 0) hash = 0;
      if (r % 89 == 0 && !hashes.empty()) hash = hashes.front();
      hashes.push_back(hash);
      if (pool.size() < 20000) pool.push_back(hash);
    }
    const std::uint64_t group = static_cast<std::uint64_t>(doc % 3);
    for (GroupedLineCounts* table : tables) {
      std::vector<std::uint64_t> copy = hashes;
      table->add_document(group, copy);
    }
  }
  for (GroupedLineCounts* table : tables) table->finish();
}

std::map<Key, std::uint8_t> walk(GroupedLineCounts& table, const std::set<std::uint64_t>& wanted,
                                 std::vector<Key>* order = nullptr) {
  std::map<Key, std::uint8_t> out;
  table.for_each(wanted, [&](std::uint64_t group, std::uint64_t hash, std::uint8_t documents) {
    CHECK(out.emplace(Key{group, hash}, documents).second);  // each (group, hash) once
    if (order) order->emplace_back(group, hash);
  });
  return out;
}

}  // namespace

TEST_CASE("grouped line counts: a tiny budget spills and decides as the unbounded tables") {
  const loom::testing::TempDir spill("grouped-line-counts");
  GroupedLineCounts unbounded(std::size_t{1} << 30, spill.path());
  GroupedLineCounts bounded(64 * 1024, spill.path());  // many table spills and sorted runs
  add_documents({&unbounded, &bounded});
  CHECK_FALSE(unbounded.spilled());
  REQUIRE(bounded.spilled());
  CHECK(bounded.duplicated().spilled());  // the duplicated lines outgrew their half too
  CHECK(bounded.groups() == unbounded.groups());

  // The key exchange's walk: the same (group, hash) with the same documents, in a stable order.
  const std::set<std::uint64_t> wanted{0, 2};
  std::vector<Key> first_order, second_order;
  const auto expected = walk(unbounded, wanted);
  const auto got = walk(bounded, wanted, &first_order);
  CHECK(got == expected);
  walk(bounded, wanted, &second_order);
  CHECK(first_order == second_order);
  // The exchange's walk in hash-range parts: the same records in the same order as at once.
  for (GroupedLineCounts* table : {&unbounded, &bounded}) {
    std::vector<Key> at_once, in_parts;
    walk(*table, wanted, &at_once);
    GroupedLineCounts::Walk parts = table->walk(wanted);
    const auto add = [&](std::uint64_t group, std::uint64_t hash, std::uint8_t) {
      in_parts.emplace_back(group, hash);
    };
    for (std::uint64_t part = 1; part <= 7; ++part)
      parts.visit_through(~std::uint64_t{0} / 7 * part, add);
    parts.visit_through(~std::uint64_t{0}, add);
    parts.visit_through(~std::uint64_t{0}, add);  // past the end: nothing more
    if (table == &bounded) {
      CHECK(in_parts == at_once);
    } else {  // the tables' order within each part
      CHECK(std::set<Key>(in_parts.begin(), in_parts.end()) ==
            std::set<Key>(at_once.begin(), at_once.end()));
      CHECK(in_parts.size() == at_once.size());
    }
  }
  std::size_t duplicated = 0;
  for (const auto& [key, documents] : walk(unbounded, {0, 1, 2})) duplicated += documents == 2;
  CHECK(duplicated > 1000);

  // process()'s question, on every hash added and on some never added.
  std::set<std::uint64_t> all{0, 1, 2};
  for (const auto& [key, documents] : walk(unbounded, all)) {
    CHECK(bounded.duplicated_in(key.first).duplicated(key.second) == (documents == 2));
    CHECK(unbounded.duplicated_in(key.first).duplicated(key.second) == (documents == 2));
  }
  std::mt19937_64 random(99);
  for (int k = 0; k < 1000; ++k) CHECK_FALSE(bounded.duplicated_in(k % 3).duplicated(random() | 1));
  CHECK_FALSE(bounded.duplicated_in(7).duplicated(expected.begin()->first.second));

  // The import's marks: hashes seen once here become duplicated, in both.
  int marked = 0;
  for (const auto& [key, documents] : expected) {
    if (documents != 1 || ++marked > 50) continue;
    CHECK_FALSE(bounded.duplicated_in(key.first).duplicated(key.second));
    unbounded.mark_duplicated(key.first, key.second);
    bounded.mark_duplicated(key.first, key.second);
    CHECK(bounded.duplicated_in(key.first).duplicated(key.second));
    CHECK(unbounded.duplicated_in(key.first).duplicated(key.second));
  }
  CHECK(marked > 50);
}

TEST_CASE("grouped line counts: a spill folder that cannot be made is an I/O error naming it") {
  GroupedLineCounts bounded(1024, "/nonexistent-grouped-line-counts");
  std::vector<std::uint64_t> hashes;
  for (std::uint64_t h = 1; h < 2000; ++h) hashes.push_back(h * 0x9E3779B97F4A7C15ULL);
  CHECK_THROWS_WITH(bounded.add_document(0, hashes),
                    doctest::Contains("/nonexistent-grouped-line-counts"));
}
