// SimHash's votes over many short messages: the MD5 of 32 messages at a time, side by side
// in vector lanes (AVX-512 or AVX2 where the CPU has them, chosen at load time), and for each bit
// of the 64-bit feature hash (the last 8 digest bytes, big-endian) how many messages have it set.
// The reference hashes every shingle of a book, so this is the hot path of books dedup; the
// scalar md5_short stays the definition the lanes are tested against.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace loom::simhash {

class Md5Votes {
 public:
  static constexpr std::size_t lanes = 32;

  // Counts one message of at most md5_max_short_message bytes; `readable` bytes from `data` on
  // (at least `length`) may be read, so a short message is loaded 8 bytes at a time.
  void add(const char* data, std::size_t length, std::size_t readable);
  // Adds the votes of every message since the last take() to ones[bit] and starts afresh.
  void take(std::array<std::uint64_t, 64>& ones);

  // Vote counters are 8 bit-sliced levels per lane: flushed every 255 batches.
  static constexpr std::size_t levels = 8;

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

}  // namespace loom::simhash
