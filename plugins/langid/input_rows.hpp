// InputRows: what one token adds to a fastText hidden vector, computed the way fastText's
// Dictionary::getLine + Model::computeHidden would, but without their per-token allocations:
// vocabulary lookup in a flat map, char n-gram hashes computed incrementally, pruned buckets
// mapped through a dense table, and input rows read from a dense float copy of the matrix
// (the quantized rows decoded once, by libfasttext itself, at load).
#pragma once

#include "fast_classifier_model.hpp"
#include "token_cache.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::fasttext_inference {

class InputRows {
 public:
  // `dictionary` must be the model's (its pruning table is read through it).
  InputRows(const fasttext::Args& args, const ModelDictionary& dictionary,
            const fasttext::Matrix& input);

  // Sums the token's rows into `sum` (dimension floats, zeroed by the caller) and returns its
  // contribution (row_sum left null). `hash` is TokenCache::hash_token(token); `word` and
  // `ngram_rows` are scratch space.
  TokenCache::Contribution compute(std::string_view token, std::uint64_t hash, float* sum,
                                   std::string& word, std::vector<std::int32_t>& ngram_rows) const;

  // The input row of word n-gram bucket `bucket`, or -1 when pruning removed it.
  std::int32_t bucket_row(std::uint64_t bucket) const;
  void add_row(std::int32_t row, float* sum) const;

 private:
  // The vocabulary (words and labels) as a flat open-addressing table keyed by
  // TokenCache::hash_token, which the caller has computed already.
  struct VocabularySlot {
    std::uint64_t hash = 0;
    std::int32_t id = -1;  // -1: empty
    bool is_word = false;
  };
  const VocabularySlot* find_in_vocabulary(std::string_view token, std::uint64_t hash) const;

  void add_char_ngrams(const std::string& word, float* sum, std::uint32_t& rows,
                       std::vector<std::int32_t>& ngram_rows) const;

  int dimension_;
  std::int32_t words_;
  std::uint32_t buckets_;
  int min_n_;
  int max_n_;
  std::string label_prefix_;
  const ModelDictionary& dictionary_;
  const fasttext::Matrix& input_;
  std::vector<VocabularySlot> vocabulary_slots_;
  std::size_t vocabulary_mask_ = 0;
  std::vector<std::string> vocabulary_words_;  // by id
  bool pruned_ = false;
  // A pruned model keeps few of its buckets (lid.176: 42,765 of 2,000,000). Which ones is a
  // bitmap with a rank directory, small enough to stay in the CPU caches, unlike a table of rows
  // per bucket: bit b of kept_bits_ is set for a kept bucket, kept_before_ counts the kept
  // buckets before each block of 512, and kept_rows_ holds their rows in bucket order.
  std::vector<std::uint64_t> kept_bits_;
  std::vector<std::uint32_t> kept_before_;
  std::vector<std::int32_t> kept_rows_;
  std::vector<float> dense_rows_;  // empty: rows too many to copy; use input_
  const float* rows_ = nullptr;    // dense rows (a copy, or the matrix's own)
};

}  // namespace loom::fasttext_inference
