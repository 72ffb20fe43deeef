// ExternalSorter: fixed-size records sorted within a memory budget. Records are held in memory
// up to the budget; past it each full buffer is sorted and written as a run to a private spill
// folder (made at the first spill, removed with the sorter), and for_each() merges the runs.
// The same approach as minhash_dedup's band index (plugins/dedup/minhash_index.cpp), for any
// trivially copyable record and order.
#pragma once

#include "record_reader.hpp"
#include "sorted_run.hpp"

#include <loom/sdk/spill_folder.hpp>

#include <algorithm>
#include <cstdio>
#include <queue>
#include <type_traits>

namespace loom::spill {

template <class Record, class Less>
class ExternalSorter {
  static_assert(std::is_trivially_copyable_v<Record>);

 public:
  // `memory_budget_bytes`: the records held in memory (reserved up front: pages are touched only
  // as records come). `spill_parent` and `who` as for SpillingKeyMap.
  ExternalSorter(std::size_t memory_budget_bytes, std::filesystem::path spill_parent,
                 std::string who)
      : capacity_(std::max<std::size_t>(memory_budget_bytes / sizeof(Record), 16)),
        spill_parent_(std::move(spill_parent)),
        who_(std::move(who)) {
    buffer_.reserve(capacity_);
  }

  void add(const Record& record) {
    if (buffer_.size() == capacity_) spill();
    buffer_.push_back(record);
    ++size_;
  }

  std::uint64_t size() const { return size_; }
  bool spilled() const { return !runs_.empty(); }
  // Before any spill: the records, in the order added, to sort or reuse in place.
  std::vector<Record>& in_memory() { return buffer_; }

  // A merge of the records in order that can pause: each visit_through() goes on where the
  // last one stopped. Holds a read block per run; the sorter must outlive it.
  class Walk {
   public:
    // Visits the walk's next records, up to and including those not greater than `last`.
    template <class Visit>
    void visit_through(const Record& last, Visit&& visit) {
      visit_while([&](const Record& record) { return !Less{}(last, record); }, visit);
    }
    // Visits every record left.
    template <class Visit>
    void visit_rest(Visit&& visit) {
      visit_while([](const Record&) { return true; }, visit);
    }

   private:
    friend class ExternalSorter;
    explicit Walk(const std::vector<Record>& memory) : memory_(&memory) {}
    Walk(const std::string& who, const std::vector<std::filesystem::path>& runs,
         std::size_t block_records) {
      readers_.reserve(runs.size());
      for (const auto& path : runs) readers_.emplace_back(who, path, block_records);
      for (std::size_t r = 0; r < readers_.size(); ++r)
        if (!readers_[r].done()) heap_.push_back(r);
      std::make_heap(heap_.begin(), heap_.end(), later());
    }
    template <class Within, class Visit>
    void visit_while(Within within, Visit& visit) {
      if (memory_) {
        while (memory_at_ < memory_->size() && within((*memory_)[memory_at_]))
          visit((*memory_)[memory_at_++]);
        return;
      }
      while (!heap_.empty() && within(readers_[heap_.front()].current())) {
        std::pop_heap(heap_.begin(), heap_.end(), later());
        const std::size_t r = heap_.back();
        heap_.pop_back();
        visit(readers_[r].current());
        readers_[r].next();
        if (readers_[r].done()) continue;
        heap_.push_back(r);
        std::push_heap(heap_.begin(), heap_.end(), later());
      }
    }
    // The heap's order: the run whose current record is smallest on top.
    auto later() const {
      return [this](std::size_t x, std::size_t y) {
        return Less{}(readers_[y].current(), readers_[x].current());
      };
    }
    const std::vector<Record>* memory_ = nullptr;  // before any spill: the sorted buffer
    std::size_t memory_at_ = 0;
    std::vector<RecordReader<Record>> readers_;
    std::vector<std::size_t> heap_;
  };

  // A walk of every record in order; repeatable (each walk starts at the first record). After a
  // spill the rest is spilled too and the buffer freed, so a walk holds one read block per run
  // (about the budget in all).
  Walk walk() {
    if (runs_.empty()) {
      std::sort(buffer_.begin(), buffer_.end(), Less{});
      return Walk(buffer_);
    }
    if (!buffer_.empty()) spill();
    buffer_ = {};
    return merge_walk();
  }

  // Calls visit(record) for every record in order; repeatable (as walk()).
  template <class Visit>
  void for_each(Visit&& visit) {
    walk().visit_rest(visit);
  }

 private:
  // Reads the runs in blocks that together take about the budget (at most 1 MB each, at least
  // 4 KB).
  Walk merge_walk() const {
    const std::size_t block_bytes =
        std::clamp<std::size_t>(capacity_ * sizeof(Record) / runs_.size(), 4096, 1 << 20);
    return Walk(who_, runs_, block_bytes / sizeof(Record) + 1);
  }

  // Past kMaxRuns runs, merges them into one, so a merge never holds too many files open.
  void compact() {
    const std::filesystem::path merged = folder_->path() / ("merged-" + std::to_string(merges_++));
    {
      File file(std::fopen(merged.c_str(), "wb"));
      if (!file) io_failure(who_, "create", merged);
      merge_walk().visit_rest([&](const Record& record) {
        if (std::fwrite(&record, sizeof record, 1, file.get()) != 1)
          io_failure(who_, "write", merged);
      });
      if (std::fclose(file.release()) != 0) io_failure(who_, "write", merged);
    }
    for (const auto& path : runs_) std::filesystem::remove(path);
    runs_.assign(1, merged);
  }

  void spill() {
    if (!folder_) {
      remove_stale_spill_folders(spill_parent_);
      folder_ = std::make_unique<SpillFolder>(spill_parent_, who_);
    }
    std::sort(buffer_.begin(), buffer_.end(), Less{});
    if (runs_.size() == kMaxRuns) compact();
    runs_.push_back(folder_->path() / ("sorted-" + std::to_string(spills_++)));
    File file(std::fopen(runs_.back().c_str(), "wb"));
    if (!file) io_failure(who_, "create", runs_.back());
    if (std::fwrite(buffer_.data(), sizeof(Record), buffer_.size(), file.get()) != buffer_.size() ||
        std::fclose(file.release()) != 0)
      io_failure(who_, "write", runs_.back());
    buffer_.clear();  // keeps its capacity
  }

  static constexpr std::size_t kMaxRuns = 64;

  std::size_t capacity_;
  std::filesystem::path spill_parent_;
  std::string who_;
  std::vector<Record> buffer_;
  std::uint64_t size_ = 0;
  std::unique_ptr<SpillFolder> folder_;
  std::vector<std::filesystem::path> runs_;
  std::size_t spills_ = 0, merges_ = 0;
};

}  // namespace loom::spill
