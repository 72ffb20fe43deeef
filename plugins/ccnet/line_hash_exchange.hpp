// ccnet_line_dedup across the ranks of a distributed run (docs/guides/scale-out.md): a line the
// job's documents have twice is duplicated everywhere, so each rank sends every (group, line
// hash) of its groups that span ranks, with how many of its documents have it (1, or 2 for two
// or more), and marks those whose counts over the job add up to two.
//
// The records go in key-range parts, so a round's records stay within the budget whatever the
// rank's share (as exact_dedup's FirstShardExchange):
//   groups  one 8-byte record per group of this rank: a merged count above 1 means it spans ranks.
//   size    one record of a fixed key: its position, the complement of this rank's distinct
//           (group, hash) of spanning groups (the smallest position wins: every rank learns the
//           largest count), so all ranks compute the same number of parts.
//   parts   part p of P: the (group, hash) of the spanning groups whose hash is up to the
//           (p+1)-th P-quantile of the 64-bit range (spill/exchange_parts.hpp), from one walk
//           that goes on where the last part stopped (once spilled, the runs are merged once over
//           all parts); the part's lines are kept until its summaries come back and mark the
//           duplicated.
#pragma once

#include "grouped_line_counts.hpp"

#include <loom/sdk/key_exchange.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

namespace loom::ccnet {

class LineHashExchange {
 public:
  // A part round's bytes per key: its exported record (32) in the SDK's KeyExport and again in
  // the engine's buffer, its merged summary (16) and the line kept for it here (16).
  static constexpr std::size_t kRoundBytes = 96;

  // `lines`: finished; it gets the job's duplicated hashes. `memory_budget_bytes`: for one part
  // round's records.
  LineHashExchange(GroupedLineCounts& lines, std::size_t memory_budget_bytes)
      : lines_(lines), memory_budget_bytes_(memory_budget_bytes) {}

  void export_keys(KeyExport& out);
  void import_keys(const MergedKeys& in);

  bool sized() const { return phase_ == Phase::parts || phase_ == Phase::done; }
  bool done() const { return phase_ == Phase::done; }
  // The most distinct (group, hash) of spanning groups any rank has (once sized).
  std::uint64_t most_keys() const { return most_keys_; }
  // How many part rounds the records take (1 until the size round is in).
  std::size_t parts() const { return parts_; }

 private:
  enum class Phase { groups, size, parts, done };

  GroupedLineCounts& lines_;
  std::size_t memory_budget_bytes_;
  Phase phase_ = Phase::groups;
  std::set<std::uint64_t> spanning_;  // groups with shards on other ranks too
  std::size_t parts_ = 1, part_ = 0;
  std::uint64_t most_keys_ = 0;
  std::uint64_t exported_ = 0;  // records in the current round
  struct PartLine {
    std::uint64_t hash;
    std::uint64_t group_and_documents;  // group << 8 | documents (1 or 2)
  };
  std::optional<GroupedLineCounts::Walk> walk_;  // from the first part to the last
  std::vector<PartLine> part_lines_;             // the current part's, in the order exported
};

}  // namespace loom::ccnet
