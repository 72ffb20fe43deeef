// MurmurHash64A (Austin Appleby's public-domain 64-bit hash for 64-bit platforms). KenLM keys its
// vocabulary by this hash of each word's bytes with seed 0, so a KenLM binary file can only be
// searched with exactly this function.
#pragma once

#include <cstdint>
#include <string_view>

namespace loom::ngram {

std::uint64_t murmur_hash_64a(std::string_view bytes, std::uint64_t seed = 0);

}  // namespace loom::ngram
