// MinhashExchange against one process's MinhashIndex: R simulated ranks (each a contiguous run of
// shards, as rank_share gives them), their rounds merged here as the engine's owner merge does
// (count summed, smallest position with its payload, ties to the lower rank), must name the
// same survivor for every document. Random band keys from a small key space make clusters that
// span ranks through chains; the graph test tests/graphs/mpi_minhash.sh runs the real exchange.
#include <doctest/doctest.h>

#include "merged_rounds.hpp"

#include <minhash_exchange.hpp>
#include <minhash_index.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

using loom::KeyExport;
using loom::MergedKeys;
using loom::dedup::MinhashExchange;
using loom::dedup::MinhashIndex;

namespace {

struct Corpus {
  std::size_t bands;
  std::vector<std::uint64_t> shard_of;           // per document
  std::vector<std::uint64_t> record_of;          // per document, in its shard
  std::vector<std::vector<std::uint64_t>> keys;  // per document: bands keys, or none
  std::size_t shards;
};

// `docs` documents over `shards` shards; each band's key from `key_space` values, so documents
// collide; one in ten has no keys (empty or dropped upstream).
Corpus make_corpus(std::uint64_t seed, std::size_t docs, std::size_t shards, std::size_t bands,
                   std::uint64_t key_space) {
  std::mt19937_64 rng(seed);
  Corpus c{bands, {}, {}, {}, shards};
  std::vector<std::size_t> per_shard(shards, 0);
  for (std::size_t d = 0; d < docs; ++d) per_shard[rng() % shards]++;
  for (std::size_t s = 0; s < shards; ++s)
    for (std::size_t r = 0; r < per_shard[s]; ++r) {
      c.shard_of.push_back(s);
      c.record_of.push_back(r * 2 + 1);  // records need not be consecutive
      std::vector<std::uint64_t> keys;
      if (rng() % 10 != 0)
        for (std::size_t b = 0; b < bands; ++b) keys.push_back(rng() % key_space * 7919 + b);
      c.keys.push_back(std::move(keys));
    }
  return c;
}

std::string shard_name(std::uint64_t s) { return "input/part-" + std::to_string(s) + ".jsonl"; }

// What each document's survivor is: (shard name, record), or ("", 0) when it survives.
using Outcome = std::vector<std::pair<std::string, std::uint64_t>>;

Outcome one_process(const Corpus& c) {
  MinhashIndex index(c.bands, 0, "");
  for (const auto& keys : c.keys) keys.empty() ? index.add_without_keys() : index.add(keys.data());
  index.resolve();
  Outcome out;
  for (std::uint32_t d = 0; d < c.keys.size(); ++d) {
    const std::uint32_t first = index.survivor(d);
    out.emplace_back(first == d ? "" : shard_name(c.shard_of[first]),
                     first == d ? 0 : c.record_of[first]);
  }
  return out;
}

struct Rank {
  std::unique_ptr<MinhashIndex> index;
  std::unique_ptr<MinhashExchange> exchange;
  std::vector<std::uint32_t> docs;  // global indices
};

struct Rounds {
  std::uint32_t labels = 0;
  std::size_t band_parts = 0;
  std::size_t label_parts = 0;
  std::uint64_t most_cross_keys = 0;
  std::size_t least_cross_key_spills = 0;  // of any rank
  std::size_t cross_key_spills = 0;        // of all ranks
};

// `budget_bytes`: the spill budget of each rank's index and the exchange's round budget.
Outcome ranks(const Corpus& c, std::size_t rank_count, std::size_t budget_bytes, Rounds& rounds) {
  std::vector<Rank> ranks(rank_count);
  for (std::size_t r = 0; r < rank_count; ++r) {
    ranks[r].index = std::make_unique<MinhashIndex>(c.bands, budget_bytes, "");
    ranks[r].exchange = std::make_unique<MinhashExchange>(*ranks[r].index, budget_bytes);
  }
  for (std::uint32_t d = 0; d < c.keys.size(); ++d) {
    Rank& rank = ranks[c.shard_of[d] * rank_count / c.shards];  // rank_share's contiguous runs
    c.keys[d].empty() ? rank.index->add_without_keys() : rank.index->add(c.keys[d].data());
    rank.exchange->note_document(c.shard_of[d], shard_name(c.shard_of[d]), c.record_of[d]);
    rank.docs.push_back(d);
  }
  for (std::uint32_t round = 0;; ++round) {
    REQUIRE(round < 1000);
    std::vector<KeyExport> exports(rank_count);
    for (std::size_t r = 0; r < rank_count; ++r) ranks[r].exchange->export_keys(round, exports[r]);
    for (std::size_t r = 1; r < rank_count; ++r) {  // every rank makes the same calls
      REQUIRE(exports[r].key_bytes() == exports[0].key_bytes());
      REQUIRE(exports[r].payload_bytes() == exports[0].payload_bytes());
      REQUIRE(exports[r].last() == exports[0].last());
    }
    const std::vector<std::string> replies = merge(exports);
    for (std::size_t r = 0; r < rank_count; ++r)
      ranks[r].exchange->import_keys(round, MergedKeys(replies[r], exports[r].payload_bytes()));
    if (exports[0].last()) break;
  }
  rounds.labels = ranks[0].exchange->label_rounds();
  rounds.band_parts = ranks[0].exchange->band_parts();
  rounds.label_parts = ranks[0].exchange->label_parts();
  rounds.most_cross_keys = 0;
  rounds.cross_key_spills = 0;
  rounds.least_cross_key_spills = ranks[0].exchange->cross_key_spills();
  for (const Rank& rank : ranks) {
    REQUIRE(rank.exchange->label_parts() == rounds.label_parts);
    rounds.most_cross_keys = std::max(rounds.most_cross_keys, rank.exchange->cross_keys());
    rounds.least_cross_key_spills =
        std::min(rounds.least_cross_key_spills, rank.exchange->cross_key_spills());
    rounds.cross_key_spills += rank.exchange->cross_key_spills();
  }
  REQUIRE(rounds.most_cross_keys == ranks[0].exchange->most_cross_keys());
  Outcome out(c.keys.size());
  for (const Rank& rank : ranks) {
    REQUIRE(rank.index->resolved());
    for (std::uint32_t local = 0; local < rank.docs.size(); ++local) {
      const std::uint32_t first = rank.index->survivor(local);
      const std::uint32_t d = rank.docs[local];
      if (const auto* remote = rank.exchange->remote_survivor(first)) {
        REQUIRE(remote->shard != nullptr);
        out[d] = {*remote->shard, remote->record};
      } else if (first != local) {
        out[d] = {shard_name(c.shard_of[rank.docs[first]]), c.record_of[rank.docs[first]]};
      }
    }
  }
  return out;
}

std::size_t dropped(const Outcome& o) {
  std::size_t n = 0;
  for (const auto& [shard, record] : o) n += !shard.empty();
  return n;
}

}  // namespace

