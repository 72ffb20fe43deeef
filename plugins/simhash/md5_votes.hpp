// SimHash's votes over many short messages: the MD5 of 32 messages at a time, side by side
// in vector lanes (AVX-512 or AVX2 where the CPU has them, chosen at load time), and for each bit
// of the 64-bit feature hash (the last 8 digest bytes, big-endian) how many messages have it set.
// The reference hashes every shingle of a book, so this is the hot path of books dedup; the
// scalar md5_short stays the definition the lanes are tested against.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "md5.hpp"

namespace loom::simhash {

class Md5Votes {
 public:
  static constexpr std::size_t lanes = 32;

  // Counts one message of at most md5_max_short_message bytes; `readable` bytes from `data` on
  // (at least `length`) may be read, so a short message is loaded 8 bytes at a time.
  void add(const char* data, std::size_t length, std::size_t readable);
  // Adds the votes of every message since the last take() to ones[bit] and starts afresh.
  void take(std::array<std::uint64_t, 64>& ones);

  // Vote counters are 12 bit-sliced levels per lane, flushed into totals every 4095 batches: fewer
  // levels ripple less per batch but flush (a pass over every counter word) more often.
  static constexpr std::size_t levels = 12;

 private:
  void hash_batch();
  void flush_levels();

  // The padded MD5 blocks, word-major: words_[w][lane] is word w of the lane's block.
  alignas(64) std::uint32_t words_[16][lanes] = {};
  // Per digest word (2: the hash's high half, 3: its low half), level and lane: bit j of the
  // lane's count of messages whose word has bit j set, at weight 2^level.
  alignas(64) std::uint32_t counters_[2][levels][lanes] = {};
  std::array<std::uint64_t, 64> totals_{};
  std::uint8_t lane_chunks_[lanes] = {};  // 8-byte message chunks the lane's block holds
  std::size_t filled_ = 0;                // lanes holding a message not yet hashed
  std::size_t batches_ = 0;               // batches in the counters since their last flush
};

namespace md5_votes_detail {
inline std::uint64_t load_le64(const char* data) {
  std::uint64_t word;
  std::memcpy(&word, data, 8);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}
}  // namespace md5_votes_detail

// Inline: called once per shingle, and mostly a few stores.
inline void Md5Votes::add(const char* data, std::size_t length, std::size_t readable) {
  if (length > md5_max_short_message) throw std::length_error("md5: message longer than 55 bytes");
  const std::size_t lane = filled_;
  const auto store_chunk = [&](std::size_t chunk, std::uint64_t bytes) {
    words_[2 * chunk][lane] = static_cast<std::uint32_t>(bytes);
    words_[2 * chunk + 1][lane] = static_cast<std::uint32_t>(bytes >> 32);
  };
  const std::size_t last = length / 8;  // the chunk that ends the message with the 0x80 byte
  for (std::size_t chunk = 0; chunk < last; ++chunk)
    store_chunk(chunk, md5_votes_detail::load_le64(data + 8 * chunk));
  const std::size_t rest = length % 8;
  std::uint64_t tail = 0;
  if (readable >= 8 * last + 8) {
    tail = md5_votes_detail::load_le64(data + 8 * last) & ((std::uint64_t{1} << (8 * rest)) - 1);
  } else {
    for (std::size_t i = 0; i < rest; ++i)
      tail |= std::uint64_t{static_cast<unsigned char>(data[8 * last + i])} << (8 * i);
  }
  store_chunk(last, tail | std::uint64_t{0x80} << (8 * rest));
  for (std::size_t chunk = last + 1; chunk < lane_chunks_[lane]; ++chunk) store_chunk(chunk, 0);
  lane_chunks_[lane] = static_cast<std::uint8_t>(last + 1);
  words_[14][lane] = static_cast<std::uint32_t>(length * 8);  // the bit length; word 15 stays 0
  if (++filled_ == lanes) hash_batch();
}

}  // namespace loom::simhash
