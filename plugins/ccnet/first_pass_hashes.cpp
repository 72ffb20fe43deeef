#include "first_pass_hashes.hpp"

#include <xxhash.h>

#include <limits>

namespace loom::ccnet {

namespace {

std::uint64_t fingerprint(std::string_view text) { return XXH3_64bits(text.data(), text.size()); }

}  // namespace

void FirstPassHashes::keep(std::string_view text, std::span<const std::uint64_t> hashes) {
  if (full_) return;
  const std::size_t bytes = (documents_.size() + 1) * sizeof(Kept) +
                            (hashes_.size() + hashes.size()) * sizeof(std::uint64_t);
  if (bytes > capacity_bytes_ || hashes.size() > std::numeric_limits<std::uint32_t>::max()) {
    // Documents stay in order: once one is left out, every later one is too.
    full_ = true;
    return;
  }
  documents_.push_back({fingerprint(text), static_cast<std::uint32_t>(text.size()),
                        static_cast<std::uint32_t>(hashes.size())});
  hashes_.insert(hashes_.end(), hashes.begin(), hashes.end());
}

bool FirstPassHashes::take(std::string_view text, std::vector<std::uint64_t>& hashes) {
  if (given_up_ || next_document_ == documents_.size()) return false;
  const Kept& kept = documents_[next_document_];
  if (kept.text_bytes_low != static_cast<std::uint32_t>(text.size()) ||
      kept.fingerprint != fingerprint(text)) {
    give_up();
    return false;
  }
  const auto first = hashes_.begin() + static_cast<std::ptrdiff_t>(next_hash_);
  hashes.assign(first, first + kept.lines);
  next_hash_ += kept.lines;
  if (++next_document_ == documents_.size()) give_up();  // all taken: free the memory
  return true;
}

void FirstPassHashes::give_up() {
  given_up_ = true;
  documents_ = {};
  hashes_ = {};
}

}  // namespace loom::ccnet
