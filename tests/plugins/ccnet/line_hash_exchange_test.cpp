// ccnet_line_dedup's exchange across ranks (plugins/ccnet/line_hash_exchange.hpp): R simulated
// ranks (each a contiguous run of shards, as rank_share gives them), their rounds merged as the
// engine's owner merge does, must each mark exactly the (group, line hash) that two documents of
// the job have, whether the records go in one part or, within a tiny budget, in many, and
// whether the line tables stayed in memory or spilled; the graph tests
// tests/graphs/dedup_spill.sh (cc_mpi) and mpi_dedup_common_crawl run the real exchange.
#include "line_hash_exchange.hpp"
#include "grouped_line_counts.hpp"
#include "merged_rounds.hpp"

#include <doctest/doctest.h>

#include <loom/testing/files.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

using loom::KeyExport;
using loom::MergedKeys;
using loom::ccnet::GroupedLineCounts;
using loom::ccnet::LineHashExchange;

namespace {

struct Document {
  std::uint64_t shard;
  std::vector<std::uint64_t> hashes;  // repeats allowed, the empty line's 0 among them
};

constexpr std::size_t kShards = 6;

std::vector<Document> make_documents() {
  std::mt19937_64 random(7);
  std::vector<std::uint64_t> pool;
  std::vector<Document> out;
  for (std::size_t d = 0; d < 1200; ++d) {
    Document doc{d * kShards / 1200, {}};
    for (int line = 0; line < 25; ++line) {
      const std::uint64_t r = random();
      std::uint64_t hash = r;
      if (!pool.empty() && r % 4 == 0) hash = pool[r % pool.size()];
      if (r % 101 == 0) hash = 0;
      if (r % 53 == 0 && !doc.hashes.empty()) hash = doc.hashes.front();
      doc.hashes.push_back(hash);
      if (pool.size() < 4000) pool.push_back(hash);
    }
    out.push_back(std::move(doc));
  }
  return out;
}

std::size_t rank_of(std::uint64_t shard, std::size_t ranks) { return shard * ranks / kShards; }

std::uint64_t group_of(std::uint64_t shard, std::uint64_t group_shards) {
  return group_shards == 0 ? 0 : shard / group_shards;
}

using Key = std::pair<std::uint64_t, std::uint64_t>;  // (group, hash)

// Per (group, hash): whether two documents of the job have it.
std::map<Key, bool> expected(const std::vector<Document>& docs, std::uint64_t group_shards) {
  std::map<Key, int> documents;
  for (const Document& doc : docs) {
    const std::set<std::uint64_t> distinct(doc.hashes.begin(), doc.hashes.end());
    for (const std::uint64_t hash : distinct)
      ++documents[{group_of(doc.shard, group_shards), hash}];
  }
  std::map<Key, bool> out;
  for (const auto& [key, count] : documents) out[key] = count >= 2;
  return out;
}

struct Exchanged {
  std::vector<std::map<Key, bool>> duplicated;  // per rank, each (group, hash) it has
  std::size_t parts = 0, rounds = 0;
  bool duplicated_spilled = false;  // on some rank, the duplicated lines went to disk too
};

Exchanged exchange(const std::vector<Document>& docs, std::size_t ranks, std::uint64_t group_shards,
                   std::size_t table_budget_bytes, std::size_t exchange_budget_bytes) {
  const loom::testing::TempDir dir("line-hash-exchange");
  std::vector<std::unique_ptr<GroupedLineCounts>> lines(ranks);
  for (auto& l : lines) l = std::make_unique<GroupedLineCounts>(table_budget_bytes, dir.path());
  std::vector<std::set<Key>> has(ranks);
  for (const Document& doc : docs) {
    const std::size_t rank = rank_of(doc.shard, ranks);
    const std::uint64_t group = group_of(doc.shard, group_shards);
    std::vector<std::uint64_t> hashes = doc.hashes;
    lines[rank]->add_document(group, hashes);
    for (const std::uint64_t hash : hashes) has[rank].insert({group, hash});
  }
  std::vector<std::unique_ptr<LineHashExchange>> rank(ranks);
  for (std::size_t r = 0; r < ranks; ++r) {
    lines[r]->finish();
    rank[r] = std::make_unique<LineHashExchange>(*lines[r], exchange_budget_bytes);
  }
  Exchanged out;
  out.rounds = run_rounds(
      ranks, [&](std::size_t r, KeyExport& exported) { rank[r]->export_keys(exported); },
      [&](std::size_t r, const MergedKeys& merged) { rank[r]->import_keys(merged); });
  out.duplicated.resize(ranks);
  for (std::size_t r = 0; r < ranks; ++r) {
    CHECK(rank[r]->done());
    CHECK(rank[r]->parts() == rank[0]->parts());
    for (const auto& [group, hash] : has[r])
      out.duplicated[r][{group, hash}] = lines[r]->duplicated_in(group).duplicated(hash);
    out.duplicated_spilled = out.duplicated_spilled || lines[r]->duplicated().spilled();
  }
  out.parts = rank[0]->parts();
  return out;
}

}  // namespace

