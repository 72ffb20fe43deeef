// Word n-grams of one document: the words (for_each_word) as dense integer ids, so an n-gram is
// compared as n integers and hashed in O(1) from prefix hashes. Scratch memory is kept between
// documents: after the first few documents, nothing is allocated.
#pragma once

#include <text/string_ids.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace loom::textlib {

// N-grams of up to kMaxNgram words.
inline constexpr std::size_t kMaxNgram = 16;

class WordSequence {
 public:
  WordSequence();
  // Tokenizes `text` (which must outlive the use of this object) and numbers its distinct words.
  void assign(std::string_view text);

  std::size_t size() const { return ids_.size(); }
  std::uint32_t id(std::size_t i) const { return ids_[i]; }
  std::string_view word(std::size_t i) const { return distinct_.string(ids_[i]); }
  // Code points of words [begin, end).
  std::uint64_t code_points(std::size_t begin, std::size_t end) const {
    return code_point_prefix_[end] - code_point_prefix_[begin];
  }
  // Equal for equal n-grams starting at a and b (collisions possible: compare with same()).
  std::uint64_t ngram_hash(std::size_t start, std::size_t n) const;
  bool same(std::size_t a, std::size_t b, std::size_t n) const;

 private:
  std::vector<std::uint32_t> ids_;
  StringIds distinct_;
  std::vector<std::uint64_t> code_point_prefix_;
  std::vector<std::uint64_t> hash_prefix_;
  std::array<std::uint64_t, kMaxNgram + 1> powers_{};  // kBase^n
};

// The most frequent n-gram (n <= kMaxNgram): its first start and its count (count 0 when there are
// fewer than n words). Ties go to the n-gram that occurs first, as Counter.most_common(1) picks.
struct TopNgram {
  std::size_t start = 0;
  std::size_t count = 0;
};

class NgramCounter {
 public:
  TopNgram top(const WordSequence& words, std::size_t n);
  // Code points of the words of repeated n-grams, counted as datatrove's find_all_duplicate: left
  // to right, an n-gram seen before adds its words' code points and the scan jumps past it; an
  // n-gram not seen before is remembered and the scan moves one word.
  std::uint64_t duplicate_code_points(const WordSequence& words, std::size_t n);

 private:
  struct Entry {
    std::uint32_t start;  // of its first occurrence
    std::uint32_t count;
  };
  // The entry index of the n-gram at `start`, inserted (count 0) when new.
  std::size_t find_or_insert(const WordSequence& words, std::size_t start, std::size_t n,
                             bool& inserted);
  void reset(std::size_t expected);

  std::vector<Entry> entries_;
  std::vector<std::uint64_t> slots_;  // hash's high half | entry index + 1; 0 when free
};

}  // namespace loom::textlib
