// FirstShardExchange, exact_dedup's key exchange: R simulated ranks (each a contiguous run of
// shards, as rank_share gives them), their rounds merged as the engine's owner merge does, must
// each learn exactly the keys a lower rank has, whether the keys go in one part or, within a
// tiny budget (spilled to many runs), in many; the graph tests tests/graphs/dedup_spill.sh and
// mpi_dedup_github run the real exchange.
#include <doctest/doctest.h>

#include "merged_rounds.hpp"

#include <xxhash.h>
#include <first_shard_exchange.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <vector>

using loom::KeyExport;
using loom::MergedKeys;
using loom::dedup::FirstShardExchange;
using loom::spill::Key128;

namespace {

struct Document {
  std::uint64_t shard;
  Key128 key;
};

// `docs` documents in shard order over `shards` shards, their keys from `key_space` values.
std::vector<Document> make_documents(std::uint64_t seed, std::size_t docs, std::size_t shards,
                                     std::uint64_t key_space) {
  std::mt19937_64 rng(seed);
  std::vector<Document> out;
  for (std::size_t d = 0; d < docs; ++d) {
    const std::uint64_t value = rng() % key_space;
    const XXH128_hash_t hash = XXH3_128bits(&value, sizeof value);
    out.push_back(Document{rng() % shards, Key128{hash.high64, hash.low64}});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Document& x, const Document& y) { return x.shard < y.shard; });
  return out;
}

std::size_t rank_of(std::uint64_t shard, std::size_t ranks, std::size_t shards) {
  return static_cast<std::size_t>(shard * ranks / shards);
}

// Per rank, the keys it has that an earlier shard (a lower rank) has too, sorted.
std::vector<std::vector<Key128>> expected(const std::vector<Document>& docs, std::size_t ranks,
                                          std::size_t shards) {
  std::map<Key128, std::uint64_t> first_shard;  // over the job
  for (const Document& d : docs) first_shard.try_emplace(d.key, d.shard);
  std::vector<std::vector<Key128>> out(ranks);
  for (const Document& d : docs) {
    const std::size_t rank = rank_of(d.shard, ranks, shards);
    if (rank_of(first_shard.at(d.key), ranks, shards) < rank) out[rank].push_back(d.key);
  }
  for (auto& keys : out) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  }
  return out;
}

struct Exchanged {
  std::vector<std::vector<Key128>> lower_rank_has;
  std::size_t parts = 0, rounds = 0;
};

Exchanged exchange(const std::vector<Document>& docs, std::size_t ranks, std::size_t shards,
                   std::size_t budget_bytes) {
  std::vector<std::unique_ptr<FirstShardExchange>> rank(ranks);
  for (auto& r : rank) r = std::make_unique<FirstShardExchange>(budget_bytes, "", "test");
  for (const Document& d : docs) rank[rank_of(d.shard, ranks, shards)]->note(d.key, d.shard);
  Exchanged out;
  out.lower_rank_has.resize(ranks);
  out.rounds = run_rounds(
      ranks, [&](std::size_t r, KeyExport& exported) { rank[r]->export_keys(exported); },
      [&](std::size_t r, const MergedKeys& merged) {
        rank[r]->import_keys(merged,
                             [&](const Key128& key) { out.lower_rank_has[r].push_back(key); });
      });
  for (std::size_t r = 0; r < ranks; ++r) {
    CHECK(rank[r]->done());
    CHECK(rank[r]->parts() == rank[0]->parts());
    CHECK(std::is_sorted(out.lower_rank_has[r].begin(), out.lower_rank_has[r].end()));
  }
  out.parts = rank[0]->parts();
  return out;
}

}  // namespace

TEST_CASE("exact_dedup's exchange on 2 and 3 ranks: the same keys in one part or many") {
  const std::size_t shards = 7;
  const std::vector<Document> docs = make_documents(42, 6000, shards, 2500);
  for (const std::size_t ranks : {2, 3}) {
    CAPTURE(ranks);
    const auto want = expected(docs, ranks, shards);
    std::size_t shared = 0;
    for (const auto& keys : want) shared += keys.size();
    REQUIRE(shared > 100);  // keys that span ranks: the test means something

    const Exchanged whole = exchange(docs, ranks, shards, std::size_t{1} << 30);
    CHECK(whole.parts == 1);
    CHECK(whole.rounds == 2);  // the size round and one part
    CHECK(whole.lower_rank_has == want);

    // 4 KB: the keys spill to many runs, and a part holds about 50 keys of the busiest rank.
    const std::size_t budget = 4096;
    const Exchanged parted = exchange(docs, ranks, shards, budget);
    std::size_t most = 0;  // distinct keys of the busiest rank
    for (std::size_t r = 0; r < ranks; ++r) {
      std::vector<Key128> keys;
      for (const Document& d : docs)
        if (rank_of(d.shard, ranks, shards) == r) keys.push_back(d.key);
      std::sort(keys.begin(), keys.end());
      most = std::max<std::size_t>(most, std::unique(keys.begin(), keys.end()) - keys.begin());
    }
    CHECK(parted.parts == (most * FirstShardExchange::kRoundBytes + budget - 1) / budget);
    CHECK(parted.parts > 10);
    CHECK(parted.rounds == parted.parts + 1);
    CHECK(parted.lower_rank_has == want);
  }
}

TEST_CASE("exact_dedup's exchange with a rank that has no keys still takes every round") {
  // Shards 0 and 1 only, of 6: ranks 1 and 2 (of 3) observed nothing.
  std::vector<Document> docs = make_documents(7, 500, 2, 300);
  const Exchanged parted = exchange(docs, 3, 6, 2048);
  CHECK(parted.parts > 1);
  CHECK(parted.lower_rank_has == expected(docs, 3, 6));
}