TEST_CASE(
    "ccnet_line_dedup's exchange on 2 and 3 ranks: the same duplicated lines in one part "
    "or many, in memory or spilled") {
  const std::vector<Document> docs = make_documents();
  for (const std::uint64_t group_shards : {0, 2}) {
    const std::map<Key, bool> want = expected(docs, group_shards);
    for (const std::size_t ranks : {2, 3}) {
      CAPTURE(group_shards);
      CAPTURE(ranks);
      std::vector<std::map<Key, bool>> want_per_rank(ranks);
      for (const Document& doc : docs)
        for (const std::uint64_t hash : doc.hashes) {
          const Key key{group_of(doc.shard, group_shards), hash};
          want_per_rank[rank_of(doc.shard, ranks)][key] = want.at(key);
        }
      // Lines that only the exchange can find duplicated (one document on each of two ranks):
      // the test means something (with group_shards 2 on 3 ranks no group spans ranks).
      std::size_t across = 0;
      for (const auto& [key, duplicated] : want_per_rank[0])
        if (duplicated && want_per_rank[1].contains(key)) ++across;
      if (!(group_shards == 2 && ranks == 3)) REQUIRE(across > 100);

      const Exchanged whole =
          exchange(docs, ranks, group_shards, std::size_t{1} << 30, std::size_t{1} << 30);
      CHECK(whole.parts == 1);
      CHECK(whole.rounds == 3);  // the groups and size rounds and one part
      CHECK(whole.duplicated == want_per_rank);

      // 4 KB a round: about 50 records of the busiest rank's thousands a part.
      const std::size_t budget = 4096;
      const Exchanged parted = exchange(docs, ranks, group_shards, std::size_t{1} << 30, budget);
      std::map<std::uint64_t, std::set<std::size_t>> ranks_of;  // per group
      for (const Document& doc : docs)
        ranks_of[group_of(doc.shard, group_shards)].insert(rank_of(doc.shard, ranks));
      std::size_t most = 0;  // distinct (group, hash) of spanning groups on the busiest rank
      for (const auto& keys : want_per_rank)
        most = std::max<std::size_t>(most, std::count_if(keys.begin(), keys.end(), [&](auto& k) {
                                       return ranks_of[k.first.first].size() > 1;
                                     }));
      CHECK(parted.parts ==
            std::max<std::size_t>(1, (most * LineHashExchange::kRoundBytes + budget - 1) / budget));
      if (group_shards == 2 && ranks == 3) {
        CHECK(parted.parts == 1);  // no group spans ranks: nothing to exchange
      } else {
        CHECK(parted.parts > 10);
      }
      CHECK(parted.rounds == parted.parts + 2);
      CHECK(parted.duplicated == whole.duplicated);

      // Line tables spilled to many sorted runs (64 KB), exchanged in many parts (one walk of
      // the runs), the duplicated lines spilled too.
      const Exchanged spilled = exchange(docs, ranks, group_shards, 64 * 1024, budget);
      CHECK(spilled.parts == parted.parts);
      CHECK(spilled.duplicated_spilled);
      CHECK(spilled.duplicated == whole.duplicated);
      // Spilled line tables, but the duplicated lines in memory (1 MB: no more than 3 spills).
      const Exchanged tables_only = exchange(docs, ranks, group_shards, 1 << 20, budget);
      CHECK_FALSE(tables_only.duplicated_spilled);
      CHECK(tables_only.duplicated == whole.duplicated);
    }
  }
}
