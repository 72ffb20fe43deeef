#include "first_sightings.hpp"

#include <algorithm>
#include <bit>

namespace loom::fasttext_inference {

void FirstSightings::start(std::size_t line_tokens) {
  tokens_.clear();
  // At most half full, so a probe rarely goes past its first slot.
  const std::size_t slots = std::bit_ceil(std::max<std::size_t>(2 * line_tokens, 16));
  if (slots_.size() < slots) slots_.resize(slots);
  mask_ = slots - 1;
  std::fill_n(slots_.begin(), slots, 0u);
}

std::uint32_t FirstSightings::add(std::string_view text, std::uint64_t hash,
                                  std::int32_t vocabulary_id) {
  for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const std::uint32_t slot = slots_[i];
    if (slot == 0) {
      tokens_.push_back(Token{text, hash, vocabulary_id, {}});
      slots_[i] = static_cast<std::uint32_t>(tokens_.size());
      return static_cast<std::uint32_t>(tokens_.size() - 1);
    }
    const Token& token = tokens_[slot - 1];
    if (token.hash == hash && token.text == text) return slot - 1;
  }
}

}  // namespace loom::fasttext_inference
