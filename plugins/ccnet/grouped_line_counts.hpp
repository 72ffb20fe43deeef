// ccnet_line_dedup's first-pass state within a memory budget: a DocumentLineCounts per group
// while the tables fit in half the budget (as before the budget existed); past it, every group's
// table goes to sorted runs on disk as (hash, group, documents) records and the tables start
// empty. finish() merges the runs once: a (group, hash) whose documents add up to two or more is
// duplicated, and goes to a DuplicatedLines (duplicated_lines.hpp) within the other half of the
// budget, which is all the second pass asks. A document adds its distinct hashes to one table
// between two spills, so the documents summed over the runs (capped at 2) are what one unbounded
// table would count: the decisions, and so the output, do not depend on the budget.
#pragma once

#include "duplicated_lines.hpp"
#include "line_hash_table.hpp"

#include <spill/external_sorter.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace loom::ccnet {

class GroupedLineCounts {
 public:
  // `memory_budget_bytes`: half for the tables, half for the sort buffer of their runs (then for
  // the read blocks of their merge); once spilled, half for the lines found twice.
  // `spill_parent`: where the spill folder goes ("" = $TMPDIR, else /tmp). I/O errors throw
  // loom::Error (LOOM_ERR_IO) naming the file.
  GroupedLineCounts(std::size_t memory_budget_bytes, std::filesystem::path spill_parent);

  // One document's line hashes (sorted and made unique in place) into its group.
  void add_document(std::uint64_t group, std::vector<std::uint64_t>& hashes);
  // Ends the first pass (idempotent): after a spill, merges the runs into the duplicated sets.
  void finish();

  // After finish(): process()'s question for the group (no line is duplicated in a group
  // without documents).
  DuplicatedInGroup duplicated_in(std::uint64_t group) const;
  std::vector<std::uint64_t> groups() const;

  using Visit = std::function<void(std::uint64_t group, std::uint64_t hash, std::uint8_t)>;

 private:
  struct Record {
    std::uint64_t hash;
    std::uint64_t group_and_documents;  // group << 8 | documents (1 or 2)
  };
  struct RecordLess {  // by hash, then group: the key exchange's parts are hash ranges
    bool operator()(const Record& a, const Record& b) const {
      if (a.hash != b.hash) return a.hash < b.hash;
      return (a.group_and_documents >> 8) < (b.group_and_documents >> 8);
    }
  };
  using Sorter = spill::ExternalSorter<Record, RecordLess>;

 public:
  // After finish(): each (group, hash) of the wanted groups with the documents that had it (1, or
  // 2 for two or more), in hash ranges that follow each other: each visit_through() goes on where
  // the last one stopped, so once spilled the runs are merged once over all the calls (a read
  // block per run). The same order on every walk. Then mark_duplicated for the hashes the job's
  // documents have twice. The GroupedLineCounts must outlive it.
  class Walk {
   public:
    void visit_through(std::uint64_t last_hash, const Visit& visit);

   private:
    friend class GroupedLineCounts;
    Walk(GroupedLineCounts& lines, std::set<std::uint64_t> wanted);
    GroupedLineCounts* lines_;
    std::set<std::uint64_t> wanted_;
    std::uint64_t next_hash_ = 0;
    bool done_ = false;
    std::optional<Sorter::Walk> runs_;  // once spilled
  };
  Walk walk(std::set<std::uint64_t> wanted);
  void for_each(const std::set<std::uint64_t>& wanted, const Visit& visit) {
    walk(wanted).visit_through(~std::uint64_t{0}, visit);
  }
  // Safe to call between two visit_through() of a walk.
  void mark_duplicated(std::uint64_t group, std::uint64_t hash);
  // After finish(): the distinct (group, hash) of the `wanted` groups.
  std::uint64_t distinct_lines(const std::set<std::uint64_t>& wanted) const;

  bool spilled() const { return spilled_; }
  // Once spilled: the duplicated lines (whether they spilled too, and how many).
  const DuplicatedLines& duplicated() const { return duplicated_; }

 private:
  void spill();
  // Visits the walk's (group, hash) up to `last` once each, its documents summed over the runs.
  static void merge_through(Sorter::Walk& runs, const Record& last, const Visit& visit);

  std::size_t table_budget_bytes_;
  std::size_t table_bytes_ = 0;
  std::map<std::uint64_t, DocumentLineCounts> groups_;
  Sorter runs_;
  DuplicatedLines duplicated_;  // once spilled
  bool spilled_ = false;
  bool finished_ = false;
  // Once spilled, per group.
  std::map<std::uint64_t, std::uint64_t> merged_distinct_;
};

}  // namespace loom::ccnet
