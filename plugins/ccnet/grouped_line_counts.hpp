// ccnet_line_dedup's first-pass state within a memory budget: a DocumentLineCounts per group
// while the tables fit in half the budget (as before the budget existed); past it, every group's
// table goes to sorted runs on disk as (group, hash, documents) records and the tables start
// empty. finish() merges the runs: a (group, hash) whose documents add up to two or more is
// duplicated, and each group's table is rebuilt holding only its duplicated hashes, which is all
// the second pass asks. A document adds its distinct hashes to one table between two spills, so
// the documents summed over the runs (capped at 2) are what one unbounded table would count: the
// decisions, and so the output, do not depend on the budget.
#pragma once

#include "line_hash_table.hpp"

#include <spill/external_sorter.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <vector>

namespace loom::ccnet {

class GroupedLineCounts {
 public:
  // `memory_budget_bytes`: half for the tables, half for the sort buffer of their runs.
  // `spill_parent`: where the spill folder goes ("" = $TMPDIR, else /tmp). I/O errors throw
  // loom::Error (LOOM_ERR_IO) naming the file.
  GroupedLineCounts(std::size_t memory_budget_bytes, std::filesystem::path spill_parent);

  // One document's line hashes (sorted and made unique in place) into its group.
  void add_document(std::uint64_t group, std::vector<std::uint64_t>& hashes);
  // Ends the first pass (idempotent): after a spill, merges the runs into the duplicated sets.
  void finish();

  // The group's table, or nullptr when no document of it was added.
  const DocumentLineCounts* find(std::uint64_t group) const;
  std::vector<std::uint64_t> groups() const;
  // After finish(): each (group, hash) of `wanted` groups with the documents that had it (1, or
  // 2 for two or more), the same order on every call (table order; group and hash order once
  // spilled). Then mark_duplicated for the hashes the job's documents have twice.
  // With `first_hash` and `last_hash`: only the hashes between them (a part of the exchange;
  // once spilled, each call merges the runs again).
  using Visit = std::function<void(std::uint64_t group, std::uint64_t hash, std::uint8_t)>;
  void for_each(const std::set<std::uint64_t>& wanted, const Visit& visit) {
    for_each(wanted, 0, ~std::uint64_t{0}, visit);
  }
  void for_each(const std::set<std::uint64_t>& wanted, std::uint64_t first_hash,
                std::uint64_t last_hash, const Visit& visit);
  // Safe to call from within for_each's visit.
  void mark_duplicated(std::uint64_t group, std::uint64_t hash);
  // After finish(): the distinct (group, hash) of the `wanted` groups.
  std::uint64_t distinct_lines(const std::set<std::uint64_t>& wanted) const;

  bool spilled() const { return spilled_; }

 private:
  struct Record {
    std::uint64_t hash;
    std::uint64_t group_and_documents;  // group << 8 | documents (1 or 2)
  };
  struct RecordLess {
    bool operator()(const Record& a, const Record& b) const {
      const std::uint64_t group_a = a.group_and_documents >> 8;
      const std::uint64_t group_b = b.group_and_documents >> 8;
      return group_a != group_b ? group_a < group_b : a.hash < b.hash;
    }
  };

  void spill();
  void for_each_merged(const Visit& visit);

  std::size_t table_budget_bytes_;
  std::size_t table_bytes_ = 0;
  std::map<std::uint64_t, DocumentLineCounts> groups_;
  spill::ExternalSorter<Record, RecordLess> runs_;
  bool spilled_ = false;
  bool finished_ = false;
  // Once spilled, per group (the tables then hold only the duplicated hashes).
  std::map<std::uint64_t, std::uint64_t> merged_distinct_;
};

}  // namespace loom::ccnet
