#include "spilling_key_map.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace loom::spill {
namespace {

constexpr std::size_t kSlotBytes = sizeof(Entry) + 1;  // the entry and its used flag
constexpr std::size_t kMinSlots = 64;
constexpr std::size_t kFirstSlots = 1024;

__extension__ typedef unsigned __int128 Wide;  // for the multiply-high below

bool too_full(std::uint64_t entries, std::size_t slots) { return entries * 4 > slots * 3; }

}  // namespace

SpillingKeyMap::SpillingKeyMap(std::size_t memory_budget_bytes, std::filesystem::path spill_parent,
                               std::string who)
    : who_(std::move(who)),
      spill_parent_(std::move(spill_parent)),
      // The largest table that fits in the budget together with the 2/3-size one it grows from.
      max_slots_(std::max(kMinSlots, memory_budget_bytes * 3 / 5 / kSlotBytes)) {
  resize_table(std::min(kFirstSlots, max_slots_));
}

SpillingKeyMap::~SpillingKeyMap() {
  runs_.clear();  // before their folder
}

std::size_t SpillingKeyMap::memory_bytes() const {
  std::size_t bytes = slots_.capacity() * sizeof(Entry) + used_.capacity();
  for (const auto& run : runs_) bytes += run->memory_bytes();
  return bytes;
}

void SpillingKeyMap::check_not_frozen(const char* call) const {
  if (frozen_)
    throw std::logic_error(std::string("SpillingKeyMap::") + call + " after for_each_sorted");
}

// Keys are hashes: their low half, scaled to the table (no power of two needed), is the slot.
std::size_t SpillingKeyMap::slot_of(const Key128& key) const {
  return static_cast<std::size_t>((static_cast<Wide>(key.low) * slots_.size()) >> 64);
}

std::size_t SpillingKeyMap::probe(const Key128& key) const {
  std::size_t slot = slot_of(key);
  while (used_[slot] && slots_[slot].key != key)
    if (++slot == slots_.size()) slot = 0;
  return slot;
}

std::optional<std::uint64_t> SpillingKeyMap::find(const Key128& key) const {
  check_not_frozen("find");
  const std::size_t slot = probe(key);
  if (used_[slot]) return slots_[slot].value;
  for (const auto& run : runs_)
    if (const std::optional<std::uint64_t> value = run->find(key)) return value;
  return std::nullopt;
}

bool SpillingKeyMap::insert(const Key128& key, std::uint64_t value) {
  check_not_frozen("insert");
  const std::size_t slot = probe(key);
  if (used_[slot]) return false;
  for (const auto& run : runs_)
    if (run->find(key)) return false;
  slots_[slot] = Entry{key, value};
  used_[slot] = 1;
  ++in_memory_;
  if (too_full(in_memory_, slots_.size())) make_room();
  return true;
}

void SpillingKeyMap::resize_table(std::size_t slots) {
  std::vector<Entry> old_slots(slots);
  std::vector<std::uint8_t> old_used(slots, 0);
  old_slots.swap(slots_);
  old_used.swap(used_);
  for (std::size_t i = 0; i < old_slots.size(); ++i)
    if (old_used[i]) {
      const std::size_t slot = probe(old_slots[i].key);
      slots_[slot] = old_slots[i];
      used_[slot] = 1;
    }
}

void SpillingKeyMap::make_room() {
  if (slots_.size() < max_slots_)
    // By half: the old and the new table together take 2.5 times the old (3 when doubling).
    resize_table(std::min(slots_.size() + slots_.size() / 2, max_slots_));
  else
    spill();
}

std::size_t SpillingKeyMap::sort_in_place() {
  std::size_t count = 0;
  for (std::size_t i = 0; i < slots_.size(); ++i)
    if (used_[i]) slots_[count++] = slots_[i];
  std::sort(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(count),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });
  return count;
}

std::filesystem::path SpillingKeyMap::next_run_path() {
  if (!spill_folder_) {
    remove_stale_spill_folders(spill_parent_);
    spill_folder_ = std::make_unique<SpillFolder>(spill_parent_, who_);
  }
  return spill_folder_->path() / ("run-" + std::to_string(run_files_++));
}

void SpillingKeyMap::spill() {
  const std::size_t count = sort_in_place();
  SortedRun::Writer writer(who_, next_run_path(), count);
  for (std::size_t i = 0; i < count; ++i) writer.add(slots_[i]);
  runs_.push_back(writer.finish());
  std::fill(used_.begin(), used_.end(), std::uint8_t{0});
  on_disk_ += count;
  in_memory_ = 0;
  ++spills_;
  // Tiers: a run is merged into the one before it while that one is at most twice its size.
  while (runs_.size() >= 2 && runs_[runs_.size() - 2]->entries() <= 2 * runs_.back()->entries())
    merge_last_two();
}

void SpillingKeyMap::merge_last_two() {
  std::unique_ptr<SortedRun> newer = std::move(runs_.back());
  runs_.pop_back();
  std::unique_ptr<SortedRun> older = std::move(runs_.back());
  runs_.pop_back();
  SortedRun::Writer writer(who_, next_run_path(), older->entries() + newer->entries());
  SortedRun::Reader a = older->reader(), b = newer->reader();
  while (!a.done() || !b.done()) {  // a key is in one run only
    if (b.done() || (!a.done() && a.current().key < b.current().key)) {
      writer.add(a.current());
      a.next();
    } else {
      writer.add(b.current());
      b.next();
    }
  }
  runs_.push_back(writer.finish());
}

SortedWalk SpillingKeyMap::walk_sorted() {
  if (!frozen_) {
    frozen_ = true;
    if (runs_.empty()) {
      in_memory_ = sort_in_place();
    } else {  // all on disk: the table is no longer needed
      if (in_memory_ != 0) spill();
      slots_ = {};
      used_ = {};
    }
  }
  return SortedWalk(slots_, in_memory_, runs_);
}

void SpillingKeyMap::for_each_sorted(
    const std::function<void(const Key128&, std::uint64_t)>& visit) {
  const std::uint64_t most = std::numeric_limits<std::uint64_t>::max();
  walk_sorted().visit_through(Key128{most, most}, visit);
}

SortedWalk::SortedWalk(const std::vector<Entry>& table, std::uint64_t table_entries,
                       const std::vector<std::unique_ptr<SortedRun>>& runs)
    : table_(&table), table_entries_(table_entries) {
  readers_.reserve(runs.size());
  for (const auto& run : runs) readers_.push_back(run->reader());
  for (std::size_t r = 0; r < readers_.size(); ++r)
    if (!readers_[r].done()) heap_.emplace(readers_[r].current().key, r);
  if (table_entries_ != 0) heap_.emplace((*table_)[0].key, readers_.size());
}

void SortedWalk::visit_through(const Key128& last, const Visit& visit) {
  const std::size_t table = readers_.size();
  while (!heap_.empty() && !(last < heap_.top().first)) {
    const std::size_t source = heap_.top().second;
    heap_.pop();
    if (source == table) {
      const Entry& entry = (*table_)[table_at_];
      visit(entry.key, entry.value);
      if (++table_at_ < table_entries_) heap_.emplace((*table_)[table_at_].key, table);
    } else {
      SortedRun::Reader& reader = readers_[source];
      visit(reader.current().key, reader.current().value);
      reader.next();
      if (!reader.done()) heap_.emplace(reader.current().key, source);
    }
  }
}

}  // namespace loom::spill
