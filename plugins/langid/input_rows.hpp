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
#include <unordered_map>
#include <vector>

namespace loom::fasttext_inference {

class InputRows {
 public:
  // `dictionary` must be the model's (its pruning table is read through it).
  InputRows(const fasttext::Args& args, const ModelDictionary& dictionary,
            const fasttext::Matrix& input);

  // Sums the token's rows into `sum` (dimension floats, zeroed by the caller) and returns its
  // contribution (row_sum left null). `word` and `ngram_rows` are scratch space.
  TokenCache::Contribution compute(std::string_view token, float* sum, std::string& word,
                                   std::vector<std::int32_t>& ngram_rows) const;

  // The input row of word n-gram bucket `bucket`, or -1 when pruning removed it.
  std::int32_t bucket_row(std::uint64_t bucket) const;
  void add_row(std::int32_t row, float* sum) const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  struct Entry {
    std::int32_t id;
    bool is_word;
  };

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
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> vocabulary_;
  bool pruned_ = false;
  std::vector<std::int32_t> pruned_bucket_rows_;  // bucket -> row, -1: pruned away
  std::vector<float> dense_rows_;                 // empty: rows too many to copy; use input_
  const float* rows_ = nullptr;                   // dense rows (a copy, or the matrix's own)
};

}  // namespace loom::fasttext_inference
