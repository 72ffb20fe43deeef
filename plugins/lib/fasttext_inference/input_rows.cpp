#include "input_rows.hpp"

#include "float_sums.hpp"

#include <fasttext/densematrix.h>
#include <fasttext/vector.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace loom::fasttext_inference {
namespace {

// Quantized input matrices up to this many floats are decoded once into a dense copy (lid.176:
// 50,000 rows x 16). Bigger ones are decoded row by row, as fastText itself does.
constexpr std::size_t max_decoded_floats = std::size_t{1} << 25;
// Vocabularies up to this many floats of word sums (16 MB; lid.176: 7,235 words x 16) are summed
// at load; bigger ones are summed per token on a cache miss, as any unknown token is.
constexpr std::size_t max_summed_word_floats = std::size_t{1} << 22;

constexpr std::uint32_t fnv_offset = 2166136261u;
constexpr std::uint32_t fnv_prime = 16777619u;

// fastText's Dictionary::hash (FNV-1a over sign-extended chars).
std::int32_t fasttext_hash(std::string_view text) {
  std::uint32_t h = fnv_offset;
  for (char c : text) h = (h ^ static_cast<std::uint32_t>(static_cast<std::int8_t>(c))) * fnv_prime;
  return static_cast<std::int32_t>(h);
}

}  // namespace

std::vector<ModelDictionary::PrunedBucket> ModelDictionary::pruned_buckets() const {
  std::vector<PrunedBucket> kept;
  if (pruneidx_size_ < 0) return kept;
  kept.reserve(pruneidx_.size());
  for (const auto& [bucket, index] : pruneidx_) {
    if (bucket < 0 || bucket >= args_->bucket)
      throw std::runtime_error("pruned bucket " + std::to_string(bucket) + " out of range");
    kept.push_back({bucket, nwords_ + index});
  }
  return kept;
}

