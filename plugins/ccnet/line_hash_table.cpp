#include "line_hash_table.hpp"

#include <algorithm>

namespace loom::ccnet {

namespace {

// The home slot of `hash` in `capacity` slots: the multiply-shift map of its low 56 bits (the
// top 8 chose the part), uniform for SHA-1 bits at any capacity, so parts need not be powers
// of two.
std::size_t home(std::uint64_t hash, std::size_t capacity) {
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::size_t>((static_cast<u128>(hash << 8) * capacity) >> 64);
}

}  // namespace

std::size_t DocumentLineCounts::find(const Part& part, std::uint64_t hash) {
  const std::size_t capacity = part.slots.size();
  const std::uint64_t key = hash << 8;
  std::size_t i = home(hash, capacity);
  while (part.slots[i] != 0 && (part.slots[i] & ~kStateMask) != key)
    i = i + 1 == capacity ? 0 : i + 1;
  return i;
}

std::size_t DocumentLineCounts::grow(Part& part) {
  std::vector<std::uint64_t> old = std::move(part.slots);
  // At most 0.8 full, so at least 0.53 after growing by half.
  part.slots.assign(old.empty() ? 64 : old.size() + old.size() / 2, 0);
  for (const std::uint64_t slot : old) {
    if (slot == 0) continue;
    part.slots[find(part, slot >> 8)] = slot;
  }
  return part.slots.size() - old.size();
}

std::uint64_t& DocumentLineCounts::slot_for(std::uint64_t hash) {
  Part& part = parts_[hash >> 56];
  if (5 * (part.count + 1) > 4 * part.slots.size()) slots_ += grow(part);
  std::uint64_t& slot = part.slots[find(part, hash)];
  if (slot == 0) {
    ++part.count;
    ++count_;
  }
  return slot;
}

void DocumentLineCounts::prefetch(std::uint64_t hash) const {
  const Part& part = parts_[hash >> 56];
  if (!part.slots.empty()) __builtin_prefetch(&part.slots[home(hash, part.slots.size())]);
}

void DocumentLineCounts::add_document(std::vector<std::uint64_t>& hashes) {
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  for (const std::uint64_t hash : hashes) prefetch(hash);
  for (const std::uint64_t hash : hashes) {
    if (hash == 0) {
      zero_state_ = zero_state_ == kEmpty ? kOnce : kDuplicated;
      continue;
    }
    std::uint64_t& slot = slot_for(hash);
    slot = slot == 0 ? (hash << 8) | kOnce : (slot & ~kStateMask) | kDuplicated;
  }
}

bool DocumentLineCounts::duplicated(std::uint64_t hash) const {
  if (hash == 0) return zero_state_ == kDuplicated;
  const Part& part = parts_[hash >> 56];
  if (part.slots.empty()) return false;
  return (part.slots[find(part, hash)] & kStateMask) == kDuplicated;
}

void DocumentLineCounts::mark_duplicated(std::uint64_t hash) {
  if (hash == 0) {
    if (zero_state_ != kEmpty) zero_state_ = kDuplicated;
    return;
  }
  Part& part = parts_[hash >> 56];
  if (part.slots.empty()) return;
  std::uint64_t& slot = part.slots[find(part, hash)];
  if (slot != 0) slot = (slot & ~kStateMask) | kDuplicated;
}

void DocumentLineCounts::add_duplicated(std::uint64_t hash) {
  if (hash == 0) {
    zero_state_ = kDuplicated;
    return;
  }
  slot_for(hash) = (hash << 8) | kDuplicated;
}

void SeenInDocument::start(std::size_t lines) {
  std::size_t capacity = 16;
  while (capacity < 2 * lines) capacity *= 2;
  if (capacity > keys_.size() || ++stamp_ == 0) {
    keys_.assign(std::max(capacity, keys_.size()), 0);
    stamps_.assign(keys_.size(), 0);
    stamp_ = 1;
  }
  mask_ = keys_.size() - 1;
}

bool SeenInDocument::first_time(std::uint64_t hash) {
  std::size_t i = static_cast<std::size_t>(hash) & mask_;
  while (stamps_[i] == stamp_) {
    if (keys_[i] == hash) return false;
    i = (i + 1) & mask_;
  }
  stamps_[i] = stamp_;
  keys_[i] = hash;
  return true;
}

}  // namespace loom::ccnet
