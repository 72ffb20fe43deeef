// exact_dedup across the ranks of a distributed run (docs/guides/scale-out.md): each distinct
// key with the first shard that has it on this rank, resolved over the whole job through the
// engine's key exchange (per key: the smallest shard over all ranks).
//
// The keys wait in a SpillingKeyMap (in memory up to the budget, then on disk) and go out in
// key order, in parts, so a round's records stay within the budget whatever the rank's share:
//   size    one record of a fixed key: its position, the complement of this rank's key count
//           (the smallest position wins: every rank learns the largest count), so all ranks
//           compute the same number of parts.
//   parts   part p of P: the keys whose high 64 bits are up to the (p+1)-th P-quantile of their
//           range (keys are hashes, so spread evenly), with their first shard; the summary of
//           each says whether a lower rank has it, read back in the same key order.
#pragma once

#include <loom/sdk/key_exchange.hpp>
#include <spill/spilling_key_map.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace loom::dedup {

class FirstShardExchange {
 public:
  // A part round's bytes per key: its exported record (32) in the SDK's KeyExport and again in
  // the engine's buffer, and its merged summary (16).
  static constexpr std::size_t kRoundBytes = 80;

  // `memory_budget_bytes`: for the keys in memory and for one part round's records each.
  FirstShardExchange(std::size_t memory_budget_bytes, std::filesystem::path spill_dir,
                     std::string who);

  // Notes a key of a document of shard `shard`, observed in input order.
  void note(const spill::Key128& key, std::uint64_t shard) { first_shard_.insert(key, shard); }

  void export_keys(KeyExport& out);
  // `lower_rank_has(key)` for each key of this rank that a lower rank (an earlier shard) has.
  void import_keys(const MergedKeys& in,
                   const std::function<void(const spill::Key128&)>& lower_rank_has);

  bool sized() const { return phase_ != Phase::size; }
  bool done() const { return phase_ == Phase::done; }
  // The most keys any rank has (once sized).
  std::uint64_t most_keys() const { return most_keys_; }
  // How many part rounds the keys took (1 until the size round is in).
  std::size_t parts() const { return parts_; }

 private:
  enum class Phase { size, parts, done };
  spill::Key128 last_key_of_part() const;

  std::string who_;
  std::size_t memory_budget_bytes_;
  spill::SpillingKeyMap first_shard_;
  Phase phase_ = Phase::size;
  std::size_t parts_ = 1, part_ = 0;
  std::uint64_t most_keys_ = 0;
  std::uint64_t exported_ = 0;  // records in the current round
  // Two walks of the same keys: one exports a part, the other reads its summaries back.
  std::optional<spill::SortedWalk> export_walk_, import_walk_;
};

}  // namespace loom::dedup
