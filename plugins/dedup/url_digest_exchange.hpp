// url_digest_dedup across the ranks of a distributed run (docs/guides/scale-out.md), after the
// round that checks no file spans ranks: the job's first entry of each digest, then the URLs some
// rank keeps, each in key-range parts so a round's records stay within the budget whatever the
// rank's share (as FirstShardExchange does for exact_dedup):
//   size     one record of a fixed key: its position, the complement of this rank's most keys
//            (first digests or distinct URLs; the smallest position wins, so every rank learns
//            the job's largest), so all ranks compute the same number of parts P.
//   digests  P rounds: part p the digests whose high 64 bits are up to the (p+1)-th P-quantile,
//            each at its first entry's position in the job's walk (this rank's first shard, then
//            the entry's index in its walk); the rank whose position is the smallest won it.
//   urls     P rounds likewise: each distinct URL at position 0 if this rank keeps it, else 1; a
//            URL is kept where the merged position is 0.
// The index hands its keys over as walks in key order (UrlDigestIndex), on disk past its budget.
#pragma once

#include "url_digest_index.hpp"

#include <loom/sdk/key_exchange.hpp>

#include <cstdint>
#include <optional>

namespace loom::dedup {

class UrlDigestExchange {
 public:
  // A part round's bytes per key: its exported record (32) in the SDK's KeyExport and again in
  // the engine's buffer, and its merged summary (16).
  static constexpr std::size_t kRoundBytes = 80;
  // A position is the rank's first shard above this many bits of walk index.
  static constexpr int kWalkBits = 40;

  // `first_shard`: the shard of the first record the index observed (0 if none);
  // `memory_budget_bytes`: for one part round's records. The index must outlive the exchange.
  // Throws std::invalid_argument when positions could not order the job's records (a shard
  // index past 2^24 here, 2^40 records or more in the first export).
  UrlDigestExchange(UrlDigestIndex& index, std::uint64_t first_shard,
                    std::size_t memory_budget_bytes);

  void export_keys(KeyExport& out);
  void import_keys(const MergedKeys& in);

  bool sized() const { return phase_ != Phase::size; }
  bool done() const { return phase_ == Phase::done; }
  // The most keys any rank has (once sized), and the parts of each of the two key phases.
  std::uint64_t most_keys() const { return most_keys_; }
  std::size_t parts() const { return parts_; }

 private:
  enum class Phase { size, digests, urls, done };
  spill::Key128 last_key_of_part() const;
  void start_phase(Phase phase);

  UrlDigestIndex& index_;
  std::uint64_t base_;
  std::size_t memory_budget_bytes_;
  Phase phase_ = Phase::size;
  std::size_t parts_ = 1, part_ = 0;
  std::uint64_t most_keys_ = 0;
  std::uint64_t exported_ = 0;  // records in the current round
  // Two walks of the same keys: one exports a part, the other reads its summaries back.
  std::optional<spill::SortedWalk> export_walk_, import_walk_;
};

}  // namespace loom::dedup
