#include <text/string_ids.hpp>

#include <bit>
#include <functional>

namespace loom::textlib {
namespace {

std::size_t slot_of(std::uint64_t hash, std::size_t mask) {
  return static_cast<std::size_t>((hash * 0xff51afd7ed558ccdULL) >> 32) & mask;
}

}  // namespace

void StringIds::reset(std::size_t expected) {
  strings_.clear();
  hashes_.clear();
  slots_.assign(std::bit_ceil(expected * 2 + 16), 0);
}

void StringIds::grow() {
  slots_.assign(slots_.size() * 2, 0);
  const std::size_t mask = slots_.size() - 1;
  for (std::uint32_t i = 0; i < strings_.size(); ++i) {
    std::size_t slot = slot_of(hashes_[i], mask);
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = i + 1;
  }
}

std::uint32_t StringIds::id(std::string_view s, bool& inserted) {
  if (2 * (strings_.size() + 1) > slots_.size()) grow();
  const std::uint64_t h = std::hash<std::string_view>{}(s);
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = slot_of(h, mask);
  while (slots_[slot] != 0) {
    const std::uint32_t i = slots_[slot] - 1;
    if (hashes_[i] == h && strings_[i] == s) {
      inserted = false;
      return i;
    }
    slot = (slot + 1) & mask;
  }
  slots_[slot] = static_cast<std::uint32_t>(strings_.size() + 1);
  strings_.push_back(s);
  hashes_.push_back(h);
  inserted = true;
  return static_cast<std::uint32_t>(strings_.size() - 1);
}

}  // namespace loom::textlib
