// TokenCache: a bounded memory of what each distinct token (a vocabulary word, whose sum was
// computed at load, or any other) contributes to a fastText hidden vector (the sum of its
// input-matrix rows and how many rows that is), so a recurring token costs one lookup and one
// vector add instead of re-deriving its char n-grams.
//
// Each entry holds its key inline next to its row sum (128 bytes for dimension 16), one entry per
// slot of a direct-mapped table: a lookup is two cache lines, requested together, with no
// pointer to chase. A new token replaces the one in its slot, and nothing is ever cleared
// wholesale. (Two-entry sets kept a few more tokens but fetched four lines per lookup, and were
// 7% slower on unique documents: docs/bench.md.)
//
// A cache may start small and double in place, within one mapping of its full size that stays
// untouched beyond the slots in use: then a thread that sees few distinct tokens never faults in
// (and the kernel never zeroes) the tens of megabytes a long run needs. It considers doubling
// each time it has taken half as many new tokens as it has slots, and doubles only where a table
// twice its size would have held enough of the tokens it missed: each slot remembers a tag of
// the last token evicted from it, and a missed token matching its slot's tag is one a bigger
// table would likely have kept. A bigger table is slower for every lookup (further from the
// core, more of it to fault in), so text whose tokens rarely recur across documents keeps a
// small one (docs/bench.md: on the Common Crawl bench, 2 MB beat 32 MB by 15% of language id's
// time for 5% more first sightings). Doubling reads the whole old table, which costs the
// bench's 4,000-document cold loop 3-9% (docs/bench.md), nothing over a long run.
//
// Not synchronized: each thread uses its own cache. What a cache holds never changes a result,
// only how fast it comes (a miss computes the same sum a hit would have returned).
#pragma once

#include "first_sightings.hpp"
#include "line_tokens.hpp"
#include "token_contribution.hpp"
#include "token_key.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loom::fasttext_inference {

class TokenCache {
 public:
  // What one token adds to the hidden vector.
  using Contribution = TokenContribution;

  // Longer tokens are not stored (their key would not fit in the entry); they are rare, and
  // recomputed where they recur.
  static constexpr std::size_t max_token_bytes = 40;

  // `capacity`: tokens kept at most (rounded up to a power of two). `first_slots`: the table's
  // starting size (rounded up to a power of two, at most `capacity`); 0: `capacity`, fixed.
  TokenCache(int dimension, std::size_t capacity, std::size_t first_slots = 0);

  int dimension() const { return dimension_; }
  std::size_t capacity() const { return max_slots_; }
  // The table's current size in slots, from the starting size up to capacity().
  std::size_t slots() const { return slot_mask_ + 1; }

  static std::uint64_t hash_token(std::string_view token);
  // What one stored token costs, for sizing a cache by memory.
  static std::size_t bytes_per_token(int dimension);
  // The slots of one 2 MB huge page, the smallest start that costs no more page faults.
  static std::size_t slots_in_huge_page(int dimension);

  // Asks the CPU to fetch the line find() will read for this hash (the entry's key): a
  // document's lookups are issued together so their memory latencies overlap.
  void prefetch(std::uint64_t hash) const { __builtin_prefetch(entry(hash & slot_mask_)); }
  // Asks for the row sum find() pointed `found` at (a hit's, to be summed; a miss's slot, to be
  // written), after the lookup rather than with the key: then a line's lookups, all requested
  // together, wait on half as many lines.
  // (In integers: `found` is null for a token too long to be stored, and a prefetch of a
  // nonsense address is harmless where null plus an offset is undefined.)
  void prefetch_sum(const Contribution& found) const {
    const auto sum = reinterpret_cast<std::uintptr_t>(found.row_sum);
    for (std::size_t offset = 0; offset + line < stride_; offset += line)
      __builtin_prefetch(reinterpret_cast<const void*>(sum + offset));
  }

  // The stored contribution of `token` (key: token_key(token), hash: hash_token(token)), or
  // false (`found` may be overwritten all the same).
  bool find(std::string_view token, const TokenKey& key, std::uint64_t hash,
            Contribution& found) const;

  // A growing cache's evidence for doubling: how many tokens one line looked up, and each
  // token it did not hold (only counted; no effect on what the cache holds until it doubles).
  void note_lookups(std::size_t count) { lookups_ += count; }
  void note_miss(std::uint64_t hash) {
    if (!evicted_tags_.empty())
      recent_evictions_missed_ += evicted_tags_[hash & slot_mask_] == evicted_tag(hash) ? 1 : 0;
  }

  // Stores a contribution (row_sum is copied) and returns it pointing at the stored copy, or at
  // a scratch copy valid until the next insert for a token longer than max_token_bytes.
  Contribution insert(std::string_view token, std::uint64_t hash, const Contribution& contribution);
  // The same, `key` being token_key(token).
  Contribution insert(std::string_view token, const TokenKey& key, std::uint64_t hash,
                      const Contribution& contribution);

  // Scratch space for the cache's thread while it predicts one document.
  struct PendingToken {
    std::string_view token;
    TokenKey key;
    std::uint64_t hash = 0;
    bool known = false;                // in the cache: `contribution` is set
    std::uint32_t first_sighting = 0;  // else its index in first_sightings
    Contribution contribution;
  };
  LineTokens line_tokens;
  std::vector<PendingToken> tokens;
  std::vector<std::uint32_t> missed;  // indices in `tokens`
  FirstSightings first_sightings;
  std::vector<float> hidden;
  std::vector<std::int32_t> word_hashes;
  std::vector<float> token_sum;

