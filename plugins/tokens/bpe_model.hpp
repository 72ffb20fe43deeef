// A BPE model's vocabulary and merges, and Hugging Face's merge loop: a word starts as one
// symbol per character (per byte for byte-level models), then the adjacent pair with the lowest
// merge rank (leftmost among equals) is merged until no pair has a merge. A priority queue keeps
// that O(n log n) in the word's length, so a 1 MB word with no space is no hazard.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "string_index.hpp"
#include "tokenizer_spec.hpp"

namespace loom::tokens {

// Lets maps keyed by std::string be searched with a string_view, without a copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};
template <class Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

class BpeModel {
 public:
  // `byte_level`: words arrive as raw bytes and the vocabulary is read through GPT-2's byte
  // alphabet. Throws std::invalid_argument naming the JSON path of a merge or token that does
  // not fit the vocabulary.
  BpeModel(const BpeSpec& spec, bool byte_level);
  // A copy's index would point into the original's bytes; a move keeps the bytes where they are.
  BpeModel(const BpeModel&) = delete;
  BpeModel& operator=(const BpeModel&) = delete;
  BpeModel(BpeModel&&) = default;
  BpeModel& operator=(BpeModel&&) = default;

  // Reusable buffers for merge(); one per thread.
  struct Scratch {
    struct Symbol {
      std::uint32_t id;
      std::int32_t prev;
      std::int32_t next;
      std::uint32_t length;  // 0 once merged into the symbol on its left
    };
    struct Candidate {
      std::uint32_t rank;
      std::uint32_t position;
      std::uint32_t merged_id;
    };
    std::vector<Symbol> symbols;
    std::vector<Candidate> queue;  // a binary heap
  };

  // Appends the ids of one pre-tokenized word (non-empty).
  void encode_word(std::string_view word, Scratch& scratch, std::vector<std::uint32_t>& ids) const;

  // The id of a whole word, for ignore_merges models; nullopt when not in the vocabulary.
  std::optional<std::uint32_t> word_id(std::string_view word) const;
  bool ignore_merges() const { return ignore_merges_; }

  // Every id's text in the words' form (bytes for byte-level models); empty when unknown.
  const std::vector<std::string>& id_texts() const { return id_texts_; }

 private:
  struct Merge {
    std::uint32_t rank;
    std::uint32_t merged_id;
  };
  const Merge* find_merge(std::uint32_t left, std::uint32_t right) const;
  void initial_symbols(std::string_view word, Scratch& scratch) const;

  bool byte_level_;
  bool ignore_merges_;
  bool fuse_unk_;
  std::optional<std::uint32_t> unk_id_;
  std::vector<char> id_keys_;  // the words' forms end to end, never reallocated: ids_ points in
  StringIndex ids_;            // the words' forms
  std::array<std::int64_t, 256> byte_ids_{};  // byte-level: the id of each single byte
  std::vector<std::string> id_texts_;

  // Open addressing on (left << 32 | right); empty slots hold kNoPair.
  static constexpr std::uint64_t kNoPair = ~std::uint64_t{0};
  std::vector<std::uint64_t> merge_keys_;
  std::vector<Merge> merge_values_;
  std::uint64_t merge_mask_ = 0;
};

}  // namespace loom::tokens
