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

  // Calls visit(record) for every record in order; repeatable. After a spill the rest is spilled
  // too and the buffer freed, so a walk holds one read block per run.
  template <class Visit>
  void for_each(Visit&& visit) {
    if (runs_.empty()) {
      std::sort(buffer_.begin(), buffer_.end(), Less{});
      for (const Record& record : buffer_) visit(record);
      return;
    }
    if (!buffer_.empty()) spill();
    buffer_ = {};
    merge_runs(visit);
  }

 private:
  // Merges the runs in order, reading each in blocks that together take about the budget (at
  // most 1 MB each, at least 4 KB).
  template <class Visit>
  void merge_runs(Visit&& visit) {
    const std::size_t block_bytes =
        std::clamp<std::size_t>(capacity_ * sizeof(Record) / runs_.size(), 4096, 1 << 20);
    std::vector<RecordReader<Record>> readers;
    readers.reserve(runs_.size());
    for (const auto& path : runs_)
      readers.emplace_back(who_, path, block_bytes / sizeof(Record) + 1);
    auto later = [&](std::size_t x, std::size_t y) {
      return Less{}(readers[y].current(), readers[x].current());
    };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
    for (std::size_t r = 0; r < readers.size(); ++r)
      if (!readers[r].done()) heap.push(r);
    while (!heap.empty()) {
      const std::size_t r = heap.top();
      heap.pop();
      visit(readers[r].current());
      readers[r].next();
      if (!readers[r].done()) heap.push(r);
    }
  }

  // Past kMaxRuns runs, merges them into one, so a merge never holds too many files open.
  void compact() {
    const std::filesystem::path merged = folder_->path() / ("merged-" + std::to_string(merges_++));
    {
      File file(std::fopen(merged.c_str(), "wb"));
      if (!file) io_failure(who_, "create", merged);
      merge_runs([&](const Record& record) {
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
