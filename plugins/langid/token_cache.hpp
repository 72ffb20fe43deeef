// TokenCache: a bounded memory of what each distinct token contributes to a fastText hidden
// vector (the sum of its input-matrix rows and how many rows that is), so a document costs one
// hash lookup and one vector add per token instead of re-deriving its subwords every time.
//
// Not synchronized: each thread uses its own cache. What a cache holds never changes a result,
// only how fast it comes (a miss computes the same sum a hit would have returned).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::fasttext_inference {

class TokenCache {
 public:
  // What one token adds to the hidden vector.
  struct Contribution {
    const float* row_sum = nullptr;  // `dimension` floats
    std::uint32_t rows = 0;          // input rows summed (0: the token adds nothing)
    std::int32_t word_hash = 0;      // fastText's hash of the token, for word n-grams
    bool is_word = false;            // false: a label token, which fastText leaves out entirely
  };

  // Tokens longer than this are not stored: they are rare, and storing them would let one
  // pathological document fill the key arena.
  static constexpr std::size_t max_token_bytes = 64;

  // `capacity`: distinct tokens kept before the cache starts over empty.
  TokenCache(int dimension, std::size_t capacity);

  int dimension() const { return dimension_; }

  // The stored contribution of `token`, or nullptr. `hash` must be hash_token(token).
  const Contribution* find(std::string_view token, std::uint64_t hash) const;

  // Stores a contribution (row_sum is copied) and returns the stored copy; when full, everything
  // stored so far is forgotten first. Tokens longer than max_token_bytes are not stored: the
  // returned contribution then points into a scratch buffer valid until the next insert.
  const Contribution* insert(std::string_view token, std::uint64_t hash,
                             const Contribution& contribution);

  std::size_t size() const { return entries_; }

  static std::uint64_t hash_token(std::string_view token);

  // Scratch space for the cache's thread: the document's hidden vector and word hashes, and the
  // sum and "<token>" string of a token being computed.
  std::vector<float> hidden;
  std::vector<std::int32_t> word_hashes;
  std::vector<float> token_sum;
  std::string token_word;

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t entry = 0;  // entry index + 1; 0: empty
  };

  void clear();

  int dimension_;
  std::size_t capacity_;
  std::size_t mask_;
  std::size_t entries_ = 0;
  std::vector<Slot> slots_;
  std::vector<Contribution> contributions_;
  std::vector<float> sums_;
  std::vector<std::uint32_t> key_offsets_;
  std::vector<std::uint8_t> key_lengths_;
  std::string keys_;
  Contribution scratch_;
  std::vector<float> scratch_sum_;
};

}  // namespace loom::fasttext_inference
