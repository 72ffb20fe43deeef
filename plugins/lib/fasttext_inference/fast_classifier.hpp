// FastClassifier: top-1 prediction with a supervised fastText model (.bin or quantized .ftz),
// giving what libfasttext's FastText::predictLine(in, predictions, 1, threshold) gives for the
// same line, several times faster: vocabulary words' input rows are summed at load, every other
// distinct token's once, and each token's sum, a vocabulary word's included, is kept in a
// per-thread TokenCache, so a document costs a hash lookup and a vector add per token, plus a
// vocabulary lookup for the tokens the cache does not hold and the char n-grams of tokens seen
// for the first time (a line's new tokens computed together: FirstSightings,
// CharNgrams::kept_ranks).
//
// The model is read with libfasttext's own classes (Args, Dictionary, the dense and quantized
// matrices), so the vocabulary, subword ids and row values are exactly fastText's. The hidden
// vector is summed token by token instead of row by row, so probabilities can differ from
// predictLine's in the last bits of a float (well under 1e-5); everything else is the same
// computation: hierarchical softmax, softmax or one-vs-all output, fastText's log(p + 1e-5).
//
// Thread safety: a FastClassifier is immutable after construction and may be shared; each
// thread passes its own TokenCache (make_cache()). Results never depend on a cache's contents.
#pragma once

#include "token_cache.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace loom::fasttext_inference {

struct Prediction {
  std::string_view label;  // as the model names it, e.g. "__label__en"; valid while the model is
  float probability = 0;   // exactly what predictLine reports: exp(log(p + 1e-5))
};

class FastClassifier {
 public:
  // Reads a supervised fastText model. Throws std::runtime_error naming the file on a missing,
  // truncated or unsupported file.
  explicit FastClassifier(const std::string& path);
  ~FastClassifier();
  FastClassifier(const FastClassifier&) = delete;
  FastClassifier& operator=(const FastClassifier&) = delete;

  // Memory a default cache uses at most (the pages it touches): 262,144 tokens of lid.176
  // (dimension 16, 128 bytes each), enough for the distinct unknown tokens of thousands of web
  // documents, so a warm thread rarely misses.
  static constexpr std::size_t default_cache_bytes = std::size_t{32} << 20;

  // A cache for one thread's predictions; capacity 0: as many tokens as default_cache_bytes hold.
  // `first_slots`: where it starts if it is to grow (TokenCache); 0: its full size at once.
  TokenCache make_cache(std::size_t capacity = 0, std::size_t first_slots = 0) const;

  // The top label of `line` read as predictLine reads an istream holding it: whitespace-separated
  // tokens up to the first '\n' (which adds the end-of-sentence token </s>) or a literal </s>.
  // nullopt where predictLine returns no prediction: an empty line, a line with no known input
  // rows, or no label whose probability reaches `threshold`.
  std::optional<Prediction> predict(std::string_view line, TokenCache& cache,
                                    float threshold = 0.0f) const;

  int dimension() const;

 private:
  struct Model;
  std::unique_ptr<const Model> model_;

  void add_word_ngrams(TokenCache& cache, std::size_t& rows) const;
};

}  // namespace loom::fasttext_inference
