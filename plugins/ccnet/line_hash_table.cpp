#include "line_hash_table.hpp"

#include <algorithm>

namespace loom::ccnet {

std::size_t DocumentLineCounts::slot(std::uint64_t hash) const {
  const std::size_t mask = keys_.size() - 1;
  std::size_t i = static_cast<std::size_t>(hash) & mask;
  while (states_[i] != kEmpty && keys_[i] != hash) i = (i + 1) & mask;
  return i;
}

void DocumentLineCounts::grow() {
  std::vector<std::uint64_t> old_keys = std::move(keys_);
  std::vector<std::uint8_t> old_states = std::move(states_);
  const std::size_t capacity = old_keys.empty() ? 1024 : 2 * old_keys.size();
  keys_.assign(capacity, 0);
  states_.assign(capacity, kEmpty);
  for (std::size_t i = 0; i < old_keys.size(); ++i) {
    if (old_states[i] == kEmpty) continue;
    const std::size_t at = slot(old_keys[i]);
    keys_[at] = old_keys[i];
    states_[at] = old_states[i];
  }
}

void DocumentLineCounts::add_document(std::vector<std::uint64_t>& hashes) {
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  for (const std::uint64_t hash : hashes) {
    if (hash == 0) {
      zero_state_ = zero_state_ == kEmpty ? kOnce : kDuplicated;
      continue;
    }
    if (2 * (count_ + 1) > keys_.size()) grow();
    const std::size_t at = slot(hash);
    if (states_[at] == kEmpty) {
      keys_[at] = hash;
      states_[at] = kOnce;
      ++count_;
    } else {
      states_[at] = kDuplicated;
    }
  }
}

bool DocumentLineCounts::duplicated(std::uint64_t hash) const {
  if (hash == 0) return zero_state_ == kDuplicated;
  if (keys_.empty()) return false;
  return states_[slot(hash)] == kDuplicated;
}

void DocumentLineCounts::mark_duplicated(std::uint64_t hash) {
  if (hash == 0) {
    if (zero_state_ != kEmpty) zero_state_ = kDuplicated;
    return;
  }
  if (keys_.empty()) return;
  const std::size_t at = slot(hash);
  if (states_[at] != kEmpty) states_[at] = kDuplicated;
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
