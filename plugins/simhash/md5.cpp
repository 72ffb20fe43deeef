#include "md5.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace loom::simhash {
namespace {

constexpr std::uint32_t rotate_left(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

// One MD5 step: a = b + rotl(a + mixed + constant + word, shift).
constexpr std::uint32_t step(std::uint32_t a, std::uint32_t b, std::uint32_t mixed, int i,
                             std::uint32_t word) {
  return b + rotate_left(a + mixed + md5_sine_table[i] + word, md5_shift_table[i]);
}

// One compression of the padded block; returns the four state words (little-endian digest). The
// four rounds are separate loops so no iteration branches on its round. The definition the lanes
// of md5_votes.cpp are tested against.
std::array<std::uint32_t, 4> compress(const std::uint8_t* block) {
  std::uint32_t words[16];
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(words, block, sizeof words);
  } else {
    for (int i = 0; i < 16; ++i)
      words[i] = static_cast<std::uint32_t>(block[4 * i]) |
                 static_cast<std::uint32_t>(block[4 * i + 1]) << 8 |
                 static_cast<std::uint32_t>(block[4 * i + 2]) << 16 |
                 static_cast<std::uint32_t>(block[4 * i + 3]) << 24;
  }
  const std::uint32_t a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
  std::uint32_t a = a0, b = b0, c = c0, d = d0;
  const auto advance = [&](std::uint32_t mixed, int i, int word) {
    const std::uint32_t next = step(a, b, mixed, i, words[word]);
    a = d;
    d = c;
    c = b;
    b = next;
  };
  for (int i = 0; i < 16; ++i) advance((b & c) | (~b & d), i, i);
  for (int i = 16; i < 32; ++i) advance((d & b) | (~d & c), i, (5 * i + 1) & 15);
  for (int i = 32; i < 48; ++i) advance(b ^ c ^ d, i, (3 * i + 5) & 15);
  for (int i = 48; i < 64; ++i) advance(c ^ (b | ~d), i, (7 * i) & 15);
  return {a0 + a, b0 + b, c0 + c, d0 + d};
}

std::array<std::uint32_t, 4> digest_words(std::string_view message) {
  if (message.size() > md5_max_short_message)
    throw std::length_error("md5_short: message longer than 55 bytes");
  std::uint8_t block[64] = {};
  // Fixed-size copies inline; a variable-length memcpy was a libc call per shingle.
  std::size_t copied = 0;
  for (; copied + 8 <= message.size(); copied += 8)
    std::memcpy(block + copied, message.data() + copied, 8);
  for (; copied < message.size(); ++copied)
    block[copied] = static_cast<std::uint8_t>(message[copied]);
  block[message.size()] = 0x80;
  const std::uint64_t bit_length = static_cast<std::uint64_t>(message.size()) * 8;
  for (int i = 0; i < 8; ++i) block[56 + i] = static_cast<std::uint8_t>(bit_length >> (8 * i));
  return compress(block);
}

std::uint32_t byte_swap(std::uint32_t x) { return __builtin_bswap32(x); }

}  // namespace

std::array<std::uint8_t, 16> md5_short(std::string_view message) {
  const std::array<std::uint32_t, 4> words = digest_words(message);
  std::array<std::uint8_t, 16> out{};
  for (int w = 0; w < 4; ++w)
    for (int i = 0; i < 4; ++i) out[4 * w + i] = static_cast<std::uint8_t>(words[w] >> (8 * i));
  return out;
}

std::uint64_t md5_low64_big_endian(std::string_view message) {
  const std::array<std::uint32_t, 4> words = digest_words(message);
  // Digest bytes 8..15 are words 2 and 3, each stored little-endian.
  return static_cast<std::uint64_t>(byte_swap(words[2])) << 32 | byte_swap(words[3]);
}

}  // namespace loom::simhash
