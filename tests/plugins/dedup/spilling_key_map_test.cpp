// SpillingKeyMap (plugins/lib/spill), the dedup state of exact_dedup: with a budget small enough
// to spill many sorted runs, the same answers as an in-memory set, in the same order.
#include <doctest/doctest.h>

#include <loom/testing/files.hpp>

#include <spill/spilling_key_map.hpp>

#include <algorithm>
#include <filesystem>
#include <random>
#include <unordered_map>
#include <vector>

using loom::spill::Key128;
using loom::spill::SpillingKeyMap;

namespace {

struct KeyHash {
  std::size_t operator()(const Key128& k) const { return k.low ^ (k.high * 31); }
};

// A private parent for spill folders, removed with everything in it.
struct ScratchFolder {
  loom::testing::TempDir dir{"spilling-key-map"};
  const std::filesystem::path& path = dir.path();
  std::size_t files() const {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(path))
      n += e.is_regular_file() ? 1 : 0;
    return n;
  }
};

// Random keys, a third of them repeats of earlier ones (sometimes long after: spilled by then).
std::vector<Key128> random_keys(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<Key128> keys;
  for (std::size_t i = 0; i < count; ++i) {
    if (!keys.empty() && random() % 3 == 0)
      keys.push_back(keys[random() % keys.size()]);
    else
      keys.push_back(Key128{random(), random()});
  }
  return keys;
}

}  // namespace

TEST_CASE("insert and find answer as an unordered map does, under budget and past it") {
  ScratchFolder scratch;
  const std::vector<Key128> keys = random_keys(200'000, 7);
  for (const std::size_t budget : {std::size_t{1} << 30, std::size_t{4096}, std::size_t{100'000}}) {
    CAPTURE(budget);
    SpillingKeyMap map(budget, scratch.path, "test");
    std::unordered_map<Key128, std::uint64_t, KeyHash> oracle;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const bool added = oracle.try_emplace(keys[i], i).second;
      REQUIRE(map.insert(keys[i], i) == added);
    }
    CHECK(map.size() == oracle.size());
    if (budget < 1'000'000) {
      CHECK(map.spills() > 10);
      CHECK(map.runs() < map.spills());  // runs were merged
      CHECK(scratch.files() >= map.runs());
    } else {
      CHECK(map.spills() == 0);
    }
    std::mt19937_64 random(99);
    for (std::size_t probe = 0; probe < 20'000; ++probe) {
      const Key128 absent{random(), random()};
      REQUIRE_FALSE(map.find(absent).has_value());
      const Key128& present = keys[random() % keys.size()];
      REQUIRE(map.find(present) == oracle.at(present));
    }
  }
  CHECK(scratch.files() == 0);  // the spill folders went with their maps
}

TEST_CASE("for_each_sorted walks every key once, in key order, with its first value, twice") {
  ScratchFolder scratch;
  const std::vector<Key128> keys = random_keys(50'000, 3);
  std::unordered_map<Key128, std::uint64_t, KeyHash> oracle;
  for (std::size_t i = 0; i < keys.size(); ++i) oracle.try_emplace(keys[i], i);
  std::vector<std::pair<Key128, std::uint64_t>> expected(oracle.begin(), oracle.end());
  std::sort(expected.begin(), expected.end());
  for (const std::size_t budget : {std::size_t{1} << 30, std::size_t{8192}}) {
    CAPTURE(budget);
    SpillingKeyMap map(budget, scratch.path, "test");
    for (std::size_t i = 0; i < keys.size(); ++i) map.insert(keys[i], i);
    for (int walk = 0; walk < 2; ++walk) {
      std::vector<std::pair<Key128, std::uint64_t>> walked;
      map.for_each_sorted([&](const Key128& k, std::uint64_t v) { walked.emplace_back(k, v); });
      CHECK(walked == expected);
    }
    CHECK_THROWS_AS(map.insert(Key128{1, 2}), std::logic_error);
  }
}

TEST_CASE("the zero key and keys sharing a slot are kept apart") {
  ScratchFolder scratch;
  SpillingKeyMap map(4096, scratch.path, "test");
  CHECK(map.insert(Key128{0, 0}, 1));
  CHECK_FALSE(map.insert(Key128{0, 0}, 2));
  for (std::uint64_t high = 1; high < 5000; ++high) CHECK(map.insert(Key128{high, 0}, high));
  CHECK(map.spills() > 0);
  CHECK(map.find(Key128{0, 0}) == 1u);
  CHECK(map.find(Key128{4999, 0}) == 4999u);
  CHECK_FALSE(map.insert(Key128{17, 0}, 0));
  CHECK_FALSE(map.find(Key128{5000, 0}).has_value());
}

TEST_CASE("a spill folder that cannot be made is an error naming it") {
  SpillingKeyMap map(4096, "/nonexistent/spill/parent", "test");
  std::mt19937_64 random(1);
  CHECK_THROWS_WITH_AS(
      [&] {
        for (int i = 0; i < 10'000; ++i) map.insert(Key128{random(), random()});
      }(),
      doctest::Contains("/nonexistent/spill/parent"), std::runtime_error);
}

TEST_CASE("a walk in steps visits what for_each_sorted visits, spilled or not") {
  for (const std::size_t budget : {std::size_t{2048}, std::size_t{1} << 24}) {
    CAPTURE(budget);
    ScratchFolder scratch;
    SpillingKeyMap stepped(budget, scratch.path, "test"), whole(budget, scratch.path, "test");
    std::mt19937_64 rng(budget);
    for (std::uint64_t i = 0; i < 5000; ++i) {
      const Key128 key{rng(), rng()};
      stepped.insert(key, i);
      whole.insert(key, i);
    }
    CHECK((budget > 4096 || stepped.runs() > 1));
    std::vector<std::pair<Key128, std::uint64_t>> want, got;
    whole.for_each_sorted([&](const Key128& k, std::uint64_t v) { want.emplace_back(k, v); });
    loom::spill::SortedWalk walk = stepped.walk_sorted();
    const std::uint64_t most = ~std::uint64_t{0};
    for (std::uint64_t step = 1; step <= 16; ++step)  // the last step's bound is the largest key
      walk.visit_through(Key128{most / 16 * step + (step == 16 ? 15 : 0), most},
                         [&](const Key128& k, std::uint64_t v) { got.emplace_back(k, v); });
    CHECK(want.size() == 5000);
    CHECK(got == want);
  }
}
