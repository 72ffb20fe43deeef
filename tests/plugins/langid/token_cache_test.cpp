// TokenCache's in-place doubling: a cache that starts small keeps, across each doubling, every
// token it held (each in its new slot, contents intact), and only a new token's arrival evicts
// the one in that token's slot, as in a cache of fixed size.
#include <doctest/doctest.h>

#include <fasttext_inference/token_cache.hpp>
#include <fasttext_inference/token_key.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using namespace loom::fasttext_inference;

namespace {

constexpr int dimension = 16;

TokenCache::Contribution contribution_of(std::size_t i, std::vector<float>& sum) {
  for (std::size_t d = 0; d < sum.size(); ++d) sum[d] = static_cast<float>(i) + 0.25f * d;
  return {sum.data(), static_cast<std::uint32_t>(i + 1), static_cast<std::int32_t>(i), i % 2 == 0};
}

bool holds(const TokenCache& cache, const std::string& token, std::size_t i) {
  TokenCache::Contribution found;
  if (!cache.find(token, token_key(token), TokenCache::hash_token(token), found)) return false;
  bool same = found.rows == i + 1 && found.word_hash == static_cast<std::int32_t>(i) &&
              found.is_word == (i % 2 == 0);
  for (std::size_t d = 0; d < dimension; ++d)
    same = same && found.row_sum[d] == static_cast<float>(i) + 0.25f * d;
  return same;
}

}  // namespace

TEST_CASE("a growing token cache keeps what it held across each doubling") {
  TokenCache cache(dimension, 1024, 16);
  CHECK(cache.capacity() == 1024);
  CHECK(cache.slots() == 16);
  std::vector<std::string> tokens;
  std::vector<bool> held;
  std::vector<float> sum(dimension);
  std::size_t doublings = 0;
  for (std::size_t i = 0; i < 3000; ++i) {
    // Tokens past the 16 bytes of a key too, so the stored key's tail moves with the entry.
    tokens.push_back(i % 3 == 0 ? "a-rather-long-token-number-" + std::to_string(i)
                                : "w" + std::to_string(i));
    const std::uint64_t hash = TokenCache::hash_token(tokens[i]);
    const std::size_t slots_before = cache.slots();
    const TokenCache::Contribution stored = cache.insert(tokens[i], hash, contribution_of(i, sum));
    CHECK(stored.row_sum[dimension - 1] == sum[dimension - 1]);
    if (cache.slots() != slots_before) {
      CHECK(cache.slots() == 2 * slots_before);
      ++doublings;
    }
    const std::size_t mask = cache.slots() - 1;
    held.push_back(true);
    for (std::size_t j = 0; j < i; ++j) {
      if (!held[j]) continue;
      // Only the new token may have taken an older one's place.
      const bool evicted = (TokenCache::hash_token(tokens[j]) & mask) == (hash & mask);
      held[j] = holds(cache, tokens[j], j);
      CAPTURE(i);
      CAPTURE(j);
      CHECK((held[j] || evicted));
    }
    REQUIRE(holds(cache, tokens[i], i));
  }
  CHECK(doublings == 6);  // 16 -> 1024
  CHECK(cache.slots() == 1024);
  std::size_t kept = 0;
  for (std::size_t j = 0; j < tokens.size(); ++j) kept += holds(cache, tokens[j], j) ? 1 : 0;
  CHECK(kept > 500);  // a full table: most of its 1,024 slots hold a token
}

TEST_CASE("a token cache made without a starting size has its full size at once") {
  TokenCache cache(dimension, 1000);
  CHECK(cache.capacity() == 1024);
  CHECK(cache.slots() == 1024);
  CHECK(TokenCache::slots_in_huge_page(dimension) == (std::size_t{2} << 20) / 128);
  TokenCache at_most_capacity(dimension, 8, 64);
  CHECK(at_most_capacity.slots() == 8);
}

namespace {

// Looks `token` up as FastClassifier::predict does and stores it where it was missed, telling
// the cache of the lookup and the miss; whether it was found.
bool look_up_or_store(TokenCache& cache, const std::string& token, std::size_t i,
                      std::vector<float>& sum) {
  cache.note_lookups(1);
  if (holds(cache, token, i)) return true;
  const std::uint64_t hash = TokenCache::hash_token(token);
  cache.note_miss(hash);
  cache.insert(token, hash, contribution_of(i, sum));
  return false;
}

}  // namespace

TEST_CASE("a growing token cache stays small while the tokens it misses were never evicted") {
  // Every token new (as on text whose words rarely recur): a bigger table would miss as often.
  TokenCache cache(dimension, 1024, 16);
  std::vector<float> sum(dimension);
  for (std::size_t i = 0; i < 3000; ++i)
    CHECK_FALSE(look_up_or_store(cache, "new" + std::to_string(i), i, sum));
  CHECK(cache.slots() == 16);
}

TEST_CASE("a growing token cache doubles when the tokens it misses are ones it evicted") {
  // 48 tokens in turn through 16 slots: most lookups find the slot taken by a token that
  // evicted the one looked up, which a table big enough for all 48 would have kept.
  TokenCache cache(dimension, 1024, 16);
  std::vector<float> sum(dimension);
  std::size_t found_in_last_round = 0;
  for (std::size_t round = 0; round < 100; ++round) {
    found_in_last_round = 0;
    for (std::size_t i = 0; i < 48; ++i)
      found_in_last_round += look_up_or_store(cache, "w" + std::to_string(i), i, sum) ? 1 : 0;
  }
  CHECK(cache.slots() >= 64);
  CHECK(cache.slots() <= 1024);
  CHECK(found_in_last_round > 24);  // grown, the table now holds most of them
}
