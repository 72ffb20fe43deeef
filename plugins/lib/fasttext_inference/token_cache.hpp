// TokenCache: a bounded memory of what each distinct token contributes to a fastText hidden
// vector (the sum of its input-matrix rows and how many rows that is), so a document costs one
// hash lookup and one vector add per token instead of re-deriving its subwords every time.
//
// Not synchronized: each thread uses its own cache. What a cache holds never changes a result,
// only how fast it comes (a miss computes the same sum a hit would have returned).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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

  // Longer tokens are not stored: they rarely recur, and would crowd the key arena.
  static constexpr std::size_t max_token_bytes = 1024;

  // `capacity`: distinct tokens kept before the cache starts over empty.
  TokenCache(int dimension, std::size_t capacity);

  int dimension() const { return dimension_; }
  std::size_t size() const { return entries_; }

  static std::uint64_t hash_token(std::string_view token);
  // About what one stored token costs, for sizing a cache by memory.
  static std::size_t bytes_per_token(int dimension);

  // Asks the CPU to fetch what find() will read for this hash (its slot, then its entry): a
  // document's lookups are issued together so their memory latencies overlap.
  void prefetch_slot(std::uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }
  void prefetch_entry(std::uint64_t hash) const;

  // The stored contribution of `token` (hash: hash_token(token)), or false.
  bool find(std::string_view token, std::uint64_t hash, Contribution& found) const;

  // Stores a contribution (row_sum is copied) and returns the stored copy; when full, everything
  // stored so far is forgotten first. Tokens longer than max_token_bytes are not stored: the
  // returned contribution then points into a scratch buffer valid until the next insert.
  Contribution insert(std::string_view token, std::uint64_t hash, const Contribution& contribution);

  // Scratch space for the cache's thread while it predicts one document.
  struct PendingToken {
    std::string_view token;
    std::uint64_t hash;
  };
  std::vector<PendingToken> tokens;
  std::vector<float> hidden;
  std::vector<std::int32_t> word_hashes;
  std::vector<float> token_sum;
  std::string token_word;
  std::vector<std::int32_t> ngram_rows;

 private:
  struct Slot {
    std::uint32_t tag;    // high half of the hash
    std::uint32_t entry;  // entry index + 1; 0: empty
  };
  // An entry's fixed part, stored in front of its row sum.
  struct Header {
    std::uint32_t key_offset;
    std::uint32_t key_length;
    std::uint32_t rows;
    std::int32_t word_hash;
    std::uint32_t is_word;
  };
  static constexpr std::size_t header_floats = (sizeof(Header) + sizeof(float) - 1) / sizeof(float);

  void clear();
  const float* record(std::size_t entry) const { return records_.get() + entry * stride_; }
  float* record(std::size_t entry) { return records_.get() + entry * stride_; }

  int dimension_;
  std::size_t capacity_;
  std::size_t stride_;
  std::size_t mask_;
  std::size_t entries_ = 0;
  // Allocated uninitialized and backed by huge pages where the kernel allows: lookups land at
  // random in tens of megabytes, and 4 KB pages would make most of them TLB misses too.
  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<float[]> records_;  // per entry: Header, then the row sum
  std::string keys_;
  std::vector<float> scratch_sum_;
};

}  // namespace loom::fasttext_inference
