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
      runs_(memory_budget_bytes - memory_budget_bytes / 2, std::move(spill_parent), kWho) {}

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
    for_each_merged([&](std::uint64_t group, std::uint64_t hash, std::uint8_t documents) {
      ++merged_distinct_[group];
      if (documents >= 2) groups_[group].add_duplicated(hash);
    });
  });
}

void GroupedLineCounts::for_each_merged(const Visit& visit) {
  bool have = false;
  Record current{};
  unsigned documents = 0;
  runs_.for_each([&](const Record& record) {
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

const DocumentLineCounts* GroupedLineCounts::find(std::uint64_t group) const {
  const auto it = groups_.find(group);
  return it == groups_.end() ? nullptr : &it->second;
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
    } else if (const DocumentLineCounts* counts = find(group)) {
      lines += counts->size();
    }
  }
  return lines;
}

void GroupedLineCounts::for_each(const std::set<std::uint64_t>& wanted, std::uint64_t first_hash,
                                 std::uint64_t last_hash, const Visit& visit) {
  if (!finished_) throw std::logic_error("GroupedLineCounts::for_each before finish");
  if (!spilled_) {
    for (const auto& [group, counts] : groups_) {
      if (!wanted.contains(group)) continue;
      counts.for_each_between(first_hash, last_hash,
                              [&, group = group](std::uint64_t hash, std::uint8_t documents) {
                                visit(group, hash, documents);
                              });
    }
    return;
  }
  with_spill_errors([&] {
    for_each_merged([&](std::uint64_t group, std::uint64_t hash, std::uint8_t documents) {
      if (wanted.contains(group) && hash >= first_hash && hash <= last_hash)
        visit(group, hash, documents);
    });
  });
}

void GroupedLineCounts::mark_duplicated(std::uint64_t group, std::uint64_t hash) {
  DocumentLineCounts& counts = groups_[group];
  if (spilled_) {
    counts.add_duplicated(hash);  // the table holds only the duplicated hashes
  } else {
    counts.mark_duplicated(hash);
  }
}

}  // namespace loom::ccnet
