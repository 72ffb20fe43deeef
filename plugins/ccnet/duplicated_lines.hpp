// The lines (group, hash) that two or more documents have, as ccnet_line_dedup's second pass asks
// for them once its line tables have spilled (grouped_line_counts.hpp), within a memory budget:
// half of it for a compact table per group (10 to 15 bytes per line, as the line tables); past
// that, every line moves to a SpillingKeyMap (spill/spilling_key_map.hpp) of the other half,
// whose sorted runs on disk keep a Bloom filter and a sparse index in memory (about 1.3 bytes a
// line), so a lookup of a line not duplicated rarely reads the disk and one of a duplicated line
// reads one block. The second pass visits documents in input order, not key order, so it looks
// lines up one at a time (a lookup per line; the cost is measured in docs/bench.md, 2026-12-07).
// Whether the empty line (hash 0) is duplicated stays in memory per group: it is the most frequent
// line.
#pragma once

#include "line_hash_table.hpp"

#include <spill/spilling_key_map.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace loom::ccnet {

// The lines reach a DuplicatedLines in hash order (a merge's), and both its tables place a hash by
// its value: stored as they come, sorted insertions would pile up in one long probe cluster. So
// a line is stored as spread(hash), a bijection (splitmix64's finalizer) that keeps 0 at 0 (the
// empty line's hash) and scatters consecutive hashes.
inline std::uint64_t spread(std::uint64_t hash) {
  hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9ULL;
  hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBULL;
  return hash ^ (hash >> 31);
}

// The key map's key of (group, spread hash): both halves well mixed (the table's slot and the
// runs' Bloom filter take them as they are), and distinct for distinct lines (the high half gives
// the hash, the low half then the group). The low half, which picks the slot, is spread again:
// the tables hand their lines over in slot order, which is spread-hash order.
inline spill::Key128 line_key(std::uint64_t group, std::uint64_t spread_hash) {
  return spill::Key128{spread_hash, spread(spread_hash ^ (group * 0x9E3779B97F4A7C15ULL))};
}

// process()'s question for one group: is this line duplicated? Either one in-memory table (the
// group's line counts, before any spill, or a DuplicatedLines's table of spread hashes) or the
// group's share of a DuplicatedLines's key map.
class DuplicatedInGroup {
 public:
  DuplicatedInGroup() = default;
  // `spread_hashes`: the table holds spread(hash).
  DuplicatedInGroup(const DocumentLineCounts* table, bool spread_hashes)
      : table_(table), spread_hashes_(spread_hashes) {}
  DuplicatedInGroup(const spill::SpillingKeyMap* spilled, std::uint64_t group,
                    bool empty_line_duplicated)
      : spilled_(spilled), group_(group), empty_line_duplicated_(empty_line_duplicated) {}

  bool duplicated(std::uint64_t hash) const {
    if (table_ != nullptr) return table_->duplicated(spread_hashes_ ? spread(hash) : hash);
    if (hash == 0) return empty_line_duplicated_;
    return spilled_ != nullptr && spilled_->find(line_key(group_, spread(hash))).has_value();
  }
  // A hint that duplicated(hash) comes soon (DocumentLineCounts::prefetch).
  void prefetch(std::uint64_t hash) const {
    if (table_ != nullptr) table_->prefetch(spread_hashes_ ? spread(hash) : hash);
  }

 private:
  const DocumentLineCounts* table_ = nullptr;
  bool spread_hashes_ = false;
  const spill::SpillingKeyMap* spilled_ = nullptr;
  std::uint64_t group_ = 0;
  bool empty_line_duplicated_ = false;
};

class DuplicatedLines {
 public:
  // `spill_parent`: where the spill folder goes ("" = $TMPDIR, else /tmp). I/O errors throw
  // std::runtime_error naming the run file (wrap in spill::with_spill_errors).
  DuplicatedLines(std::size_t memory_budget_bytes, std::filesystem::path spill_parent);

  // Adds the line as duplicated (again is harmless).
  void add(std::uint64_t group, std::uint64_t hash);
  DuplicatedInGroup group(std::uint64_t group) const;

  std::uint64_t size() const { return lines_; }
  // Whether the lines moved to the key map, and how many runs it wrote.
  bool spilled() const { return spilled_.has_value(); }
  std::size_t spills() const { return spilled_ ? spilled_->spills() : 0; }

 private:
  void move_to_key_map();

  std::size_t table_budget_bytes_;
  std::size_t key_map_budget_bytes_;
  std::filesystem::path spill_parent_;
  std::size_t table_bytes_ = 0;
  std::uint64_t lines_ = 0;
  std::map<std::uint64_t, DocumentLineCounts> tables_;  // until they outgrow their half
  std::optional<spill::SpillingKeyMap> spilled_;        // then every line but the empty one
  std::set<std::uint64_t> empty_line_groups_;           // groups whose empty line is duplicated
};

}  // namespace loom::ccnet
