#include "fast_classifier.hpp"

#include "fast_classifier_model.hpp"
#include "input_rows.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace loom::fasttext_inference {
namespace {

// The bytes fastText's Dictionary::readWord splits on.
constexpr std::array<bool, 256> separator_table() {
  std::array<bool, 256> table{};
  for (unsigned char c : {' ', '\n', '\r', '\t', '\v', '\f', '\0'}) table[c] = true;
  return table;
}
constexpr std::array<bool, 256> is_separator = separator_table();

bool separator(char c) { return is_separator[static_cast<unsigned char>(c)]; }

// hidden += row, four floats at a time: the same additions per element as a plain loop, so the
// same result, in a quarter of the instructions (GCC does not vectorize a loop of unknown
// length at -O2).
void add_floats(float* __restrict hidden, const float* __restrict row, std::size_t n) {
  using Four = float __attribute__((vector_size(16)));
  std::size_t d = 0;
  for (; d + 4 <= n; d += 4) {
    Four a;
    Four b;
    std::memcpy(&a, hidden + d, sizeof a);
    std::memcpy(&b, row + d, sizeof b);
    a += b;
    std::memcpy(hidden + d, &a, sizeof a);
  }
  for (; d < n; ++d) hidden[d] += row[d];
}

}  // namespace

FastClassifier::FastClassifier(const std::string& path) : model_(Model::load(path)) {}

FastClassifier::~FastClassifier() = default;

int FastClassifier::dimension() const { return model_->args->dim; }

TokenCache FastClassifier::make_cache(std::size_t capacity) const {
  const int dim = model_->args->dim;
  if (capacity == 0) capacity = default_cache_bytes / TokenCache::bytes_per_token(dim);
  return TokenCache(dim, capacity);
}

TokenCache::Contribution FastClassifier::token_contribution(std::string_view token,
                                                            std::uint64_t hash,
                                                            TokenCache& cache) const {
  TokenCache::Contribution known;
  if (cache.find(token, hash, known)) return known;
  // A vocabulary word's sum was computed at load: copied, not recomputed.
  if (model_->input_rows->find_known(token, hash, known))
    return known.row_sum != nullptr ? cache.insert(token, hash, known) : known;
  std::vector<float>& sum = cache.token_sum;
  std::fill(sum.begin(), sum.end(), 0.0f);
  TokenCache::Contribution contribution =
      model_->input_rows->compute(token, hash, sum.data(), cache.token_word, cache.ngram_rows);
  contribution.row_sum = sum.data();
  return cache.insert(token, hash, contribution);
}

void FastClassifier::add_word_ngrams(TokenCache& cache, std::size_t& rows) const {
  // Dictionary::addWordNgrams: the hashes of up to wordNgrams consecutive words, combined in
  // 64 bits from their sign-extended 32-bit hashes, as fastText does.
  const std::vector<std::int32_t>& hashes = cache.word_hashes;
  const auto n = static_cast<std::size_t>(model_->args->wordNgrams);
  const auto buckets = static_cast<std::uint64_t>(model_->args->bucket);
  std::vector<float>& sum = cache.token_sum;
  std::fill(sum.begin(), sum.end(), 0.0f);
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    auto h = static_cast<std::uint64_t>(static_cast<std::int64_t>(hashes[i]));
    for (std::size_t j = i + 1; j < hashes.size() && j < i + n; ++j) {
      h = h * 116049371 + static_cast<std::uint64_t>(static_cast<std::int64_t>(hashes[j]));
      const std::int32_t row = model_->input_rows->bucket_row(h % buckets);
      if (row < 0) continue;
      model_->input_rows->add_row(row, sum.data());
      ++rows;
    }
  }
  for (std::size_t d = 0; d < cache.hidden.size(); ++d) cache.hidden[d] += sum[d];
}

std::optional<Prediction> FastClassifier::predict(std::string_view line, TokenCache& cache,
                                                  float threshold) const {
  if (line.empty()) return std::nullopt;
  if (cache.dimension() != model_->args->dim)
    throw std::invalid_argument("FastClassifier::predict: the cache was made for another model");
  std::vector<float>& hidden = cache.hidden;
  std::fill(hidden.begin(), hidden.end(), 0.0f);
  const bool word_ngrams = model_->args->wordNgrams > 1;
  cache.word_hashes.clear();
  const std::size_t dim = hidden.size();
  std::size_t rows = 0;

  // The tokens first (hashed, their cache slots requested), then their entries requested, then
  // summed: the lookups' memory latencies overlap instead of adding up.
  std::vector<TokenCache::PendingToken>& tokens = cache.tokens;
  tokens.clear();
  std::size_t pos = 0;
  const std::size_t end = line.size();
  while (true) {
    while (pos < end && separator(line[pos]) && line[pos] != '\n') ++pos;
    if (pos == end) break;
    // A newline is a token of its own (</s>) and ends the line, as does a literal </s>.
    std::string_view token;
    bool last = false;
    if (line[pos] == '\n') {
      token = fasttext::Dictionary::EOS;
      last = true;
    } else {
      const std::size_t start = pos;
      while (pos < end && !separator(line[pos])) ++pos;
      token = line.substr(start, pos - start);
      last = token == fasttext::Dictionary::EOS;
    }
    const std::uint64_t hash = TokenCache::hash_token(token);
    cache.prefetch_slot(hash);
    tokens.push_back({token, hash});
    if (last) break;
  }
  for (const auto& t : tokens) cache.prefetch_entry(t.hash);
  for (const auto& t : tokens) {
    const TokenCache::Contribution c = token_contribution(t.token, t.hash, cache);
    if (!c.is_word) continue;
    add_floats(hidden.data(), c.row_sum, dim);
    rows += c.rows;
    if (word_ngrams) cache.word_hashes.push_back(c.word_hash);
  }
  if (word_ngrams) add_word_ngrams(cache, rows);
  if (rows == 0) return std::nullopt;

  // Model::computeHidden's average, with its double-to-float scale factor.
  fasttext::Vector average(model_->args->dim);
  const auto scale = static_cast<float>(1.0 / static_cast<double>(rows));
  for (std::size_t d = 0; d < dim; ++d) average[static_cast<std::int64_t>(d)] = hidden[d] * scale;
  const auto best = model_->top_label(average, threshold);
  if (!best) return std::nullopt;
  return Prediction{model_->labels[static_cast<std::size_t>(best->label)],
                    std::exp(best->log_score)};
}

}  // namespace loom::fasttext_inference
