#include "string_index.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace loom::tokens {
namespace {

// Where an empty key's slot points: any non-null address tells a used slot from an empty one.
constexpr char kEmptyKey[1] = {};

}  // namespace

StringIndex::StringIndex(std::size_t expected) {
  rebuild(std::bit_ceil(std::max<std::size_t>(16, 2 * expected)));
}

std::uint64_t StringIndex::hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

std::size_t StringIndex::slot_of(std::string_view key, std::uint64_t hash) const {
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  for (std::size_t at = hash & mask_;; at = (at + 1) & mask_) {
    const Slot& slot = slots_[at];
    if (slot.data == nullptr) return at;
    if (slot.tag == tag && slot.size == key.size() &&
        (key.empty() || std::memcmp(slot.data, key.data(), key.size()) == 0))
      return at;
  }
}

bool StringIndex::insert(std::string_view key, std::uint32_t value) {
  if (key.size() > UINT32_MAX) throw std::length_error("StringIndex: a key of 4 GiB or more");
  if (2 * (size_ + 1) > slots_.size()) rebuild(2 * slots_.size());
  const std::uint64_t h = hash(key);
  const std::size_t at = slot_of(key, h);
  if (slots_[at].data != nullptr) return false;
  slots_[at] = Slot{static_cast<std::uint32_t>(h >> 32), static_cast<std::uint32_t>(key.size()),
                    key.empty() ? kEmptyKey : key.data()};
  values_[at] = value;
  ++size_;
  return true;
}

std::optional<std::uint32_t> StringIndex::find(std::string_view key) const {
  const std::size_t at = slot_of(key, hash(key));
  if (slots_[at].data == nullptr) return std::nullopt;
  return values_[at];
}

void StringIndex::rebuild(std::size_t capacity) {
  std::vector<Slot> old_slots(capacity);
  std::vector<std::uint32_t> old_values(capacity);
  old_slots.swap(slots_);
  old_values.swap(values_);
  mask_ = capacity - 1;
  for (std::size_t i = 0; i < old_slots.size(); ++i) {
    const Slot& slot = old_slots[i];
    if (slot.data == nullptr) continue;
    const std::string_view key(slot.data, slot.size);
    const std::size_t at = slot_of(key, hash(key));
    slots_[at] = slot;
    values_[at] = old_values[i];
  }
}

}  // namespace loom::tokens