TEST_CASE("minhash clusters across 2 to 5 simulated ranks are one process's") {
  for (const std::uint64_t seed : {1, 2, 3}) {
    // 600 documents, 3 bands of 1500 keys: about a third collide, in clusters of many sizes.
    const Corpus c = make_corpus(seed, 600, 11, 3, 1500);
    const Outcome expected = one_process(c);
    REQUIRE(dropped(expected) > 100);
    for (std::size_t r = 2; r <= 5; ++r) {
      CAPTURE(seed);
      CAPTURE(r);
      Rounds rounds;
      CHECK(ranks(c, r, 0, rounds) == expected);
      CHECK(rounds.labels >= 2);  // clusters span ranks: a change, then a round to learn the end
    }
  }
}

TEST_CASE("a chain through a document on a third rank joins clusters the first two do not") {
  // One band. Shards 0, 1, 2 on ranks 0, 1, 2. Doc A (shard 0) and C (shard 1) share nothing;
  // D (shard 2) shares key 1 with A and key 2 with C; E (shard 1) shares key 2 only.
  Corpus c{1, {0, 1, 1, 2}, {5, 0, 1, 3}, {{1}, {2}, {2}, {100}}, 3};
  c.keys[3] = {1};  // D first shares A's key only: C and E stay apart
  const Outcome apart = one_process(c);
  CHECK(apart[1].first.empty());
  CHECK(apart[2] == std::pair<std::string, std::uint64_t>{shard_name(1), 0});
  Rounds rounds;
  CHECK(ranks(c, 3, 0, rounds) == apart);
  // Two bands: D shares band 0 with A and band 1 with C: C and E now follow A, on rank 0.
  Corpus chained{2, {0, 1, 1, 2}, {5, 0, 1, 3}, {{1, 10}, {20, 2}, {30, 2}, {1, 2}}, 3};
  const Outcome joined = one_process(chained);
  for (std::size_t d = 1; d < 4; ++d)
    CHECK(joined[d] == std::pair<std::string, std::uint64_t>{shard_name(0), 5});
  CHECK(ranks(chained, 3, 0, rounds) == joined);
  CHECK(rounds.labels == 4);  // C learns A's label a round after D does, then two to see no change
}

