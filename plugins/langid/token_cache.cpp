#include "token_cache.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace loom::fasttext_inference {

TokenCache::TokenCache(int dimension, std::size_t capacity)
    : dimension_(dimension), capacity_(std::max<std::size_t>(capacity, 1)) {
  // At most half the slots are ever used, so probe chains stay short.
  const std::size_t slot_count = std::bit_ceil(capacity_ * 2);
  mask_ = slot_count - 1;
  slots_.resize(slot_count);
  contributions_.resize(capacity_);
  sums_.resize(capacity_ * static_cast<std::size_t>(dimension_));
  key_offsets_.resize(capacity_);
  key_lengths_.resize(capacity_);
  scratch_sum_.resize(static_cast<std::size_t>(dimension_));
  hidden.resize(static_cast<std::size_t>(dimension_));
  token_sum.resize(static_cast<std::size_t>(dimension_));
  keys_.reserve(capacity_ * 8);
}

std::uint64_t TokenCache::hash_token(std::string_view token) {
  // A multiply-xorshift over 8-byte words: tokens are short, and this only has to spread them
  // over the table, not resist attacks (a collision costs a key comparison, never a wrong sum).
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = token.size() * k;
  const char* p = token.data();
  std::size_t n = token.size();
  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * k;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = (h ^ word) * k;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

const TokenCache::Contribution* TokenCache::find(std::string_view token, std::uint64_t hash) const {
  for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.entry == 0) return nullptr;
    if (slot.hash != hash) continue;
    const std::size_t e = slot.entry - 1;
    if (key_lengths_[e] == token.size() &&
        std::memcmp(keys_.data() + key_offsets_[e], token.data(), token.size()) == 0)
      return &contributions_[e];
  }
}

const TokenCache::Contribution* TokenCache::insert(std::string_view token, std::uint64_t hash,
                                                   const Contribution& contribution) {
  const std::size_t dim = static_cast<std::size_t>(dimension_);
  if (token.size() > max_token_bytes) {
    scratch_ = contribution;
    std::copy_n(contribution.row_sum, dim, scratch_sum_.data());
    scratch_.row_sum = scratch_sum_.data();
    return &scratch_;
  }
  if (entries_ == capacity_) clear();
  const std::size_t e = entries_++;
  float* sum = sums_.data() + e * dim;
  std::copy_n(contribution.row_sum, dim, sum);
  contributions_[e] = contribution;
  contributions_[e].row_sum = sum;
  key_offsets_[e] = static_cast<std::uint32_t>(keys_.size());
  key_lengths_[e] = static_cast<std::uint8_t>(token.size());
  keys_.append(token);
  std::size_t i = hash & mask_;
  while (slots_[i].entry != 0) i = (i + 1) & mask_;
  slots_[i] = Slot{hash, static_cast<std::uint32_t>(e + 1)};
  return &contributions_[e];
}

void TokenCache::clear() {
  std::fill(slots_.begin(), slots_.end(), Slot{});
  keys_.clear();
  entries_ = 0;
}

}  // namespace loom::fasttext_inference
