#include "simhash_index.hpp"

#include <limits>
#include <stdexcept>

#include "simhash.hpp"

namespace loom::simhash {

SimhashIndex::SimhashIndex(int max_distance) : max_distance_(max_distance) {
  if (max_distance < 0 || max_distance > 63)
    throw std::invalid_argument("max_distance must be 0..63");
  const int blocks = max_distance + 1;
  const int width = 64 / blocks;
  for (int i = 0; i < blocks; ++i) {
    const int shift = width * i;
    const int bits = i + 1 == blocks ? 64 - shift : width;
    shifts_.push_back(shift);
    masks_.push_back(bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1);
  }
  newest_.resize(static_cast<std::size_t>(blocks));
}

std::optional<std::uint32_t> SimhashIndex::first_near(std::uint64_t fingerprint) const {
  std::optional<std::uint32_t> best;
  const auto count = static_cast<std::size_t>(blocks());
  for (std::size_t block = 0; block < count; ++block) {
    const auto& bucket = newest_[block];
    auto it = bucket.find(block_value(fingerprint, static_cast<int>(block)));
    if (it == bucket.end()) continue;
    // Ids in a bucket run newest first, so the last near one found is the smallest.
    for (std::uint32_t id = it->second; id != none; id = next_[id * count + block])
      if (hamming_distance(fingerprints_[id], fingerprint) <= max_distance_ &&
          (!best || id < *best))
        best = id;
  }
  return best;
}

std::uint32_t SimhashIndex::insert(std::uint64_t fingerprint) {
  if (fingerprints_.size() >= std::numeric_limits<std::uint32_t>::max() - 1)
    throw std::length_error("simhash index is full (4 billion documents)");
  const auto id = static_cast<std::uint32_t>(fingerprints_.size());
  fingerprints_.push_back(fingerprint);
  for (int block = 0; block < blocks(); ++block) {
    auto [it, inserted] =
        newest_[static_cast<std::size_t>(block)].try_emplace(block_value(fingerprint, block), none);
    next_.push_back(it->second);
    it->second = id;
  }
  return id;
}

}  // namespace loom::simhash
