#include "fast_classifier.hpp"

#include "fast_classifier_model.hpp"
#include "float_sums.hpp"
#include "input_rows.hpp"

#include <fasttext/densematrix.h>

#include <bit>
#include <cmath>
#include <stdexcept>

namespace loom::fasttext_inference {

FastClassifier::FastClassifier(const std::string& path) : model_(Model::load(path)) {}

FastClassifier::~FastClassifier() = default;

int FastClassifier::dimension() const { return model_->args->dim; }

TokenCache FastClassifier::make_cache(std::size_t capacity, std::size_t first_slots) const {
  const int dim = model_->args->dim;
  if (capacity == 0)
    capacity = std::bit_floor(default_cache_bytes / TokenCache::bytes_per_token(dim));
  return TokenCache(dim, capacity, first_slots);
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

  // Passes, so that memory latencies overlap instead of adding up: the tokens (hashed, their
  // cache entries' keys requested), then their cache lookups (the row sums requested), then the
  // distinct tokens the cache did not hold (FirstSightings), the vocabulary for each (a word's sum
  // was computed at load), those found in neither computed together, then the sums in order, and
  // last the tokens the cache did not hold stored in it (not before: one may take the slot of a
  // token this line found there). The cache comes first, vocabulary words included: four tokens in
  // five are found there on unique documents, and a probe of the vocabulary for every token, most
  // of them not in it, cost more than the cache's room for the words a thread meets
  // (docs/bench.md).
  std::vector<TokenCache::PendingToken>& tokens = cache.tokens;
  tokens.clear();
  const InputRows& input_rows = *model_->input_rows;
  const auto line_begin = reinterpret_cast<std::uintptr_t>(line.data());
  const char* const line_end = line.data() + line.size();
  // Inlined into the token loop: as a call per token (GCC's choice), it cost 2-3% more.
  const auto add_token = [&](std::string_view token) __attribute__((always_inline)) {
    // A token of the line may be read up to the line's end; the "</s>" it adds is elsewhere.
    const bool in_line = reinterpret_cast<std::uintptr_t>(token.data()) - line_begin < line.size();
    const TokenKey key = token_key(token, in_line ? line_end : nullptr);
    const std::uint64_t hash = hash_token(token, key);
    cache.prefetch(hash);
    // Fields written in place: copying a whole PendingToken built on the stack read it back in
    // 16-byte pieces just stored in 8-byte ones, which stalls store forwarding on every token.
    TokenCache::PendingToken& pending = tokens.emplace_back();
    pending.token = token;
    pending.key = key;
    pending.hash = hash;
  };
  cache.line_tokens.for_each(line, add_token);
  // Whether a cache lookup hit is kept as data, not branched on: the branch would wait for the
  // entry to come from memory and mispredict about one time in five.
  std::vector<std::uint32_t>& missed = cache.missed;
  missed.resize(tokens.size());
  std::size_t misses = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    TokenCache::PendingToken& t = tokens[i];
    t.known = cache.find(t.token, t.key, t.hash, t.contribution);
    cache.prefetch_sum(t.contribution);
    missed[misses] = static_cast<std::uint32_t>(i);
    misses += t.known ? 0 : 1;
  }
  // The misses' distinct tokens first, then the vocabulary for each of them, not for each
  // occurrence: on text whose words are new to the cache (the Common Crawl bench), a line repeats
  // nearly half of its misses.
  FirstSightings& first = cache.first_sightings;
  first.start(misses);
  for (std::size_t m = 0; m < misses; ++m) {
    TokenCache::PendingToken& t = tokens[missed[m]];
    t.first_sighting = first.add(t.token, t.key, t.hash);
  }
  std::vector<FirstSightings::Token>& distinct = first.tokens();
  for (const FirstSightings::Token& f : distinct) input_rows.prefetch_vocabulary(f.hash);
  bool to_compute = false;
  for (FirstSightings::Token& f : distinct) {
    // A vocabulary word's sum was computed at load. A label (no row sum) is left to compute(),
    // which reads it as fastText does: a token adding nothing.
    TokenCache::Contribution known;
    f.summed = input_rows.find_known(f.text, f.key, f.hash, known, f.vocabulary_id) &&
               known.row_sum != nullptr;
    if (f.summed)
      f.contribution = known;
    else
      cache.note_miss(f.hash);
    to_compute = to_compute || !f.summed;
  }
  cache.note_lookups(tokens.size());
  if (to_compute) input_rows.compute_first_sightings(first);
  for (std::size_t m = 0; m < misses; ++m) {
    TokenCache::PendingToken& t = tokens[missed[m]];
    t.contribution = distinct[t.first_sighting].contribution;
  }
  const auto sum_tokens = [&](auto sum) {
    // Counted in a local: `rows` itself lives in memory (add_word_ngrams takes its address),
    // and adding to it there made each token wait on the previous token's store.
    std::size_t token_rows = 0;
    for (const auto& t : tokens) {
      const TokenCache::Contribution& c = t.contribution;
      if (!c.is_word) continue;
      sum.add(c.row_sum);
      token_rows += c.rows;
      if (word_ngrams) cache.word_hashes.push_back(c.word_hash);
    }
    sum.store(hidden.data());
    rows += token_rows;
  };
  if (dim == 16)
    sum_tokens(SixteenFloats{});
  else
    sum_tokens(Floats(hidden.data(), dim));
  for (const FirstSightings::Token& t : distinct)
    cache.insert(t.text, t.key, t.hash, t.contribution);
  if (word_ngrams) add_word_ngrams(cache, rows);
  if (rows == 0) return std::nullopt;

  // Model::computeHidden's average, with its double-to-float scale factor.
  fasttext::Vector average(model_->args->dim);
  const auto scale = static_cast<float>(1.0 / static_cast<double>(rows));
  for (std::size_t d = 0; d < dim; ++d) average[static_cast<std::int64_t>(d)] = hidden[d] * scale;
  // Weights checked finite at load can still overflow when summed: libfasttext then throws
  // "Encountered NaN." from a dense output layer, and a quantized one scores NaN, which would be
  // written out as a score. Either way this text cannot be scored.
  const auto not_numbers = [] {
    return std::runtime_error(
        "the fastText model's scores for this text are not numbers (its weights overflow)");
  };
  std::optional<Model::Scored> best;
  try {
    best = model_->top_label(average, threshold);
  } catch (const fasttext::DenseMatrix::EncounteredNaNError&) {
    throw not_numbers();
  }
  if (best && std::isnan(best->log_score)) throw not_numbers();
  if (!best) return std::nullopt;
  return Prediction{model_->labels[static_cast<std::size_t>(best->label)],
                    std::exp(best->log_score)};
}

}  // namespace loom::fasttext_inference
