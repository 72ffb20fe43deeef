// FirstSightings: the tokens of one line that neither the vocabulary nor the token cache knew,
// gathered before any is computed, so that their char n-grams are hashed together
// (CharNgrams::kept_ranks: sixteen lanes full across word boundaries, where one short word leaves
// most of them empty) and a token the line repeats is computed once.
//
// Not synchronized: one per TokenCache, used by its thread for one line at a time.
#pragma once

#include "char_ngrams.hpp"
#include "token_contribution.hpp"
#include "token_key.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::fasttext_inference {

class FirstSightings {
 public:
  struct Token {
    std::string_view text;
    std::uint64_t hash = 0;           // TokenCache::hash_token(text)
    TokenKey key;                     // token_key(text)
    std::int32_t vocabulary_id = -1;  // -1: not in the vocabulary
    // Already known (a vocabulary word summed at load): compute_first_sightings leaves it as is.
    bool summed = false;
    TokenContribution contribution;  // else set by InputRows::compute_first_sightings
  };

  // Forgets the previous line's tokens; the new line is expected to add about `tokens` (more
  // make the table grow).
  void start(std::size_t tokens);

  // The index of `text` among this line's first sightings, added if it is not there yet; `key`
  // is token_key(text), and `hash` its hash (TokenCache::hash_token).
  std::uint32_t add(std::string_view text, const TokenKey& key, std::uint64_t hash);

  std::vector<Token>& tokens() { return tokens_; }
  const std::vector<Token>& tokens() const { return tokens_; }

  // Scratch space for InputRows::compute_first_sightings: the tokens' row sums (dimension floats
  // each, by index), and those whose n-grams are computed together.
  std::vector<float> sums;
  std::vector<std::string_view> batched;
  std::vector<std::uint32_t> batched_indices;
  BatchedNgrams ngrams;
  std::string word;
  std::vector<KeptNgram> kept;

 private:
  // Empty slots for at least twice `tokens`, holding tokens_.
  void make_slots(std::size_t tokens);

  std::vector<Token> tokens_;
  // Open addressing on the hash: index + 1 of the token there, 0 where empty.
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
};

}  // namespace loom::fasttext_inference
