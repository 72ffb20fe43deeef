// ccnet_line_dedup's duplicated lines past their memory budget (plugins/ccnet/duplicated_lines.hpp)
// against an in-memory set: in the compact tables, moved to the key map and spilled to many runs,
// every (group, hash) added answers duplicated, and no other does (the empty line per group too).
#include "duplicated_lines.hpp"

#include <doctest/doctest.h>

#include <loom/testing/files.hpp>

#include <cstdint>
#include <random>
#include <set>
#include <utility>
#include <vector>

using loom::ccnet::DuplicatedLines;

namespace {

using Key = std::pair<std::uint64_t, std::uint64_t>;  // (group, hash)

// Checks every key added, and as many never added (of the same groups, some of hash 0).
void check_against(const DuplicatedLines& lines, const std::set<Key>& added,
                   const std::vector<Key>& absent) {
  for (const auto& [group, hash] : added) REQUIRE(lines.group(group).duplicated(hash));
  for (const auto& [group, hash] : absent) REQUIRE_FALSE(lines.group(group).duplicated(hash));
  CHECK(lines.size() == added.size());
}

}  // namespace

TEST_CASE("duplicated lines: the same answers as a set, in memory and spilled") {
  const loom::testing::TempDir spill("duplicated-lines");
  std::mt19937_64 random(5);
  std::set<Key> added;
  std::vector<Key> order;  // the order added, repeats included
  for (int k = 0; k < 40000; ++k) {
    const std::uint64_t group = random() % 4;
    std::uint64_t hash = random();
    if (k % 500 == 0) hash = 0;
    if (k % 7 == 0 && !order.empty()) hash = order[random() % order.size()].second;
    if (group == 3 && hash == 0) continue;  // group 3's empty line is never duplicated
    order.emplace_back(group, hash);
    added.emplace(group, hash);
  }
  std::vector<Key> absent;
  for (const auto& [group, hash] : added) {
    const Key other{group, hash ^ 0x5555};
    if (!added.contains(other)) absent.push_back(other);
  }
  absent.emplace_back(3, 0);
  absent.emplace_back(9, 1234);  // a group never added

  for (const std::size_t budget :
       {std::size_t{64} << 20, std::size_t{256} << 10, std::size_t{16} << 10}) {
    CAPTURE(budget);
    DuplicatedLines lines(budget, spill.path());
    for (const auto& [group, hash] : order) lines.add(group, hash);
    if (budget == std::size_t{64} << 20) {
      CHECK_FALSE(lines.spilled());
    } else {
      REQUIRE(lines.spilled());
      if (budget == std::size_t{16} << 10) CHECK(lines.spills() > 10);
    }
    check_against(lines, added, absent);
    // Adding again (the exchange's marks of lines already duplicated) changes nothing.
    for (std::size_t i = 0; i < order.size(); i += 3) lines.add(order[i].first, order[i].second);
    check_against(lines, added, absent);
  }
}
