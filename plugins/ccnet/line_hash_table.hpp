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
class DocumentLineCounts {
 public:
  void add_document(std::vector<std::uint64_t>& hashes);  // sorts `hashes`
  // The hash was added by two or more documents (cc_net: duplicates[h] == 1).
  bool duplicated(std::uint64_t hash) const;
  std::size_t size() const { return count_; }

  // Across ranks (ccnet_line_dedup's key exchange): every hash added, with the documents that
  // had it here (1, or 2 for two or more), in table order; then the hashes that the job's
  // documents have twice or more.
  template <class F>
  void for_each(F&& visit) const {
    if (zero_state_ != kEmpty) visit(std::uint64_t{0}, zero_state_);
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (states_[i] != kEmpty) visit(keys_[i], states_[i]);
  }
  void mark_duplicated(std::uint64_t hash);

 private:
  static constexpr std::uint8_t kEmpty = 0, kOnce = 1, kDuplicated = 2;
  std::size_t slot(std::uint64_t hash) const;
  void grow();

  // Hash 0 marks an empty slot, so its own state is kept aside.
  std::uint8_t zero_state_ = kEmpty;
  std::vector<std::uint64_t> keys_;
  std::vector<std::uint8_t> states_;
  std::size_t count_ = 0;
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
