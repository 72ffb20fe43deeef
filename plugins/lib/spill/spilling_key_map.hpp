// SpillingKeyMap: a set of 128-bit keys (hashes), each with the 64-bit value of its first
// insertion, held in memory up to a budget and past it in sorted runs on disk.
//
// In memory: an open-addressing table (25 bytes per slot, at most 3/4 full: 33 to 50 bytes per
// key) grown by half up to the budget (the old and the new table together fit in it). When it is
// full at its largest, its entries are sorted in place and written as a run (sorted_run.hpp: 24
// bytes per key on disk, about 1.3 bytes per key of index and filter in memory), and the table
// starts empty again; runs of similar size are merged (two at a time, as an LSM tree's tiers) so a
// lookup checks O(log(keys / budget)) runs. Runs live in a private spill folder (spill_folder.hpp),
// made at the first spill and removed with the map.
//
// Keys must be well-mixed (they pick the slot and the filter bits directly).
#pragma once

#include "sorted_run.hpp"

#include <loom/sdk/spill_folder.hpp>

#include <functional>
#include <queue>

namespace loom::spill {

// A walk over a frozen SpillingKeyMap's keys in increasing order that can pause: each
// visit_through() goes on where the last one stopped. Several walks of one map may run side by
// side (each holds a read buffer per run); the map must outlive them.
class SortedWalk {
 public:
  using Visit = std::function<void(const Key128&, std::uint64_t)>;
  // Visits the walk's next keys, up to and including `last`.
  void visit_through(const Key128& last, const Visit& visit);

 private:
  friend class SpillingKeyMap;
  SortedWalk(const std::vector<Entry>& table, std::uint64_t table_entries,
             const std::vector<std::unique_ptr<SortedRun>>& runs);

  // Heap entries: (key, source); source readers_.size() is the sorted front of the table.
  using Head = std::pair<Key128, std::size_t>;
  struct Later {
    bool operator()(const Head& x, const Head& y) const { return y.first < x.first; }
  };
  const std::vector<Entry>* table_;
  std::uint64_t table_entries_;
  std::size_t table_at_ = 0;
  std::vector<SortedRun::Reader> readers_;
  std::priority_queue<Head, std::vector<Head>, Later> heap_;
};

class SpillingKeyMap {
 public:
  // `memory_budget_bytes`: what the table may take (at least a few KB are used whatever the
  // budget). `spill_parent`: where the spill folder goes ("" = $TMPDIR, else /tmp). `who`: the
  // component, for error messages and the spill folder's name.
  SpillingKeyMap(std::size_t memory_budget_bytes, std::filesystem::path spill_parent,
                 std::string who);
  SpillingKeyMap(const SpillingKeyMap&) = delete;
  SpillingKeyMap& operator=(const SpillingKeyMap&) = delete;
  ~SpillingKeyMap();

  // Adds the key with `value` unless it is there; returns whether it was added. I/O errors
  // throw std::runtime_error naming the run file.
  bool insert(const Key128& key, std::uint64_t value = 0);
  // The value of the key's first insertion, or nullopt.
  std::optional<std::uint64_t> find(const Key128& key) const;

  // Calls visit(key, value) for every key in increasing key order; may be called again (the
  // same walk), but freezes the map: no insert() or find() after it. Sorts the table in place
  // (and spills it first when runs exist), so the walk takes no memory beyond a read buffer per
  // run.
  void for_each_sorted(const std::function<void(const Key128&, std::uint64_t)>& visit);
  // The same walk, in steps (freezes the map likewise).
  SortedWalk walk_sorted();

  std::uint64_t size() const { return in_memory_ + on_disk_; }
  std::size_t runs() const { return runs_.size(); }
  std::size_t spills() const { return spills_; }
  // Bytes held in memory: the table and the runs' indexes and filters.
  std::size_t memory_bytes() const;

 private:
  std::size_t slot_of(const Key128& key) const;
  // The key's slot in the table, or the empty slot where it would go.
  std::size_t probe(const Key128& key) const;
  void resize_table(std::size_t slots);
  void check_not_frozen(const char* call) const;
  // Moves the table's entries to its front, sorted; returns how many there are.
  std::size_t sort_in_place();
  void make_room();
  void spill();
  void merge_last_two();
  std::filesystem::path next_run_path();

  std::string who_;
  std::filesystem::path spill_parent_;
  std::size_t max_slots_;
  std::vector<Entry> slots_;
  std::vector<std::uint8_t> used_;
  std::uint64_t in_memory_ = 0;
  std::uint64_t on_disk_ = 0;
  std::unique_ptr<SpillFolder> spill_folder_;
  std::vector<std::unique_ptr<SortedRun>> runs_;  // oldest (largest) first
  std::size_t spills_ = 0;
  bool frozen_ = false;  // the table's entries are sorted at its front
  std::size_t run_files_ = 0;
};

}  // namespace loom::spill
