#include "line_hash_exchange.hpp"

#include <loom/plugin.hpp>
#include <spill/exchange_parts.hpp>

#include <string>
#include <vector>

namespace loom::ccnet {

namespace {

Error mismatch(const char* round, std::uint64_t merged, std::uint64_t exported) {
  return Error("ccnet_line_dedup: " + std::to_string(merged) + " merged keys for " +
                   std::to_string(exported) + " exported in the " + round + " round",
               LOOM_ERR_INTERNAL);
}

}  // namespace

void LineHashExchange::export_keys(KeyExport& out) {
  switch (phase_) {
    case Phase::groups: {
      out.layout(8, 0, false);
      for (const std::uint64_t group : lines_.groups()) out.add(&group, 0, 1);
      return;
    }
    case Phase::size: {
      out.layout(8, 0, false);
      spill::add_size_record(out, lines_.distinct_lines(spanning_));
      exported_ = 1;
      return;
    }
    case Phase::parts: {
      out.layout(16, 0, part_ + 1 == parts_);
      if (!walk_) walk_.emplace(lines_.walk(spanning_));
      part_lines_.clear();
      walk_->visit_through(spill::last_key_of_part(part_, parts_),
                           [&](std::uint64_t group, std::uint64_t hash, std::uint8_t documents) {
                             const std::uint64_t key[2] = {hash, group};
                             out.add(key, 0, documents);
                             part_lines_.push_back(PartLine{hash, group << 8 | documents});
                           });
      exported_ = part_lines_.size();
      return;
    }
    case Phase::done: break;
  }
  throw Error("ccnet_line_dedup: a key exchange round after the last one", LOOM_ERR_INTERNAL);
}

void LineHashExchange::import_keys(const MergedKeys& in) {
  if (phase_ == Phase::groups) {
    const std::vector<std::uint64_t> groups = lines_.groups();
    if (in.size() != groups.size()) throw mismatch("groups", in.size(), groups.size());
    std::size_t i = 0;
    for (const std::uint64_t group : groups)
      if (in.count(i++) > 1) spanning_.insert(group);
    phase_ = Phase::size;
    return;
  }
  if (phase_ == Phase::size) {
    if (in.size() != 1) throw mismatch("size", in.size(), 1);
    most_keys_ = spill::largest_count(in);
    parts_ = spill::exchange_parts(most_keys_, kRoundBytes, memory_budget_bytes_);
    phase_ = Phase::parts;
    return;
  }
  if (phase_ != Phase::parts)
    throw Error("ccnet_line_dedup: a key exchange round after the last one", LOOM_ERR_INTERNAL);
  if (in.size() != exported_) throw mismatch("parts", in.size(), exported_);
  for (std::size_t i = 0; i < part_lines_.size(); ++i) {
    const PartLine& line = part_lines_[i];
    // Two documents here: already duplicated.
    if ((line.group_and_documents & 0xFF) < 2 && in.count(i) >= 2)
      lines_.mark_duplicated(line.group_and_documents >> 8, line.hash);
  }
  if (++part_ < parts_) return;
  phase_ = Phase::done;
  walk_.reset();
  part_lines_ = {};
}

}  // namespace loom::ccnet
