#include "token_cache.hpp"

#include "huge_pages.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace loom::fasttext_inference {

void TokenCache::Unmap::operator()(char* p) const { unmap_huge_pages(p, bytes); }

TokenCache::TokenCache(int dimension, std::size_t capacity, std::size_t first_slots)
    : dimension_(dimension),
      stride_(bytes_per_token(dimension)),
      max_slots_(std::bit_ceil(std::max<std::size_t>(capacity, 1))),
      slot_mask_(0),
      entries_(nullptr, Unmap{0}) {
  if (first_slots == 0) first_slots = max_slots_;
  slot_mask_ = std::min(std::bit_ceil(first_slots), max_slots_) - 1;
  const std::size_t bytes = max_slots_ * stride_;
  entries_ =
      std::unique_ptr<char[], Unmap>(static_cast<char*>(map_huge_pages(bytes)), Unmap{bytes});
  scratch_sum_.resize(static_cast<std::size_t>(dimension_));
  if (slots() < max_slots_) evicted_tags_.assign(slots(), 0);
  hidden.resize(static_cast<std::size_t>(dimension_));
  token_sum.resize(static_cast<std::size_t>(dimension_));
}

std::size_t TokenCache::bytes_per_token(int dimension) {
  return line + (static_cast<std::size_t>(dimension) * sizeof(float) + line - 1) / line * line;
}

std::size_t TokenCache::slots_in_huge_page(int dimension) {
  return std::max<std::size_t>(huge_page_bytes / bytes_per_token(dimension), 1);
}

std::uint64_t TokenCache::hash_token(std::string_view token) {
  return fasttext_inference::hash_token(token, token_key(token));
}

TokenCache::Contribution TokenCache::insert(std::string_view token, std::uint64_t hash,
                                            const Contribution& contribution) {
  return insert(token, token_key(token), hash, contribution);
}

TokenCache::Contribution TokenCache::keep_apart(const Contribution& contribution) {
  Contribution stored = contribution;
  std::copy_n(contribution.row_sum, static_cast<std::size_t>(dimension_), scratch_sum_.data());
  stored.row_sum = scratch_sum_.data();
  return stored;
}

void TokenCache::note_eviction(std::size_t slot, std::uint64_t old_hash) {
  evicted_tags_[slot] = evicted_tag(old_hash);
}

void TokenCache::consider_growing() {
  if (recent_evictions_missed_ * lookups_per_recovered_miss >= lookups_) grow();
  new_tokens_ = 0;
  lookups_ = 0;
  recent_evictions_missed_ = 0;
}

void TokenCache::grow() {
  const std::size_t old_slots = slot_mask_ + 1;
  for (std::size_t i = 0; i < old_slots; ++i) {
    Head* head = entry(i);
    if (head->key_length != 0 && (head->hash & old_slots) != 0) {
      std::memcpy(static_cast<void*>(entry(i + old_slots)), head, stride_);
      head->key_length = 0;
    }
  }
  slot_mask_ = 2 * old_slots - 1;
  // The tags named slots of the smaller table; a full-size table needs none.
  if (slots() < max_slots_)
    evicted_tags_.assign(slots(), 0);
  else
    evicted_tags_ = {};
}

}  // namespace loom::fasttext_inference
