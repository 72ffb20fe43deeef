#include "input_rows.hpp"

#include <fasttext/densematrix.h>
#include <fasttext/vector.h>

#include <algorithm>
#include <bit>
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

// One byte of fastText's Dictionary::hash (FNV-1a over sign-extended chars).
std::uint32_t hash_byte(std::uint32_t h, char c) {
  return (h ^ static_cast<std::uint32_t>(static_cast<std::int8_t>(c))) * fnv_prime;
}

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::vector<std::int32_t> ModelDictionary::pruned_bucket_rows() const {
  if (pruneidx_size_ < 0) return {};
  std::vector<std::int32_t> rows(static_cast<std::size_t>(args_->bucket), -1);
  for (const auto& [bucket, index] : pruneidx_) {
    if (bucket < 0 || bucket >= args_->bucket)
      throw std::runtime_error("pruned bucket " + std::to_string(bucket) + " out of range");
    rows[static_cast<std::size_t>(bucket)] = nwords_ + index;
  }
  return rows;
}

InputRows::InputRows(const fasttext::Args& args, const ModelDictionary& dictionary,
                     const fasttext::Matrix& input)
    : dimension_(args.dim),
      words_(dictionary.nwords()),
      buckets_(static_cast<std::uint32_t>(args.bucket)),
      min_n_(args.minn),
      max_n_(args.maxn),
      label_prefix_(args.label),
      dictionary_(dictionary),
      input_(input) {
  if (buckets_ > 0) bucket_reciprocal_ = ~std::uint64_t{0} / buckets_ + 1;
  pruned_ = dictionary.is_pruned();
  if (pruned_) {
    const std::vector<std::int32_t> bucket_rows = dictionary.pruned_bucket_rows();
    kept_blocks_.resize((bucket_rows.size() + 63) / 64);
    for (std::size_t b = 0; b < bucket_rows.size(); ++b) {
      if (b % 64 == 0) kept_blocks_[b / 64].before = static_cast<std::uint32_t>(kept_rows_.size());
      if (bucket_rows[b] < 0) continue;
      kept_blocks_[b / 64].bits |= std::uint64_t{1} << (b % 64);
      kept_rows_.push_back(bucket_rows[b]);
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

  const std::int32_t entries = dictionary.nwords() + dictionary.nlabels();
  vocabulary_slots_.resize(std::bit_ceil(static_cast<std::size_t>(entries) * 2 + 1));
  vocabulary_mask_ = vocabulary_slots_.size() - 1;
  for (std::int32_t id = 0; id < entries; ++id) {
    const std::string& word = dictionary.getWord(id);
    const std::uint64_t hash = TokenCache::hash_token(word);
    std::size_t i = hash & vocabulary_mask_;
    while (vocabulary_slots_[i].id >= 0) i = (i + 1) & vocabulary_mask_;
    VocabularySlot& slot = vocabulary_slots_[i];
    slot.hash = hash;
    slot.id = id;
    slot.key_offset = static_cast<std::uint32_t>(vocabulary_text_.size());
    slot.key_length = static_cast<std::uint32_t>(word.size());
    slot.is_word = dictionary.getType(id) == fasttext::entry_type::word ? 1 : 0;
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
  for (VocabularySlot& slot : vocabulary_slots_) {
    if (slot.id < 0 || slot.is_word == 0) continue;
    float* sum = word_sums_.data() + static_cast<std::size_t>(slot.id) * dim;
    std::uint32_t h = fnv_offset;
    for (char c : std::string_view(vocabulary_text_).substr(slot.key_offset, slot.key_length))
      h = hash_byte(h, c);
    slot.word_hash = static_cast<std::int32_t>(h);
    if (max_n_ <= 0) {
      add_row(slot.id, sum);
      slot.rows = 1;
      continue;
    }
    const std::vector<std::int32_t>& rows = dictionary_.getSubwords(slot.id);
    for (std::int32_t row : rows) add_row(row, sum);
    slot.rows = static_cast<std::uint32_t>(rows.size());
  }
}

void InputRows::add_row(std::int32_t row, float* sum) const {
  const auto dim = static_cast<std::size_t>(dimension_);
  if (rows_ != nullptr) {
    const float* values = rows_ + static_cast<std::size_t>(row) * dim;
    for (std::size_t d = 0; d < dim; ++d) sum[d] += values[d];
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
  if (b / 64 >= kept_blocks_.size()) return -1;
  const KeptBlock& block = kept_blocks_[b / 64];
  const std::uint64_t bit = std::uint64_t{1} << (b % 64);
  if ((block.bits & bit) == 0) return -1;
  return kept_rows_[block.before +
                    static_cast<std::uint32_t>(std::popcount(block.bits & (bit - 1)))];
}

std::uint32_t InputRows::bucket_of(std::uint32_t hash) const {
  // hash % buckets_ (Lemire, Kaser and Kurz, "Faster remainder by direct computation"): exact
  // for every 32-bit hash and divisor.
  __extension__ using u128 = unsigned __int128;
  const std::uint64_t low = bucket_reciprocal_ * hash;
  return static_cast<std::uint32_t>((static_cast<u128>(low) * buckets_) >> 64);
}

void InputRows::add_char_ngrams(const std::string& word, float* sum, std::uint32_t& rows,
                                std::vector<std::int32_t>& ngram_rows) const {
  // Dictionary::computeSubwords: every run of 1..maxn UTF-8 characters of "<token>" at least
  // minn long, except a lone "<" or ">", hashed into a bucket.
  if (buckets_ == 0) return;
  ngram_rows.clear();
  const std::size_t size = word.size();
  for (std::size_t i = 0; i < size; ++i) {
    if (continuation_byte(word[i])) continue;
    std::uint32_t h = fnv_offset;
    for (std::size_t j = i, n = 1; j < size && n <= static_cast<std::size_t>(max_n_); ++n) {
      h = hash_byte(h, word[j++]);
      while (j < size && continuation_byte(word[j])) h = hash_byte(h, word[j++]);
      if (n >= static_cast<std::size_t>(min_n_) && !(n == 1 && (i == 0 || j == size)))
        ngram_rows.push_back(static_cast<std::int32_t>(bucket_of(h)));
    }
  }
  // The bucket table and the rows are too big for the CPU caches, and each n-gram lands
  // somewhere random in them: fetch all of a token's at once rather than one after another.
  if (pruned_ && !kept_blocks_.empty())
    for (std::int32_t bucket : ngram_rows)
      __builtin_prefetch(&kept_blocks_[static_cast<std::size_t>(bucket) / 64]);
  for (std::int32_t& row : ngram_rows) row = bucket_row(static_cast<std::uint64_t>(row));
  if (rows_ != nullptr) {
    const auto dim = static_cast<std::size_t>(dimension_);
    for (std::int32_t row : ngram_rows)
      if (row >= 0) __builtin_prefetch(rows_ + static_cast<std::size_t>(row) * dim);
  }
  for (std::int32_t row : ngram_rows) {
    if (row < 0) continue;
    add_row(row, sum);
    ++rows;
  }
}

const InputRows::VocabularySlot* InputRows::find_in_vocabulary(std::string_view token,
                                                               std::uint64_t hash) const {
  for (std::size_t i = hash & vocabulary_mask_;; i = (i + 1) & vocabulary_mask_) {
    const VocabularySlot& slot = vocabulary_slots_[i];
    if (slot.id < 0) return nullptr;
    if (slot.hash == hash && slot.key_length == token.size() &&
        std::memcmp(vocabulary_text_.data() + slot.key_offset, token.data(), token.size()) == 0)
      return &slot;
  }
}

bool InputRows::find_known(std::string_view token, std::uint64_t hash,
                           TokenCache::Contribution& known) const {
  const VocabularySlot* slot = find_in_vocabulary(token, hash);
  if (slot == nullptr) return false;
  if (slot->is_word == 0) {  // a label: fastText reads it as the line's label, not as input
    known = TokenCache::Contribution{};
    return true;
  }
  if (word_sums_.empty()) return false;
  const auto dim = static_cast<std::size_t>(dimension_);
  known = TokenCache::Contribution{word_sums_.data() + static_cast<std::size_t>(slot->id) * dim,
                                   slot->rows, slot->word_hash, true};
  return true;
}

TokenCache::Contribution InputRows::compute(std::string_view token, std::uint64_t hash, float* sum,
                                            std::string& word,
                                            std::vector<std::int32_t>& ngram_rows) const {
  // Dictionary::getLine and addSubwords for one token.
  TokenCache::Contribution contribution;
  const VocabularySlot* known = find_in_vocabulary(token, hash);
  const bool in_vocabulary = known != nullptr;
  if (in_vocabulary ? !known->is_word : token.starts_with(label_prefix_))
    return contribution;  // a label: fastText reads it as the line's label, not as input
  contribution.is_word = true;
  std::uint32_t h = fnv_offset;
  for (char c : token) h = hash_byte(h, c);
  contribution.word_hash = static_cast<std::int32_t>(h);
  if (in_vocabulary) {
    const std::int32_t id = known->id;
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
  word.assign(fasttext::Dictionary::BOW);
  word.append(token);
  word.append(fasttext::Dictionary::EOW);
  add_char_ngrams(word, sum, contribution.rows, ngram_rows);
  return contribution;
}

}  // namespace loom::fasttext_inference
