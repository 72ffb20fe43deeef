// The bit-level layout of bzip2 that decoding block by block needs (lbzip2's approach): a stream
// is "BZh" + level digit, then blocks, each starting with a 48-bit magic and its CRC at any bit
// position, then a 48-bit end-of-stream magic, the stream's combined CRC and padding to a byte.
// A block is cut out and wrapped as a stream of its own, which libbz2 decodes and checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace loom::io::internal::bzip2_blocks {

inline constexpr std::uint64_t kBlockMagic = 0x314159265359;
inline constexpr std::uint64_t kEndMagic = 0x177245385090;
inline constexpr std::uint64_t kNotFound = UINT64_MAX;

// `count` (1..32) bits of `bytes` from bit `bit` on, most significant first; bits past the end
// read as 0.
std::uint32_t bits_at(const std::vector<std::uint8_t>& bytes, std::uint64_t bit, int count);
std::uint64_t magic_at(const std::vector<std::uint8_t>& bytes, std::uint64_t bit);

// The first bit position >= from where a block or end-of-stream magic starts whole within
// `bytes`; kNotFound if none does.
std::uint64_t find_magic(const std::vector<std::uint8_t>& bytes, std::uint64_t from);

// Bits [from, to) of `bytes` (a block: its magic, CRC and data) as a one-block stream of level
// `level` whose combined CRC is the block's: "BZh<level>", the bits, end magic, CRC, padding.
std::string wrap_block(const std::vector<std::uint8_t>& bytes, std::uint64_t from, std::uint64_t to,
                       char level);

// The bzip2 stream's combined CRC after one more block.
inline std::uint32_t combine_crc(std::uint32_t combined, std::uint32_t block_crc) {
  return ((combined << 1) | (combined >> 31)) ^ block_crc;
}

struct Decoded {
  std::string text;
  int status = 0;  // libbz2's: BZ_STREAM_END when the block decoded and checked out
};
// Decodes a stream wrap_block made.
Decoded decode_stream(const std::string& stream);

}  // namespace loom::io::internal::bzip2_blocks