TEST_CASE("spilled band runs, and bands exchanged in parts, give the same clusters") {
  const Corpus c = make_corpus(7, 800, 8, 4, 2000);
  const Outcome expected = one_process(c);
  Rounds rounds;
  // A run per ~30 documents; a band round's keys within 1920 bytes: about 35 keys per part.
  CHECK(ranks(c, 3, 16 * 4 * 30, rounds) == expected);
  std::vector<std::size_t> per_rank(3, 0);
  for (const std::uint64_t shard : c.shard_of) per_rank[shard * 3 / c.shards]++;
  const std::size_t most = *std::max_element(per_rank.begin(), per_rank.end());
  const std::size_t budget = 16 * 4 * 30;
  CHECK(rounds.band_parts == (most * MinhashExchange::kBandRoundBytes + budget - 1) / budget);
  CHECK(rounds.band_parts > 5);
  CHECK(ranks(c, 3, 0, rounds) == expected);
  CHECK(rounds.band_parts == 1);  // no budget: one round per band
}

TEST_CASE("spilled cross keys, and label rounds in key-range parts, give the same clusters") {
  Corpus c = make_corpus(11, 900, 9, 4, 1500);
  for (auto& keys : c.keys)  // bucket keys spread over the 64-bit range, as hashes are
    for (std::uint64_t& key : keys) key = key * 0x9e3779b97f4a7c15 ^ key >> 7;
  const Outcome expected = one_process(c);
  REQUIRE(dropped(expected) > 100);
  const std::size_t budget = 16 * 4 * 30;
  for (const std::size_t r : {2, 3, 5}) {
    CAPTURE(r);
    Rounds rounds;
    CHECK(ranks(c, r, budget, rounds) == expected);
    CHECK(rounds.band_parts > 5);
    // A label round's records within the budget: parts enough for the busiest rank's keys.
    CHECK(rounds.label_parts ==
          (rounds.most_cross_keys * MinhashExchange::kLabelRoundBytes + budget - 1) / budget);
    CHECK(rounds.label_parts > 10);
    CHECK(rounds.least_cross_key_spills >= 2);  // runs on disk past the budget, on every rank
    CHECK(rounds.labels >= 2);
    Rounds unbounded;
    CHECK(ranks(c, r, 0, unbounded) == expected);
    CHECK(unbounded.label_parts == 1);
    CHECK(unbounded.cross_key_spills == 0);
  }
}

TEST_CASE("ranks without documents take part in every round") {
  const Corpus c = make_corpus(9, 50, 2, 2, 20);
  const Outcome expected = one_process(c);
  Rounds rounds;
  CHECK(ranks(c, 4, 0, rounds) == expected);  // 2 shards on 4 ranks: two hold nothing
}

TEST_CASE("documents it cannot order across ranks fail the exchange, not the first pass") {
  MinhashIndex index(1, 0, "");
  MinhashExchange exchange(index, 0);
  const std::uint64_t key = 1;
  index.add(&key);
  exchange.note_document(3, "part-3", 0);
  index.add(&key);
  exchange.note_document(2, "part-2", 0);  // one process never needs the order: no error yet
  KeyExport out;
  CHECK_THROWS_WITH_AS(exchange.export_keys(0, out),
                       doctest::Contains("shard part-2 came after a later shard"),
                       std::runtime_error);
  index.resolve();  // as one process resolves: the first document survives
  CHECK(index.survivor(1) == 0);
}
