// find_magic (bzip2_blocks.cpp) skips bytes by a table of the two bytes that follow a magic's
// first; it must find exactly what testing all 48-bit windows bit by bit finds, at every bit
// shift, next to the ends of the buffer and from any starting bit.
#include "io/bzip2_blocks.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace bb = loom::io::internal::bzip2_blocks;

namespace {

std::uint64_t magic_by_bits(const std::vector<std::uint8_t>& bytes, std::uint64_t from) {
  const std::uint64_t total = std::uint64_t{bytes.size()} * 8;
  for (std::uint64_t at = from; at + 48 <= total; ++at) {
    std::uint64_t bits = 0;
    for (std::uint64_t i = at; i < at + 48; ++i)
      bits = (bits << 1) | ((bytes[i / 8] >> (7 - i % 8)) & 1U);
    if (bits == bb::kBlockMagic || bits == bb::kEndMagic) return at;
  }
  return bb::kNotFound;
}

void put_bits(std::vector<std::uint8_t>& bytes, std::uint64_t at, std::uint64_t value, int count) {
  for (int k = 0; k < count; ++k) {
    const std::uint64_t bit = at + static_cast<std::uint64_t>(k);
    const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
    if ((value >> (count - 1 - k)) & 1U)
      bytes[bit / 8] |= mask;
    else
      bytes[bit / 8] &= static_cast<std::uint8_t>(~mask);
  }
}

}  // namespace

TEST_CASE("find_magic finds what a bit-by-bit scan finds, at every shift and from every start") {
  std::mt19937_64 random(17);
  int found = 0;
  for (int round = 0; round < 400; ++round) {
    std::vector<std::uint8_t> bytes(6 + random() % 300);
    for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(random());
    // Plant up to three magics (either kind) at random bit positions, some at the very end.
    const int planted = static_cast<int>(random() % 4);
    for (int k = 0; k < planted; ++k) {
      const std::uint64_t room = bytes.size() * 8 - 48;
      const std::uint64_t at = k == 0 && round % 5 == 0 ? room : random() % (room + 1);
      put_bits(bytes, at, random() % 2 ? bb::kBlockMagic : bb::kEndMagic, 48);
    }
    for (std::uint64_t from = 0; from <= bytes.size() * 8; from += 1 + random() % 13) {
      const std::uint64_t expected = magic_by_bits(bytes, from);
      CHECK(bb::find_magic(bytes, from) == expected);
      found += expected != bb::kNotFound;
    }
  }
  CHECK(found > 1000);  // the planted magics were met, not only misses
  CHECK(bb::find_magic(std::vector<std::uint8_t>(5, 0x31), 0) == bb::kNotFound);
}
