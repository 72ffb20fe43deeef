// InputRows: what one token adds to a fastText hidden vector, computed the way fastText's
// Dictionary::getLine + Model::computeHidden would, but without their per-token allocations:
// vocabulary words summed once at load, char n-grams hashed by CharNgrams (vector paths for
// ASCII words), pruned buckets tested against a bitmap, and input rows read from a dense float
// copy of the matrix (the quantized rows decoded once, by libfasttext itself, at load), the kept
// n-gram rows again in bucket-rank order.
#pragma once

#include "char_ngrams.hpp"
#include "fast_classifier_model.hpp"
#include "first_sightings.hpp"
#include "huge_pages.hpp"
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

  // Asks the CPU to fetch the vocabulary slot find_known() will read first for this hash.
  void prefetch_vocabulary(std::uint64_t hash) const {
    __builtin_prefetch(&vocabulary_slots_[hash & vocabulary_mask_]);
  }

  // The contribution of `token` if it is in the vocabulary and its sum was computed at load
  // (always, but for vocabularies too big to sum ahead); else false. `id` is set to the
  // token's vocabulary id, or -1. `hash`: TokenCache::hash_token(token).
  bool find_known(std::string_view token, const TokenKey& key, std::uint64_t hash,
                  TokenCache::Contribution& known, std::int32_t& id) const;

  // Sums the token's rows into `sum` (dimension floats, zeroed by the caller) and returns its
  // contribution (row_sum left null). `id` is its vocabulary id as find_known() gave it; `word`
  // and `ngrams` are scratch space.
  TokenCache::Contribution compute(std::string_view token, std::int32_t id, float* sum,
                                   std::string& word, std::vector<KeptNgram>& ngrams) const;

  // compute() for each of a line's first sightings, their sums in `first.sums`; the char n-grams
  // of those outside the vocabulary hashed together (CharNgrams::kept_ranks). Each token's rows
  // are added in the order compute() adds them, so its sum is the same bits.
  void compute_first_sightings(FirstSightings& first) const;

  // The input row of word n-gram bucket `bucket`, or -1 when pruning removed it.
  std::int32_t bucket_row(std::uint64_t bucket) const;
  void add_row(std::int32_t row, float* sum) const;

 private:
  // The vocabulary (words and labels) as a flat open-addressing table keyed by
  // TokenCache::hash_token, which the caller has computed already. Every token the token cache
  // does not hold is looked up in it and most are not there, so its slots are 8 bytes (512 KB for
  // lid.176: it stays in the CPU caches) and what a found entry needs is in a table by id.
  struct VocabularySlot {
    std::uint32_t tag = 0;  // the hash's high half
    std::int32_t id = -1;   // -1: empty
  };
  // 32 bytes, aligned: one line holds all of it.
  struct alignas(32) VocabularyEntry {
    // The word's first 16 bytes, here rather than only in vocabulary_text_: a found slot then
    // needs this entry's line alone to confirm the word, not a second read dependent on it.
    TokenKey key;
    std::uint32_t key_offset = 0;
    std::uint32_t key_length : 31 = 0;
    std::uint32_t is_word : 1 = 0;
    std::uint32_t rows = 0;  // input rows of a word
    std::int32_t word_hash = 0;
  };
  // The id of `token` in the vocabulary, or -1.
  std::int32_t find_in_vocabulary(std::string_view token, const TokenKey& key,
                                  std::uint64_t hash) const;
  void sum_vocabulary_words();
  // Whether fastText reads `token` as a label (it starts with the label prefix); the first byte
  // decides for almost every token, without a call to memcmp.
  bool is_label(std::string_view token) const {
    return (label_prefix_.empty() || (!token.empty() && token[0] == label_prefix_[0])) &&
           token.starts_with(label_prefix_);
  }

  void add_char_ngrams(std::string_view token, float* sum, std::uint32_t& rows, std::string& word,
                       std::vector<KeptNgram>& ngrams) const;
  // The values of the kept n-gram row of rank `rank` (KeptNgram::rank); only where the rows are
  // decoded (rows_ set).
  const float* ngram_row_values(std::uint32_t rank) const;

  int dimension_;
  std::int32_t words_;
  std::uint32_t buckets_;
  int min_n_;
  int max_n_;
  bool word_ngrams_;  // the model adds word n-grams, so tokens' fastText hashes are needed
  std::string label_prefix_;
  const ModelDictionary& dictionary_;
  const fasttext::Matrix& input_;
  std::vector<VocabularySlot> vocabulary_slots_;
  std::vector<VocabularyEntry> vocabulary_;  // by id
  std::size_t vocabulary_mask_ = 0;
  // Every entry's bytes, one after another (a long word's bytes past its key are compared here).
  std::string vocabulary_text_;
  std::vector<float> word_sums_;  // by word id, dimension floats each; empty: not summed
  bool pruned_ = false;
  // A pruned model keeps few of its buckets (lid.176: 42,765 of 2,000,000). Which ones is a
  // bitmap (250 KB: it stays in the CPU caches, unlike a table of rows per bucket), and beside
  // each 64 bits the count of kept buckets before them, read only for the few kept: a kept
  // bucket's rank among the kept is its index in kept_rows_, which holds their rows in order.
  std::vector<std::uint64_t> kept_bits_;
  std::vector<std::uint32_t> kept_before_;
  std::vector<std::int32_t> kept_rows_;
  // The kept buckets' rows again, in the same order: a kept n-gram's values are one read away
  // from its rank (empty where the rows are not decoded).
  std::vector<float, HugePageAllocator<float>> kept_row_values_;
  CharNgrams char_ngrams_;
  std::vector<float> dense_rows_;  // empty: rows too many to copy; use input_
  const float* rows_ = nullptr;    // dense rows (a copy, or the matrix's own)
};

}  // namespace loom::fasttext_inference
