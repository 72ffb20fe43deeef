// A token's first 16 bytes as two words, zero after the token's end, and the token's hash built
// on them: most tokens are at most 16 bytes, so hashing one and comparing it with a stored key
// (in the TokenCache, in the vocabulary) are a few word operations without a branch on its
// length, instead of a byte loop or a memcmp call whose branches follow each token's length and
// mispredict on running text.
#pragma once

#include <emmintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace loom::fasttext_inference {

struct TokenKey {
  std::uint64_t low = 0;   // bytes 0-7
  std::uint64_t high = 0;  // bytes 8-15
};

// The bytes a key holds; a longer token's bytes from here on are compared and hashed apart.
constexpr std::size_t token_key_bytes = 16;

namespace detail {
// 16 all-ones bytes then 16 zero bytes: the 16 bytes from (16 - n) keep n bytes of a load.
alignas(64) inline constexpr unsigned char keep_mask[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

inline TokenKey key_of(__m128i bytes, std::size_t size) {
  const std::size_t keep = size < token_key_bytes ? size : token_key_bytes;
  const __m128i mask =
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(keep_mask + token_key_bytes - keep));
  bytes = _mm_and_si128(bytes, mask);
  return TokenKey{static_cast<std::uint64_t>(_mm_cvtsi128_si64(bytes)),
                  static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(bytes, bytes)))};
}
}  // namespace detail

// The key of `token`. Where `readable_end` is at least 16 bytes past the token's start (the
// bytes up to it may be read), one unaligned load; else a copy.
inline TokenKey token_key(std::string_view token, const char* readable_end = nullptr) {
  if (readable_end != nullptr && readable_end - token.data() >= std::ptrdiff_t{16})
    return detail::key_of(_mm_loadu_si128(reinterpret_cast<const __m128i*>(token.data())),
                          token.size());
  unsigned char bytes[token_key_bytes] = {};
  std::memcpy(bytes, token.data(), token.size() < sizeof bytes ? token.size() : sizeof bytes);
  return detail::key_of(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes)), token.size());
}

// `stored` (at least 16 readable bytes, its first `size` bytes a key) as a key of `size` bytes.
inline TokenKey stored_key(const char* stored, std::size_t size) {
  return detail::key_of(_mm_loadu_si128(reinterpret_cast<const __m128i*>(stored)), size);
}

inline bool same_key(const TokenKey& a, const TokenKey& b) {
  return ((a.low ^ b.low) | (a.high ^ b.high)) == 0;
}

// A multiply-xorshift over the key's words, then over any bytes past them: tokens only have to
// be spread over tables, not resist attacks (a collision costs a key comparison, never a wrong
// sum). The same value for a token however its key was read.
inline std::uint64_t hash_token(std::string_view token, const TokenKey& key) {
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = (token.size() * k) ^ key.low;
  h *= k;
  h ^= h >> 29;
  h = (h ^ key.high) * k;
  h ^= h >> 29;
  if (token.size() > token_key_bytes) [[unlikely]] {
    for (std::size_t i = token_key_bytes; i < token.size(); i += 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, token.data() + i, token.size() - i < 8 ? token.size() - i : 8);
      h = (h ^ word) * k;
      h ^= h >> 29;
    }
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

}  // namespace loom::fasttext_inference
