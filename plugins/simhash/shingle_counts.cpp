#include "shingle_counts.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace loom::simhash {
namespace {

// A fast non-cryptographic hash of a short byte string (shingles are at most 52 bytes): 8 bytes
// at a time, multiply-xorshift mixing. Only the table uses it; the fingerprint still uses MD5.
std::uint32_t shingle_hash(const char* data, std::size_t length) {
  constexpr std::uint64_t multiplier = 0x9E3779B97F4A7C15ULL;
  std::uint64_t h = length * multiplier;
  while (length >= 8) {
    std::uint64_t word;
    std::memcpy(&word, data, 8);
    h = (h ^ word) * multiplier;
    h ^= h >> 29;
    data += 8;
    length -= 8;
  }
  if (length > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, data, length);
    h = (h ^ word) * multiplier;
    h ^= h >> 29;
  }
  h *= multiplier;
  return static_cast<std::uint32_t>(h >> 32);
}

}  // namespace

void ShingleCounts::reset(std::string_view text, std::size_t expected_distinct,
                          std::size_t max_slots) {
  text_ = text;
  distinct_ = 0;
  max_slots_ = std::max<std::size_t>(16, std::bit_floor(max_slots));
  // At most 2/3 full before growing; the vector keeps its allocation between documents.
  const std::size_t capacity =
      std::min(max_slots_, std::bit_ceil(std::max<std::size_t>(16, expected_distinct * 3 / 2)));
  slots_.assign(capacity, Entry{});
  mask_ = capacity - 1;
}

void ShingleCounts::clear() {
  std::fill(slots_.begin(), slots_.end(), Entry{});
  distinct_ = 0;
}

std::uint32_t ShingleCounts::hash(std::uint32_t start, std::uint32_t length) const {
  return shingle_hash(text_.data() + start, length);
}

bool ShingleCounts::add(std::uint32_t start, std::uint32_t length, std::uint32_t hash) {
  const char* bytes = text_.data() + start;
  for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
    Entry& slot = slots_[i];
    if (slot.count == 0) {
      slot = Entry{start, length, 1, hash};
      if (++distinct_ * 3 <= slots_.size() * 2) return false;
      if (slots_.size() >= max_slots_) return true;
      grow();
      return false;
    }
    if (slot.hash == hash && slot.length == length &&
        std::memcmp(text_.data() + slot.start, bytes, length) == 0) {
      ++slot.count;
      return false;
    }
  }
}

void ShingleCounts::grow() {
  std::vector<Entry> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Entry{});
  mask_ = slots_.size() - 1;
  for (const Entry& entry : old) {
    if (entry.count == 0) continue;
    std::size_t i = entry.hash & mask_;
    while (slots_[i].count != 0) i = (i + 1) & mask_;
    slots_[i] = entry;
  }
}

}  // namespace loom::simhash