InputRows::InputRows(const fasttext::Args& args, const ModelDictionary& dictionary,
                     const fasttext::Matrix& input)
    : dimension_(args.dim),
      words_(dictionary.nwords()),
      buckets_(static_cast<std::uint32_t>(args.bucket)),
      min_n_(args.minn),
      max_n_(args.maxn),
      word_ngrams_(args.wordNgrams > 1),
      label_prefix_(args.label),
      dictionary_(dictionary),
      input_(input) {
  pruned_ = dictionary.is_pruned();
  // Every row the dictionary can point at must be in the matrix (a damaged or hostile file could
  // say otherwise, and the rows would be read past its end).
  const std::int64_t matrix_rows = input.size(0);
  const auto row_past_end = [&](std::int64_t row) {
    return std::runtime_error("the dictionary points at input row " + std::to_string(row) +
                              ", outside the matrix's " + std::to_string(matrix_rows) + " rows");
  };
  if (std::int64_t{words_} > matrix_rows) throw row_past_end(std::int64_t{words_} - 1);
  if (!pruned_ && buckets_ > 0 && std::int64_t{words_} + buckets_ > matrix_rows)
    throw row_past_end(std::int64_t{words_} + buckets_ - 1);
  if (pruned_) {
    // From the few kept buckets (unordered) to the bitmap, the counts, then each kept row at its
    // rank: a table of rows for every bucket (lid.176: 8 MB to fill, then scan) cost about 9 ms
    // of each run's start.
    const std::vector<ModelDictionary::PrunedBucket> kept = dictionary.pruned_buckets();
    kept_bits_.assign((std::size_t{buckets_} + 63) / 64, 0);
    kept_before_.resize(kept_bits_.size());
    for (const auto& [bucket, row] : kept) {
      if (row < 0 || row >= matrix_rows) throw row_past_end(row);
      kept_bits_[static_cast<std::uint32_t>(bucket) / 64] |= std::uint64_t{1} << (bucket % 64);
    }
    std::uint32_t before = 0;
    for (std::size_t w = 0; w < kept_bits_.size(); ++w) {
      kept_before_[w] = before;
      before += static_cast<std::uint32_t>(std::popcount(kept_bits_[w]));
    }
    kept_rows_.resize(before);
    for (const auto& [bucket, row] : kept) {
      const auto b = static_cast<std::uint32_t>(bucket);
      const std::uint64_t lower = kept_bits_[b / 64] & ((std::uint64_t{1} << (b % 64)) - 1);
      kept_rows_[kept_before_[b / 64] + static_cast<std::uint32_t>(std::popcount(lower))] = row;
    }
  }
  const auto row_count = static_cast<std::size_t>(input.size(0));
  const auto dim = static_cast<std::size_t>(dimension_);
  if (const auto* dense = dynamic_cast<const fasttext::DenseMatrix*>(&input)) {
    rows_ = dense->data();
  } else if (row_count * dim <= max_decoded_floats) {
    dense_rows_.resize(row_count * dim);
    fasttext::Vector row(dimension_);
    for (std::size_t i = 0; i < row_count; ++i) {
      row.zero();
      input.addRowToVector(row, static_cast<std::int32_t>(i));
      std::copy_n(row.data(), dim, dense_rows_.data() + i * dim);
    }
    rows_ = dense_rows_.data();
  }
  // A NaN or infinite weight (a damaged file) would make every text it touches score NaN, which
  // libfasttext only reports deep inside a prediction.
  if (rows_ != nullptr)
    for (std::size_t i = 0; i < row_count * dim; ++i)
      if (!std::isfinite(rows_[i]))
        throw std::runtime_error("input row " + std::to_string(i / dim) +
                                 " holds a value that is not a finite number");
  if (rows_ != nullptr && pruned_) {
    kept_row_values_.resize(kept_rows_.size() * dim);
    for (std::size_t rank = 0; rank < kept_rows_.size(); ++rank)
      std::copy_n(rows_ + static_cast<std::size_t>(kept_rows_[rank]) * dim, dim,
                  kept_row_values_.data() + rank * dim);
  }
  NgramBuckets ngram_buckets{buckets_, min_n_, max_n_};
  if (pruned_) {
    ngram_buckets.kept_bits = kept_bits_.data();
    ngram_buckets.kept_before = kept_before_.data();
  }
  if (rows_ != nullptr) {
    ngram_buckets.rows = reinterpret_cast<const char*>(ngram_row_values(0));
    ngram_buckets.row_bytes = dim * sizeof(float);
  }
  char_ngrams_ = CharNgrams(ngram_buckets);

  const std::int32_t entries = dictionary.nwords() + dictionary.nlabels();
  // Most tokens looked up are not there, and a miss ends at the first empty slot: at most an
  // eighth of the slots full (lid.176: 512 KB), a miss rarely probes twice, so its branches
  // are predictable. Vocabularies of millions of words take a quarter of that room per entry.
  const std::size_t slots_per_entry = entries <= (std::int32_t{1} << 20) ? 8 : 2;
  vocabulary_slots_.resize(std::bit_ceil(static_cast<std::size_t>(entries) * slots_per_entry + 1));
  vocabulary_mask_ = vocabulary_slots_.size() - 1;
  vocabulary_.resize(static_cast<std::size_t>(entries));
  for (std::int32_t id = 0; id < entries; ++id) {
    const std::string& word = dictionary.getWord(id);
    const std::uint64_t hash = TokenCache::hash_token(word);
    std::size_t i = hash & vocabulary_mask_;
    while (vocabulary_slots_[i].id >= 0) i = (i + 1) & vocabulary_mask_;
    vocabulary_slots_[i] = VocabularySlot{static_cast<std::uint32_t>(hash >> 32), id};
    VocabularyEntry& entry = vocabulary_[static_cast<std::size_t>(id)];
    entry.key_offset = static_cast<std::uint32_t>(vocabulary_text_.size());
    if (word.size() >> 31 != 0) throw std::length_error("InputRows: a vocabulary word of 2 GB");
    entry.key_length = static_cast<std::uint32_t>(word.size()) & 0x7FFFFFFFu;
    entry.key = token_key(word);
    entry.is_word = dictionary.getType(id) == fasttext::entry_type::word ? 1u : 0u;
    vocabulary_text_ += word;
  }
  sum_vocabulary_words();
}

void InputRows::sum_vocabulary_words() {
  // Each word's rows (itself and its char n-grams) summed once, in fastText's order, so a known
  // word costs a lookup in this small table and one vector add per occurrence.
  const auto dim = static_cast<std::size_t>(dimension_);
  if (static_cast<std::size_t>(words_) * dim > max_summed_word_floats) return;
  word_sums_.assign(static_cast<std::size_t>(words_) * dim, 0.0f);
  for (std::int32_t id = 0; id < words_; ++id) {
    VocabularyEntry& entry = vocabulary_[static_cast<std::size_t>(id)];
    float* sum = word_sums_.data() + static_cast<std::size_t>(id) * dim;
    entry.word_hash = fasttext_hash(
        std::string_view(vocabulary_text_).substr(entry.key_offset, entry.key_length));
    if (max_n_ <= 0) {
      add_row(id, sum);
      entry.rows = 1;
      continue;
    }
    const std::vector<std::int32_t>& rows = dictionary_.getSubwords(id);
    for (std::int32_t row : rows) add_row(row, sum);
    entry.rows = static_cast<std::uint32_t>(rows.size());
  }
}

