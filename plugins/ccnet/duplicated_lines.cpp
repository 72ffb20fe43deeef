#include "duplicated_lines.hpp"

namespace loom::ccnet {

DuplicatedLines::DuplicatedLines(std::size_t memory_budget_bytes,
                                 std::filesystem::path spill_parent)
    : table_budget_bytes_(memory_budget_bytes / 2),
      key_map_budget_bytes_(memory_budget_bytes - memory_budget_bytes / 2),
      spill_parent_(std::move(spill_parent)) {}

void DuplicatedLines::add(std::uint64_t group, std::uint64_t hash) {
  if (hash == 0) {
    lines_ += empty_line_groups_.insert(group).second;
    if (!spilled_) tables_[group].add_duplicated(0);  // the table answers for its group
    return;
  }
  if (spilled_) {
    lines_ += spilled_->insert(line_key(group, spread(hash)));
    return;
  }
  DocumentLineCounts& table = tables_[group];
  const std::size_t before = table.memory_bytes(), had = table.size();
  table.add_duplicated(spread(hash));
  lines_ += table.size() - had;
  table_bytes_ += table.memory_bytes() - before;
  if (table_bytes_ > table_budget_bytes_) move_to_key_map();
}

void DuplicatedLines::move_to_key_map() {
  spilled_.emplace(key_map_budget_bytes_, spill_parent_, "ccnet_line_dedup");
  for (auto it = tables_.begin(); it != tables_.end(); it = tables_.erase(it)) {
    const std::uint64_t group = it->first;
    it->second.for_each([&](std::uint64_t spread_hash, std::uint8_t) {
      if (spread_hash != 0) spilled_->insert(line_key(group, spread_hash));
    });
  }
  table_bytes_ = 0;
}

DuplicatedInGroup DuplicatedLines::group(std::uint64_t group) const {
  if (spilled_) return DuplicatedInGroup(&*spilled_, group, empty_line_groups_.contains(group));
  const auto it = tables_.find(group);
  if (it != tables_.end()) return DuplicatedInGroup(&it->second, true);
  return DuplicatedInGroup(nullptr, group, false);  // no line of the group is duplicated
}

}  // namespace loom::ccnet
