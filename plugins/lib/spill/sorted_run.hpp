// Sorted runs of SpillingKeyMap (spilling_key_map.hpp): files of (key, value) entries in key
// order, written once, then looked up by key or read back in order.
//
// A run keeps in memory the first key of each block of kBlockEntries entries (a sparse index,
// 16 bytes per 256 entries) and a Bloom filter of its keys (10 bits per key, about 1% false
// positives), so a lookup of an absent key rarely reads the disk and a present one reads one
// block.
#pragma once

#include "record_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loom::spill {

struct Key128 {
  std::uint64_t high = 0, low = 0;
  friend bool operator==(const Key128&, const Key128&) = default;
  friend auto operator<=>(const Key128&, const Key128&) = default;
};

struct Entry {
  Key128 key;
  std::uint64_t value = 0;
};
static_assert(sizeof(Entry) == 24);

class SortedRun {
 public:
  static constexpr std::size_t kBlockEntries = 256;

  // Writes a run entry by entry, in strictly increasing key order; `entries` is how many come.
  class Writer {
   public:
    Writer(std::string who, std::filesystem::path path, std::uint64_t entries);
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;
    ~Writer();
    void add(const Entry& entry);
    // Closes the file; the run is then ready for lookups.
    std::unique_ptr<SortedRun> finish();

   private:
    void flush();
    std::unique_ptr<SortedRun> run_;
    std::FILE* file_ = nullptr;
    std::vector<Entry> buffer_;
    std::uint64_t written_ = 0;
  };

  // Reads a run's entries in key order, a block of them at a time.
  // Its entries in key order, read in blocks.
  using Reader = RecordReader<Entry>;
  Reader reader() const;

  SortedRun(const SortedRun&) = delete;
  SortedRun& operator=(const SortedRun&) = delete;
  ~SortedRun();  // removes the file

  // The value stored with `key`, or nullopt when the run does not hold it.
  std::optional<std::uint64_t> find(const Key128& key) const;
  std::uint64_t entries() const { return entries_; }
  const std::filesystem::path& path() const { return path_; }
  // Bytes the run holds in memory (its index and filter).
  std::size_t memory_bytes() const;

 private:
  SortedRun(std::string who, std::filesystem::path path, std::uint64_t entries);
  bool may_hold(const Key128& key) const;
  void add_to_filter(const Key128& key);

  std::string who_;
  std::filesystem::path path_;
  int fd_ = -1;  // for lookups (pread)
  std::uint64_t entries_;
  std::vector<Key128> block_first_;
  std::vector<std::uint64_t> filter_;
  std::uint64_t filter_bits_;
};

}  // namespace loom::spill
