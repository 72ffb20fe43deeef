#include "murmur_hash.hpp"

#include <cstring>

namespace loom::ngram {

std::uint64_t murmur_hash_64a(std::string_view bytes, std::uint64_t seed) {
  constexpr std::uint64_t multiplier = 0xc6a4a7935bd1e995ULL;
  constexpr int shift = 47;
  const std::size_t length = bytes.size();
  std::uint64_t hash = seed ^ (length * multiplier);

  // Whole 8-byte blocks, read little-endian (the layout every file this reads was written on).
  const char* data = bytes.data();
  const std::size_t whole_blocks = length / 8;
  for (std::size_t block = 0; block < whole_blocks; ++block) {
    std::uint64_t k;
    std::memcpy(&k, data + block * 8, sizeof k);
    k *= multiplier;
    k ^= k >> shift;
    k *= multiplier;
    hash ^= k;
    hash *= multiplier;
  }

  // The 1 to 7 trailing bytes, the last one highest.
  const auto* tail = reinterpret_cast<const unsigned char*>(data + whole_blocks * 8);
  const std::size_t remaining = length & 7;
  if (remaining != 0) {
    for (std::size_t i = remaining; i-- > 0;)
      hash ^= static_cast<std::uint64_t>(tail[i]) << (8 * i);
    hash *= multiplier;
  }

  hash ^= hash >> shift;
  hash *= multiplier;
  hash ^= hash >> shift;
  return hash;
}

}  // namespace loom::ngram
