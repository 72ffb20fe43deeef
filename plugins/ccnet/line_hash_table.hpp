// The hash sets behind ccnet_line_dedup, flat and open-addressed (line hashes are SHA-1 bits, so
// their low bits index the table directly).
#pragma once

#include <cstdint>
#include <vector>

namespace loom::ccnet {

// cc_net's FlatHashSet as HashesCollector fills it: every line hash of the input, flagged once a
// second document has it. `add_document` takes one document's hashes (repeats allowed): a hash
// the table had before the call becomes a duplicate, a new one is stored as seen once, even if
// the document repeats it.
//
// Memory is what bounds a whole run's line dedup (docs/runtime.md): 8 bytes a slot, at a load
// between 0.53 and 0.8, so 10 to 15 bytes per distinct line. The table is 256 parts chosen by a
// hash's top 8 bits, so a slot keeps the other 56 bits and, below them, the state; each part
// grows by half on its own, so growing never holds two copies of the whole table.
class DocumentLineCounts {
 public:
  void add_document(std::vector<std::uint64_t>& hashes);  // sorts `hashes`
  // The hash was added by two or more documents (cc_net: duplicates[h] == 1).
  bool duplicated(std::uint64_t hash) const;
  // Starts loading the hash's home slot into the cache: a document's lines are scattered over
  // a table far larger than the cache, so each lookup alone waits for memory; a document's
  // prefetched together wait once.
  void prefetch(std::uint64_t hash) const;
  std::size_t size() const { return count_; }
  // Bytes the slots take (what memory_budget_mb bounds).
  std::size_t memory_bytes() const { return slots_ * sizeof(std::uint64_t); }

  // Across ranks (ccnet_line_dedup's key exchange): every hash added, with the documents that
  // had it here (1, or 2 for two or more), in table order; then the hashes that the job's
  // documents have twice or more.
  template <class F>
  void for_each(F&& visit) const {
    for_each_between(0, ~std::uint64_t{0}, visit);
  }
  // The same for the hashes from `first` to `last` (a key-range part of the exchange), visiting
  // only the table parts that hold them.
  template <class F>
  void for_each_between(std::uint64_t first, std::uint64_t last, F&& visit) const {
    if (first == 0 && zero_state_ != kEmpty) visit(std::uint64_t{0}, zero_state_);
    for (std::size_t p = first >> 56; p <= (last >> 56); ++p)
      for (const std::uint64_t slot : parts_[p].slots) {
        if (slot == 0) continue;
        const std::uint64_t hash = hash_of(p, slot);
        if (hash >= first && hash <= last)
          visit(hash, static_cast<std::uint8_t>(slot & kStateMask));
      }
  }
  void mark_duplicated(std::uint64_t hash);
  // Adds the hash as duplicated, whether or not it was there (a spilled table's merged result).
  void add_duplicated(std::uint64_t hash);

 private:
  static constexpr std::uint8_t kEmpty = 0, kOnce = 1, kDuplicated = 2;
  static constexpr std::size_t kParts = 256;
  static constexpr std::uint64_t kStateMask = 0xFF;
  struct Part {
    std::vector<std::uint64_t> slots;  // (hash << 8) | state; 0: empty
    std::size_t count = 0;
  };
  static std::uint64_t hash_of(std::size_t part, std::uint64_t slot) {
    return (static_cast<std::uint64_t>(part) << 56) | (slot >> 8);
  }
  // The slot holding `hash` in `part`, or the empty one where it would go.
  static std::size_t find(const Part& part, std::uint64_t hash);
  // Grows the part by half; returns the slots it gained.
  static std::size_t grow(Part& part);
  // The hash's slot, made (empty) if it is not there, growing its part as needed.
  std::uint64_t& slot_for(std::uint64_t hash);

  // Hash 0 is kept aside (as cc_net's table does not, but 0 is also the empty line's hash here).
  std::uint8_t zero_state_ = kEmpty;
  Part parts_[kParts];
  std::size_t count_ = 0;
  std::size_t slots_ = 0;
};

// "Seen in this document", cleared in O(1) per document by a generation stamp.
class SeenInDocument {
 public:
  void start(std::size_t lines);
  // Returns true the first time `hash` is offered since start().
  bool first_time(std::uint64_t hash);

 private:
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint32_t> stamps_;
  std::uint32_t stamp_ = 0;
  std::size_t mask_ = 0;
};

}  // namespace loom::ccnet