void InputRows::add_row(std::int32_t row, float* sum) const {
  const auto dim = static_cast<std::size_t>(dimension_);
  if (rows_ != nullptr) {
    add_floats(sum, rows_ + static_cast<std::size_t>(row) * dim, dim);
    return;
  }
  fasttext::Vector values(dimension_);
  values.zero();
  input_.addRowToVector(values, row);
  for (std::size_t d = 0; d < dim; ++d) sum[d] += values[static_cast<std::int64_t>(d)];
}

std::int32_t InputRows::bucket_row(std::uint64_t bucket) const {
  // Dictionary::pushHash: the bucket's row after the vocabulary, unless pruning removed it.
  const auto id = static_cast<std::int32_t>(bucket);
  if (id < 0) return -1;
  if (!pruned_) return words_ + id;
  const auto b = static_cast<std::size_t>(id);
  if (b / 64 >= kept_bits_.size()) return -1;
  const std::uint64_t bits = kept_bits_[b / 64];
  const std::uint64_t bit = std::uint64_t{1} << (b % 64);
  if ((bits & bit) == 0) return -1;
  return kept_rows_[kept_before_[b / 64] +
                    static_cast<std::uint32_t>(std::popcount(bits & (bit - 1)))];
}

void InputRows::add_char_ngrams(std::string_view token, float* sum, std::uint32_t& rows,
                                std::string& word, std::vector<KeptNgram>& ngrams) const {
  // Dictionary::computeSubwords on "<token>", keeping the n-grams whose bucket has a row.
  // Built in place in a reused buffer: this runs for every first sighting of a token.
  const std::string& bow = fasttext::Dictionary::BOW;
  const std::string& eow = fasttext::Dictionary::EOW;
  const std::size_t size = bow.size() + token.size() + eow.size();
  if (word.size() < size + CharNgrams::padding) word.resize(size + CharNgrams::padding);
  char* out = word.data();
  std::memcpy(out, bow.data(), bow.size());
  std::memcpy(out + bow.size(), token.data(), token.size());
  std::memcpy(out + bow.size() + token.size(), eow.data(), eow.size());
  std::memset(out + size, 0, CharNgrams::padding);
  // The vector paths requested each kept row as they found it.
  char_ngrams_.kept(out, size, ngrams);
  if (rows_ == nullptr) {
    for (const KeptNgram& ngram : ngrams) add_row(bucket_row(ngram.bucket), sum);
  } else {
    const auto dim = static_cast<std::size_t>(dimension_);
    for (const KeptNgram& ngram : ngrams) add_floats(sum, ngram_row_values(ngram.rank), dim);
  }
  rows += static_cast<std::uint32_t>(ngrams.size());
}

const float* InputRows::ngram_row_values(std::uint32_t rank) const {
  const auto dim = static_cast<std::size_t>(dimension_);
  if (pruned_) return kept_row_values_.data() + static_cast<std::size_t>(rank) * dim;
  return rows_ + (static_cast<std::size_t>(words_) + rank) * dim;
}

std::int32_t InputRows::find_in_vocabulary(std::string_view token, const TokenKey& key,
                                           std::uint64_t hash) const {
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  for (std::size_t i = hash & vocabulary_mask_;; i = (i + 1) & vocabulary_mask_) {
    const VocabularySlot slot = vocabulary_slots_[i];
    if (slot.id < 0) return -1;
    if (slot.tag != tag) continue;
    const VocabularyEntry& entry = vocabulary_[static_cast<std::size_t>(slot.id)];
    if (!((static_cast<std::size_t>(entry.key_length) == token.size()) & same_key(entry.key, key)))
      continue;
    if (token.size() <= token_key_bytes ||
        std::memcmp(vocabulary_text_.data() + entry.key_offset + token_key_bytes,
                    token.data() + token_key_bytes, token.size() - token_key_bytes) == 0)
      return slot.id;
  }
}

