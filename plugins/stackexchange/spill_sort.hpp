// An external sort for records that may not fit in memory: records are buffered up to a byte
// budget, spilled to disk as sorted runs when the budget is exceeded, and read back with a k-way
// merge. Order is total ((key, seq) pairs are unique), so the result is deterministic.
#pragma once

#include <loom/sdk/spill_folder.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loom::stackexchange {

struct SpillRecord {
  std::string key;
  std::uint64_t seq = 0;  // breaks ties between equal keys; callers keep (key, seq) unique
  std::string payload;
};

// A private spill folder (loom/sdk/spill_folder.hpp), made on first use under `root` (empty: the
// system temp folder, $TMPDIR) and removed with everything in it when this object goes away: on
// success, on an error and when a run is cancelled. One a killed run left behind is removed when
// the next stackexchange_source is created (remove_stale_spill_folders).
class SpillDirectory {
 public:
  explicit SpillDirectory(std::filesystem::path root);
  SpillDirectory(const SpillDirectory&) = delete;
  SpillDirectory& operator=(const SpillDirectory&) = delete;

  // A path for a new spill file (not yet created); creates the folder on first call.
  std::filesystem::path new_file(std::string_view label);
  // Empty until the first new_file.
  std::filesystem::path path() const { return folder_ ? folder_->path() : std::filesystem::path(); }

 private:
  std::filesystem::path root_;
  std::unique_ptr<SpillFolder> folder_;
  std::uint64_t files_ = 0;
};

class RunReader;

class ExternalSorter {
 public:
  // budget_bytes: memory for buffered records before a run is spilled (at least one record is
  // always buffered). label names the spill files.
  ExternalSorter(std::size_t budget_bytes, SpillDirectory& spill, std::string label);
  ~ExternalSorter();
  ExternalSorter(const ExternalSorter&) = delete;
  ExternalSorter& operator=(const ExternalSorter&) = delete;

  void add(SpillRecord&& record);
  // Ends adding; afterwards next() yields every record in (key, seq) order.
  void finish();
  bool next(SpillRecord& out);

  std::size_t runs_spilled() const { return runs_spilled_; }

 private:
  void spill_buffer();
  void merge_runs_down(std::size_t fan_in);

  std::size_t budget_;
  SpillDirectory& spill_;
  std::string label_;
  std::vector<SpillRecord> buffer_;
  std::size_t buffered_bytes_ = 0;
  std::size_t next_buffered_ = 0;  // when nothing was spilled, next() walks the sorted buffer
  std::vector<std::filesystem::path> runs_;
  std::size_t runs_spilled_ = 0;
  std::vector<std::unique_ptr<RunReader>> merging_;
  std::vector<std::size_t> heap_;  // indexes into merging_, a min-heap on their current record
  bool finished_ = false;
};

// Helpers for the payload's fields: fixed-width integers and length-prefixed strings.
void put_u64(std::string& out, std::uint64_t value);
void put_bytes(std::string& out, std::string_view bytes);

class PayloadCursor {
 public:
  explicit PayloadCursor(std::string_view payload) : rest_(payload) {}
  std::uint64_t u64();
  std::string_view bytes();

 private:
  std::string_view rest_;
};

}  // namespace loom::stackexchange
