// MD5 of short messages (one 64-byte block, at most 55 bytes), as SimHash features need: the
// reference hashes every 6-character shingle with md5, so this sits on the hottest path.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace loom::simhash {

inline constexpr std::size_t md5_max_short_message = 55;

// The 16-byte digest of a message of at most md5_max_short_message bytes.
std::array<std::uint8_t, 16> md5_short(std::string_view message);

// The last 8 digest bytes read as a big-endian integer: simhash's 64-bit feature hash.
std::uint64_t md5_low64_big_endian(std::string_view message);

}  // namespace loom::simhash
