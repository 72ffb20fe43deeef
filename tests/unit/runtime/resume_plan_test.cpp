// Where a resumed source starts, from the shard starts and sink positions a manifest recorded.
#include "runtime/resume_plan.hpp"
#include "runtime/resume.hpp"

#include <doctest/doctest.h>

using loom::runtime::plan_source_start;

TEST_CASE("a resumed source starts at the shard holding the oldest unwritten batch") {
  // Shards 4, 5, 6 (this task's share) started at batches 0, 10 and 25.
  const std::vector<std::uint64_t> shards{4, 5, 6};
  const std::map<std::uint64_t, std::uint64_t> starts{{4, 0}, {5, 10}, {6, 25}};

  auto start = plan_source_start(shards, starts, 14, false);  // batch 15 is in shard 5
  CHECK(start.position == 1);
  CHECK(start.seq == 10);
  CHECK(start.discard_through == 14);  // batches 10..14 are read again, not sent

  start = plan_source_start(shards, starts, 24, false);  // batch 25 opens shard 6
  CHECK(start.position == 2);
  CHECK(start.seq == 25);

  start = plan_source_start(shards, starts, 40, false);  // beyond what was opened
  CHECK(start.position == 2);
  CHECK(start.discard_through == 40);
}

TEST_CASE("nothing written, or an order-sensitive node downstream, restarts from zero") {
  const std::vector<std::uint64_t> shards{0, 1};
  const std::map<std::uint64_t, std::uint64_t> starts{{0, 0}, {1, 3}};
  for (const auto& start :
       {plan_source_start(shards, starts, -1, false), plan_source_start(shards, starts, 7, true)}) {
    CHECK(start.position == 0);
    CHECK(start.seq == 0);
    CHECK(start.discard_through == -1);
  }
}

TEST_CASE("the fingerprint changes with any byte") {
  loom::runtime::Fingerprint a, b, c;
  a.add("graph");
  a.add(std::uint64_t{1});
  b.add("graph");
  b.add(std::uint64_t{1});
  c.add("graph");
  c.add(std::uint64_t{2});
  CHECK(a.hex() == b.hex());
  CHECK(a.hex() != c.hex());
  CHECK(a.hex().size() == 32);
}