 private:
  static constexpr std::size_t line = 64;
  // An entry's first cache line; its row sum follows on the next ones.
  struct Head {
    std::uint64_t hash;
    std::uint32_t key_length;  // 0: empty (an empty token is never looked up)
    std::uint32_t rows;
    std::int32_t word_hash;
    std::uint32_t is_word;
    char key[max_token_bytes];
  };
  static_assert(sizeof(Head) == line);

  Head* entry(std::size_t index) const {
    return reinterpret_cast<Head*>(entries_.get() + index * stride_);
  }
  // insert()'s rare paths, out of line: a token too long to store, and an eviction noted.
  Contribution keep_apart(const Contribution& contribution);
  void note_eviction(std::size_t slot, std::uint64_t old_hash);
  // Doubles the table: an entry whose hash has the new mask bit moves up by the old size.
  void grow();
  // At each half table of new tokens: doubles if the misses since the last decision found at
  // least one recent eviction per `lookups_per_recovered_miss` lookups (or if no lookups were
  // noted), else keeps the size and starts counting again.
  void consider_growing();
  // A doubling slows every lookup by a few nanoseconds and saves about 150 ns per first sighting
  // it avoids (docs/bench.md), so it pays from about one avoided sighting in 30 lookups.
  static constexpr std::size_t lookups_per_recovered_miss = 32;
  static std::uint32_t evicted_tag(std::uint64_t hash) {
    return static_cast<std::uint32_t>(hash >> 32) | 1u;  // never 0, the tag of no eviction
  }

  static const float* row_sum(const Head* head) {
    return reinterpret_cast<const float*>(reinterpret_cast<const char*>(head) + line);
  }
  static float* row_sum(Head* head) {
    return reinterpret_cast<float*>(reinterpret_cast<char*>(head) + line);
  }

  struct Unmap {
    std::size_t bytes;
    void operator()(char* p) const;
  };

  int dimension_;
  std::size_t stride_;  // bytes per entry: the head, then the row sum padded to whole lines
  std::size_t max_slots_;
  std::size_t slot_mask_;       // slots() - 1
  std::size_t new_tokens_ = 0;  // inserted since the table last considered doubling
  std::size_t lookups_ = 0;     // noted since then
  std::size_t recent_evictions_missed_ = 0;
  // While the table can still double: per slot, evicted_tag() of the last token evicted from it.
  std::vector<std::uint32_t> evicted_tags_;
  // map_huge_pages memory, zero until written (no memset: a cold cache costs only the pages it
  // touches): lookups land at random in tens of megabytes.
  std::unique_ptr<char[], Unmap> entries_;
  std::vector<float> scratch_sum_;
};

// Here, not in token_cache.cpp, so that predict's lookup pass inlines it (+1-5% cold).
inline bool TokenCache::find(std::string_view token, const TokenKey& key, std::uint64_t hash,
                             Contribution& found) const {
  if (token.size() > max_token_bytes) return false;
  const Head* head = entry(hash & slot_mask_);
  // The first 16 bytes as words, without a branch on the length; the rest of a longer token
  // by memcmp. `found` is written whatever the answer, so that no branch waits on the entry's
  // bytes coming from memory: a caller that takes the answer as data (a miss is about one
  // lookup in five on a cold cache, at random) then mispredicts nothing.
  const bool same = (head->hash == hash) & (head->key_length == token.size()) &
                    same_key(stored_key(head->key, token.size()), key);
  found = Contribution{row_sum(head), head->rows, head->word_hash, head->is_word != 0};
  if (token.size() <= token_key_bytes) return same;
  return same && std::memcmp(head->key + token_key_bytes, token.data() + token_key_bytes,
                             token.size() - token_key_bytes) == 0;
}

// Here, not in token_cache.cpp, so that predict inlines it: its first sightings are stored one
// after another, and the key, already in a register, is written whole instead of copied.
inline TokenCache::Contribution TokenCache::insert(std::string_view token, const TokenKey& key,
                                                   std::uint64_t hash,
                                                   const Contribution& contribution) {
  if (token.empty() || token.size() > max_token_bytes) [[unlikely]]
    return keep_apart(contribution);
  // Before the store, so the returned row sum stays where it is until the next insert.
  if (++new_tokens_ > slot_mask_ / 2 && slot_mask_ + 1 < max_slots_) consider_growing();
  const std::size_t slot = hash & slot_mask_;
  Head* head = entry(slot);  // whatever was there is forgotten
  if (!evicted_tags_.empty() && head->key_length != 0 && head->hash != hash)
    note_eviction(slot, head->hash);
  head->hash = hash;
  head->key_length = static_cast<std::uint32_t>(token.size());
  head->rows = contribution.rows;
  head->word_hash = contribution.word_hash;
  head->is_word = contribution.is_word ? 1u : 0u;
  std::memcpy(head->key, &key, sizeof key);
  if (token.size() > sizeof key)
    std::memcpy(head->key + sizeof key, token.data() + sizeof key, token.size() - sizeof key);
  float* sum = row_sum(head);
  if (dimension_ == 16)
    std::memcpy(sum, contribution.row_sum, 16 * sizeof(float));
  else
    std::memcpy(sum, contribution.row_sum, static_cast<std::size_t>(dimension_) * sizeof(float));
  Contribution stored = contribution;
  stored.row_sum = sum;
  return stored;
}

}  // namespace loom::fasttext_inference
