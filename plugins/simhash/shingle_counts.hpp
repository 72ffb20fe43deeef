// Counts the distinct shingles of a text, as the reference's features Counter does, so each one is
// hashed (MD5) once and votes with its count instead of once per occurrence. Shingles are views
// into the caller's normalized text (byte offset and length), never copies; the table is open
// addressing with linear probing and is reused between documents, so steady state allocates
// nothing. Memory: 16 bytes per slot, slots < 3x the distinct shingles, and never more slots than
// the limit reset() is given: a full table tells its caller to take its counts and clear it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace loom::simhash {

class ShingleCounts {
 public:
  struct Entry {
    std::uint32_t start = 0;   // byte offset in the text
    std::uint32_t length = 0;  // bytes
    std::uint32_t count = 0;   // 0 marks an empty slot
    std::uint32_t hash = 0;
  };

  // Empties the table for a new text whose shingles live in `text`, sized for about
  // expected_distinct shingles (it grows past that if needed, up to max_slots slots).
  void reset(std::string_view text, std::size_t expected_distinct,
             std::size_t max_slots = SIZE_MAX);
  // Forgets every count, keeping the table's size.
  void clear();
  // The table's hash of text[start, start + length).
  std::uint32_t hash(std::uint32_t start, std::uint32_t length) const;
  // Asks the cache for the slot a hash starts probing at: the table is larger than the cache for
  // a whole book, so counting a shingle is mostly a wait for memory unless that wait overlaps.
  void prefetch(std::uint32_t hash) const { __builtin_prefetch(&slots_[hash & mask_], 1); }
  // Counts one occurrence of text[start, start + length), whose hash() is `hash`. True when the
  // table is full at its slot limit: read slots() and clear() before the next add.
  bool add(std::uint32_t start, std::uint32_t length, std::uint32_t hash);
  // Occupied and empty slots; the occupied ones (count > 0) are the distinct shingles.
  const std::vector<Entry>& slots() const { return slots_; }
  std::size_t distinct() const { return distinct_; }
  std::string_view shingle(const Entry& entry) const {
    return text_.substr(entry.start, entry.length);
  }

 private:
  void grow();

  std::string_view text_;
  std::vector<Entry> slots_;
  std::size_t mask_ = 0;
  std::size_t distinct_ = 0;
  std::size_t max_slots_ = SIZE_MAX;
};

}  // namespace loom::simhash
