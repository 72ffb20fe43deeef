#include "first_sightings.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace loom::fasttext_inference {

void FirstSightings::start(std::size_t tokens) {
  tokens_.clear();
  make_slots(tokens);
}

void FirstSightings::make_slots(std::size_t tokens) {
  // At most half full, so a probe rarely goes past its first slot.
  const std::size_t slots = std::bit_ceil(std::max<std::size_t>(2 * tokens, 16));
  if (slots_.size() < slots) slots_.resize(slots);
  mask_ = slots - 1;
  std::fill_n(slots_.begin(), slots, 0u);
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    std::size_t at = tokens_[i].hash & mask_;
    while (slots_[at] != 0) at = (at + 1) & mask_;
    slots_[at] = static_cast<std::uint32_t>(i + 1);
  }
}

std::uint32_t FirstSightings::add(std::string_view text, const TokenKey& key, std::uint64_t hash) {
  for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const std::uint32_t slot = slots_[i];
    if (slot == 0) {
      // Fields written in place: a Token built on the stack and copied was read back in
      // 16-byte pieces just stored in 8-byte ones, which stalls store forwarding.
      Token& token = tokens_.emplace_back();
      token.text = text;
      token.hash = hash;
      token.key = key;
      if (2 * tokens_.size() > mask_ + 1) {  // more than start() was told of: a bigger table
        make_slots(tokens_.size());
        return static_cast<std::uint32_t>(tokens_.size() - 1);
      }
      slots_[i] = static_cast<std::uint32_t>(tokens_.size());
      return static_cast<std::uint32_t>(tokens_.size() - 1);
    }
    // A repeat is most of what lands here: its first 16 bytes compared as the two key words,
    // only a longer token's rest by memcmp (a call per repeat was about 1% of the Common Crawl
    // graph's run).
    const Token& token = tokens_[slot - 1];
    if (token.hash == hash && token.text.size() == text.size() && same_key(token.key, key) &&
        (text.size() <= token_key_bytes ||
         std::memcmp(token.text.data() + token_key_bytes, text.data() + token_key_bytes,
                     text.size() - token_key_bytes) == 0))
      return slot - 1;
  }
}

}  // namespace loom::fasttext_inference