bool InputRows::find_known(std::string_view token, const TokenKey& key, std::uint64_t hash,
                           TokenCache::Contribution& known, std::int32_t& id) const {
  id = find_in_vocabulary(token, key, hash);
  if (id < 0) return false;
  const VocabularyEntry& entry = vocabulary_[static_cast<std::size_t>(id)];
  if (!entry.is_word) {  // a label: fastText reads it as the line's label, not as input
    known = TokenCache::Contribution{};
    return true;
  }
  if (word_sums_.empty()) return false;
  const auto dim = static_cast<std::size_t>(dimension_);
  known = TokenCache::Contribution{word_sums_.data() + static_cast<std::size_t>(id) * dim,
                                   entry.rows, entry.word_hash, true};
  return true;
}

void InputRows::compute_first_sightings(FirstSightings& first) const {
  const auto dim = static_cast<std::size_t>(dimension_);
  std::vector<FirstSightings::Token>& tokens = first.tokens();
  first.sums.assign(tokens.size() * dim, 0.0f);
  first.batched.clear();
  first.batched_indices.clear();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    FirstSightings::Token& token = tokens[i];
    if (token.summed) continue;
    float* sum = first.sums.data() + i * dim;
    // What compute() sums by add_char_ngrams: an unknown token that is neither a label nor </s>.
    if (token.vocabulary_id >= 0 || rows_ == nullptr || max_n_ <= 0 || is_label(token.text) ||
        token.text == fasttext::Dictionary::EOS) {
      token.contribution = compute(token.text, token.vocabulary_id, sum, first.word, first.kept);
    } else {
      token.contribution = TokenCache::Contribution{};
      token.contribution.is_word = true;
      if (word_ngrams_) token.contribution.word_hash = fasttext_hash(token.text);
      first.batched.push_back(token.text);
      first.batched_indices.push_back(static_cast<std::uint32_t>(i));
    }
    token.contribution.row_sum = sum;
  }
  if (first.batched.empty()) return;
  char_ngrams_.kept_ranks(first.batched.data(), first.batched.size(), first.ngrams);
  const float* const rows = ngram_row_values(0);
  const std::uint32_t* const ranks = first.ngrams.ranks.data();
  // Every row requested before any is summed: about ten rows per token, from a table larger than
  // L2, and asked for here (not as each rank is found, nor a few ranks ahead of the sum) they cost
  // least (docs/bench.md).
  for (std::size_t k = 0; k < first.ngrams.ranks.size(); ++k)
    __builtin_prefetch(rows + std::size_t{ranks[k]} * dim);
  for (std::size_t j = 0; j < first.batched.size(); ++j) {
    FirstSightings::Token& token = tokens[first.batched_indices[j]];
    const BatchedNgrams::Span span = first.ngrams.spans[j];
    float* sum = first.sums.data() + std::size_t{first.batched_indices[j]} * dim;
    if (dim == 16) {
      SixteenFloats total;
      for (std::uint32_t k = span.begin; k < span.end; ++k)
        total.add(rows + std::size_t{ranks[k]} * 16);
      total.store(sum);
    } else {
      for (std::uint32_t k = span.begin; k < span.end; ++k)
        add_floats(sum, rows + std::size_t{ranks[k]} * dim, dim);
    }
    token.contribution.rows = span.end - span.begin;
  }
}

TokenCache::Contribution InputRows::compute(std::string_view token, std::int32_t id, float* sum,
                                            std::string& word,
                                            std::vector<KeptNgram>& ngrams) const {
  // Dictionary::getLine and addSubwords for one token.
  TokenCache::Contribution contribution;
  const bool in_vocabulary = id >= 0;
  if (in_vocabulary ? !vocabulary_[static_cast<std::size_t>(id)].is_word : is_label(token))
    return contribution;  // a label: fastText reads it as the line's label, not as input
  contribution.is_word = true;
  // Only word n-grams read it; a byte loop per first sighting otherwise.
  if (word_ngrams_) contribution.word_hash = fasttext_hash(token);
  if (in_vocabulary) {
    if (max_n_ <= 0) {
      add_row(id, sum);
      contribution.rows = 1;
      return contribution;
    }
    const std::vector<std::int32_t>& rows = dictionary_.getSubwords(id);
    for (std::int32_t row : rows) add_row(row, sum);
    contribution.rows = static_cast<std::uint32_t>(rows.size());
    return contribution;
  }
  if (token == fasttext::Dictionary::EOS) return contribution;
  add_char_ngrams(token, sum, contribution.rows, word, ngrams);
  return contribution;
}

}  // namespace loom::fasttext_inference
