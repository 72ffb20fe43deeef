#include "grouped_line_counts.hpp"

#include <loom/plugin.hpp>
#include <spill/spill_errors.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace loom::ccnet {

using spill::with_spill_errors;

namespace {

constexpr const char* kWho = "ccnet_line_dedup";
constexpr std::uint64_t kLargestGroup = (std::uint64_t{1} << 56) - 1;

}  // namespace

GroupedLineCounts::GroupedLineCounts(std::size_t memory_budget_bytes,
                                     std::filesystem::path spill_parent)
    : table_budget_bytes_(memory_budget_bytes / 2),
      runs_(memory_budget_bytes - memory_budget_bytes / 2, spill_parent, kWho),
      // Its merge's read blocks take the sort buffer's half.
      duplicated_(memory_budget_bytes / 2, spill_parent) {}

void GroupedLineCounts::add_document(std::uint64_t group, std::vector<std::uint64_t>& hashes) {
  if (group > kLargestGroup)
    throw Error(std::string(kWho) + ": group " + std::to_string(group) + " is past 2^56",
                LOOM_ERR_INVALID_INPUT);
  DocumentLineCounts& counts = groups_[group];
  const std::size_t before = counts.memory_bytes();
  counts.add_document(hashes);
  table_bytes_ += counts.memory_bytes() - before;
  if (table_bytes_ > table_budget_bytes_) with_spill_errors([&] { spill(); });
}

void GroupedLineCounts::spill() {
  for (auto& [group, counts] : groups_) {
    counts.for_each([&](std::uint64_t hash, std::uint8_t documents) {
      runs_.add(Record{hash, group << 8 | documents});
    });
    counts = DocumentLineCounts{};
  }
  table_bytes_ = 0;
  spilled_ = true;
}

void GroupedLineCounts::finish() {
  if (finished_) return;
  finished_ = true;
  if (!spilled_) return;
  with_spill_errors([&] {
    spill();
    Sorter::Walk runs = runs_.walk();
    merge_through(runs, Record{~std::uint64_t{0}, ~std::uint64_t{0}},
                  [&](std::uint64_t group, std::uint64_t hash, std::uint8_t documents) {
                    ++merged_distinct_[group];
                    if (documents >= 2) duplicated_.add(group, hash);
                  });
  });
}

void GroupedLineCounts::merge_through(Sorter::Walk& runs, const Record& last, const Visit& visit) {
  // Records of one (group, hash) are side by side and all up to `last` or all past it.
  bool have = false;
  Record current{};
  unsigned documents = 0;
  runs.visit_through(last, [&](const Record& record) {
    if (have && !RecordLess{}(current, record)) {  // the same (group, hash): sorted, not less
      documents += record.group_and_documents & 0xFF;
      return;
    }
    if (have)
      visit(current.group_and_documents >> 8, current.hash,
            static_cast<std::uint8_t>(std::min(documents, 2u)));
    current = record;
    documents = record.group_and_documents & 0xFF;
    have = true;
  });
  if (have)
    visit(current.group_and_documents >> 8, current.hash,
          static_cast<std::uint8_t>(std::min(documents, 2u)));
}

DuplicatedInGroup GroupedLineCounts::duplicated_in(std::uint64_t group) const {
  if (!finished_) throw std::logic_error("GroupedLineCounts::duplicated_in before finish");
  if (spilled_) return duplicated_.group(group);
  const auto it = groups_.find(group);
  return it == groups_.end() ? DuplicatedInGroup() : DuplicatedInGroup(&it->second, false);
}

std::vector<std::uint64_t> GroupedLineCounts::groups() const {
  std::vector<std::uint64_t> out;
  out.reserve(groups_.size());
  for (const auto& entry : groups_) out.push_back(entry.first);
  return out;
}

std::uint64_t GroupedLineCounts::distinct_lines(const std::set<std::uint64_t>& wanted) const {
  if (!finished_) throw std::logic_error("GroupedLineCounts::distinct_lines before finish");
  std::uint64_t lines = 0;
  for (const std::uint64_t group : wanted) {
    if (spilled_) {
      const auto it = merged_distinct_.find(group);
      if (it != merged_distinct_.end()) lines += it->second;
    } else if (const auto it = groups_.find(group); it != groups_.end()) {
      lines += it->second.size();
    }
  }
  return lines;
}

GroupedLineCounts::Walk GroupedLineCounts::walk(std::set<std::uint64_t> wanted) {
  if (!finished_) throw std::logic_error("GroupedLineCounts::walk before finish");
  return Walk(*this, std::move(wanted));
}

GroupedLineCounts::Walk::Walk(GroupedLineCounts& lines, std::set<std::uint64_t> wanted)
    : lines_(&lines), wanted_(std::move(wanted)) {
  if (lines.spilled_) with_spill_errors([&] { runs_.emplace(lines.runs_.walk()); });
}

void GroupedLineCounts::Walk::visit_through(std::uint64_t last_hash, const Visit& visit) {
  if (done_ || last_hash < next_hash_) return;
  if (runs_) {
    with_spill_errors([&] {
      merge_through(*runs_, Record{last_hash, ~std::uint64_t{0}},
                    [&](std::uint64_t group, std::uint64_t hash, std::uint8_t documents) {
                      if (wanted_.contains(group)) visit(group, hash, documents);
                    });
    });
  } else {
    for (const auto& [group, counts] : lines_->groups_) {
      if (!wanted_.contains(group)) continue;
      counts.for_each_between(next_hash_, last_hash,
                              [&, group = group](std::uint64_t hash, std::uint8_t documents) {
                                visit(group, hash, documents);
                              });
    }
  }
  done_ = last_hash == ~std::uint64_t{0};
  next_hash_ = last_hash + 1;
}

void GroupedLineCounts::mark_duplicated(std::uint64_t group, std::uint64_t hash) {
  if (spilled_) {
    with_spill_errors([&] { duplicated_.add(group, hash); });
  } else {
    groups_[group].mark_duplicated(hash);
  }
}

}  // namespace loom::ccnet
