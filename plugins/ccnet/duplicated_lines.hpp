// The lines (group, hash) that two or more documents have, as ccnet_line_dedup's second pass asks
// for them once its line tables have spilled (grouped_line_counts.hpp), within a memory budget:
// half of it for a compact table per group (10 to 15 bytes per line, as the line tables); past
// that, every line moves to a SpillingKeyMap (spill/spilling_key_map.hpp) of the other half,
// whose sorted runs on disk keep a Bloom filter and a sparse index in memory (about 1.3 bytes a
// line), so a lookup of a line not duplicated rarely reads the disk and one of a duplicated line
// reads one block. The second pass visits documents in input order, not key order, so it looks
// lines up one at a time. Whether the empty line (hash 0) is duplicated stays in memory per group:
// it is the most frequent line.
#pragma once

#include "line_hash_table.hpp"

#include <spill/spilling_key_map.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace loom::ccnet {

// process()'s question for one group: is this line duplicated? Either one in-memory table (the
// group's line counts, before any spill) or the group's share of a DuplicatedLines.
class DuplicatedInGroup {
 public:
  DuplicatedInGroup() = default;
  explicit DuplicatedInGroup(const DocumentLineCounts* table) : table_(table) {}
  DuplicatedInGroup(const spill::SpillingKeyMap* spilled, std::uint64_t group,
                    bool empty_line_duplicated)
      : spilled_(spilled), group_(group), empty_line_duplicated_(empty_line_duplicated) {}

  bool duplicated(std::uint64_t hash) const {
    if (table_ != nullptr) return table_->duplicated(hash);
    if (hash == 0) return empty_line_duplicated_;
    return spilled_ != nullptr && spilled_->find(spill::Key128{group_, hash}).has_value();
  }

 private:
  const DocumentLineCounts* table_ = nullptr;
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
