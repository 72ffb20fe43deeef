#include "token_cache.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include <sys/mman.h>

namespace loom::fasttext_inference {
namespace {

// Keys stored before the cache starts over, in bytes per entry on average: bounds the arena.
constexpr std::size_t key_bytes_per_entry = 24;

std::uint32_t tag_of(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 32); }

// Asks for transparent huge pages on the 2 MB-aligned part of a fresh allocation; only a hint.
void advise_huge_pages(const void* data, std::size_t bytes) {
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + huge - 1) & ~(huge - 1);
  const std::uintptr_t last = (begin + bytes) & ~(huge - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

}  // namespace

TokenCache::TokenCache(int dimension, std::size_t capacity)
    : dimension_(dimension),
      capacity_(std::max<std::size_t>(capacity, 1)),
      stride_(header_floats + static_cast<std::size_t>(dimension)) {
  // At most half the slots are ever used, so probe chains stay short.
  const std::size_t slot_count = std::bit_ceil(capacity_ * 2);
  mask_ = slot_count - 1;
  slots_.reset(new Slot[slot_count]);
  advise_huge_pages(slots_.get(), slot_count * sizeof(Slot));
  std::fill_n(slots_.get(), slot_count, Slot{0, 0});
  records_.reset(new float[capacity_ * stride_]);
  advise_huge_pages(records_.get(), capacity_ * stride_ * sizeof(float));
  scratch_sum_.resize(static_cast<std::size_t>(dimension_));
  hidden.resize(static_cast<std::size_t>(dimension_));
  token_sum.resize(static_cast<std::size_t>(dimension_));
}

std::size_t TokenCache::bytes_per_token(int dimension) {
  // Its entry, two slots (half the slots stay empty), and its share of the key arena.
  return (header_floats + static_cast<std::size_t>(dimension)) * sizeof(float) + 2 * sizeof(Slot) +
         key_bytes_per_entry;
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

void TokenCache::prefetch_entry(std::uint64_t hash) const {
  const Slot& slot = slots_[hash & mask_];
  if (slot.entry == 0 || slot.tag != tag_of(hash)) return;
  const float* r = record(slot.entry - 1);
  __builtin_prefetch(r);
  __builtin_prefetch(r + stride_ - 1);
  Header header;
  std::memcpy(&header, r, sizeof header);
  __builtin_prefetch(keys_.data() + header.key_offset);
}

bool TokenCache::find(std::string_view token, std::uint64_t hash, Contribution& found) const {
  const std::uint32_t tag = tag_of(hash);
  for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const Slot& slot = slots_[i];
    if (slot.entry == 0) return false;
    if (slot.tag != tag) continue;
    const float* r = record(slot.entry - 1);
    Header header;
    std::memcpy(&header, r, sizeof header);
    if (header.key_length != token.size() ||
        std::memcmp(keys_.data() + header.key_offset, token.data(), token.size()) != 0)
      continue;
    found = Contribution{r + header_floats, header.rows, header.word_hash, header.is_word != 0};
    return true;
  }
}

TokenCache::Contribution TokenCache::insert(std::string_view token, std::uint64_t hash,
                                            const Contribution& contribution) {
  const std::size_t dim = static_cast<std::size_t>(dimension_);
  if (token.size() > max_token_bytes) {
    std::copy_n(contribution.row_sum, dim, scratch_sum_.data());
    Contribution scratch = contribution;
    scratch.row_sum = scratch_sum_.data();
    return scratch;
  }
  if (entries_ == capacity_ || keys_.size() + token.size() > capacity_ * key_bytes_per_entry)
    clear();
  const std::size_t e = entries_++;
  float* r = record(e);
  const Header header{static_cast<std::uint32_t>(keys_.size()),
                      static_cast<std::uint32_t>(token.size()), contribution.rows,
                      contribution.word_hash, contribution.is_word ? 1u : 0u};
  std::memcpy(r, &header, sizeof header);
  std::copy_n(contribution.row_sum, dim, r + header_floats);
  keys_.append(token);
  std::size_t i = hash & mask_;
  while (slots_[i].entry != 0) i = (i + 1) & mask_;
  slots_[i] = Slot{tag_of(hash), static_cast<std::uint32_t>(e + 1)};
  Contribution stored = contribution;
  stored.row_sum = r + header_floats;
  return stored;
}

void TokenCache::clear() {
  std::fill_n(slots_.get(), mask_ + 1, Slot{0, 0});
  keys_.clear();
  entries_ = 0;
}

}  // namespace loom::fasttext_inference
