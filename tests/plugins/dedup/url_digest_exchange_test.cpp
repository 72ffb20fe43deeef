// UrlDigestExchange, url_digest_dedup's key exchange: R simulated ranks, each an index of whole
// files (ranks in file order, as rank_share gives them), their rounds merged as the engine's owner
// merge does, must keep exactly the URLs one index of the whole input keeps, whether the keys go
// in one part or, within a tiny budget, in many, and whether the indexes spill or not; the graph
// test dedup_spill_cc_mpi runs the real exchange.
#include <doctest/doctest.h>

#include "merged_rounds.hpp"

#include <url_digest_exchange.hpp>

#include <memory>
#include <random>
#include <string>
#include <vector>

using loom::KeyExport;
using loom::MergedKeys;
using loom::dedup::UrlDigestExchange;
using loom::dedup::UrlDigestIndex;

namespace {

struct Record {
  std::string url, digest;
};
using Files = std::vector<std::vector<Record>>;

// `files` files of about `records` records in all, URLs repeated within and across files.
Files make_files(std::uint64_t seed, std::size_t files, std::size_t records, std::size_t urls,
                 std::size_t digests) {
  std::mt19937_64 rng(seed);
  Files out(files);
  for (std::size_t i = 0; i < records; ++i)
    out[rng() % files].push_back(
        {"u" + std::to_string(rng() % urls), "d" + std::to_string(rng() % digests)});
  return out;
}

std::size_t rank_of(std::size_t file, std::size_t ranks, std::size_t files) {
  return file * ranks / files;
}

struct Exchanged {
  std::vector<bool> kept;  // per record, in input order
  std::size_t parts = 0, rounds = 0;
};

// Each file is its own shard; `index_budget` for the indexes, `round_budget` for a round.
Exchanged exchange(const Files& files, std::size_t ranks, std::size_t index_budget,
                   std::size_t round_budget) {
  std::vector<std::unique_ptr<UrlDigestIndex>> index(ranks);
  for (auto& i : index) i = std::make_unique<UrlDigestIndex>(index_budget);
  std::vector<std::uint64_t> first_shard(ranks, 0);
  std::vector<bool> observed(ranks, false);
  for (std::size_t f = 0; f < files.size(); ++f) {
    const std::size_t r = rank_of(f, ranks, files.size());
    for (const Record& record : files[f]) {
      index[r]->observe("f" + std::to_string(f), record.url, record.digest);
      if (!observed[r]) first_shard[r] = f;
      observed[r] = true;
    }
  }
  std::vector<std::unique_ptr<UrlDigestExchange>> rank(ranks);
  for (std::size_t r = 0; r < ranks; ++r)
    rank[r] = std::make_unique<UrlDigestExchange>(*index[r], first_shard[r], round_budget);
  Exchanged out;
  out.rounds = run_rounds(
      ranks, [&](std::size_t r, KeyExport& exported) { rank[r]->export_keys(exported); },
      [&](std::size_t r, const MergedKeys& merged) { rank[r]->import_keys(merged); });
  for (std::size_t r = 0; r < ranks; ++r) {
    CHECK(rank[r]->done());
    CHECK(rank[r]->parts() == rank[0]->parts());
  }
  out.parts = rank[0]->parts();
  for (std::size_t f = 0; f < files.size(); ++f)
    for (const Record& record : files[f])
      out.kept.push_back(index[rank_of(f, ranks, files.size())]->keeps(record.url));
  return out;
}

// One index over the whole input.
std::vector<bool> whole(const Files& files) {
  UrlDigestIndex index;
  for (std::size_t f = 0; f < files.size(); ++f)
    for (const Record& record : files[f])
      index.observe("f" + std::to_string(f), record.url, record.digest);
  index.decide();
  std::vector<bool> kept;
  for (const auto& file : files)
    for (const Record& record : file) kept.push_back(index.keeps(record.url));
  return kept;
}

constexpr std::size_t kUnbounded = std::size_t{1} << 30;

}  // namespace

TEST_CASE(
    "url_digest_dedup's exchange on 2 and 3 ranks: one index's decision in one part or "
    "many, in memory or spilled") {
  const Files files = make_files(42, 9, 8000, 3000, 1500);
  const std::vector<bool> want = whole(files);
  std::size_t removed = 0;
  for (const bool k : want) removed += k ? 0 : 1;
  REQUIRE(removed > 1000);  // digests shared across files and ranks: the test means something
  REQUIRE(removed < want.size() / 2);
  for (const std::size_t ranks : {2, 3}) {
    // 4 KB of index: the records, dicts and key sets spill to many runs.
    for (const std::size_t index_budget : {kUnbounded, std::size_t{4096}}) {
      CAPTURE(ranks);
      CAPTURE(index_budget);
      const Exchanged one = exchange(files, ranks, index_budget, kUnbounded);
      CHECK(one.parts == 1);
      CHECK(one.rounds == 3);  // the size round, one digest part, one URL part
      CHECK(one.kept == want);

      // 4 KB a round: about 50 keys of the busiest rank's (up to 3000) a part.
      const Exchanged many = exchange(files, ranks, index_budget, 4096);
      CHECK(many.parts > 10);
      CHECK(many.rounds == 1 + 2 * many.parts);
      CHECK(many.kept == want);
    }
  }
}

TEST_CASE("url_digest_dedup's exchange over random small inputs, ranks without records included") {
  std::mt19937_64 rng(12345);
  for (int trial = 0; trial < 300; ++trial) {
    CAPTURE(trial);
    const Files files = make_files(rng(), 1 + rng() % 6, rng() % 40, 1 + rng() % 8, 1 + rng() % 6);
    const std::size_t ranks = 1 + rng() % 4;
    const std::size_t index_budget = trial % 2 == 0 ? kUnbounded : 1;
    const std::size_t round_budget = trial % 3 == 0 ? kUnbounded : 32 + rng() % 200;
    CHECK(exchange(files, ranks, index_budget, round_budget).kept == whole(files));
  }
}

TEST_CASE("url_digest_dedup's exchange refuses a shard index it cannot order") {
  UrlDigestIndex index;
  CHECK_THROWS_AS(UrlDigestExchange(index, std::uint64_t{1} << 24, 1024), std::invalid_argument);
}
