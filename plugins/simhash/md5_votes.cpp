#include "md5_votes.hpp"

#include <bit>
#include <cstring>

#include "md5.hpp"

namespace loom::simhash {
namespace {

using Lanes = std::uint32_t __attribute__((vector_size(4 * Md5Votes::lanes)));  // a message each

// One MD5 step on every lane: a = b + rotl(a + mixed + constant + word, shift). A macro, not a
// function, so no vector crosses a call (whose ABI would differ between the clones below).
#define LOOM_MD5_STEP(mixed, i, word)                                                          \
  do {                                                                                         \
    const Lanes sum = a + (mixed) + md5_sine_table[i] + w[word];                               \
    const Lanes next = b + ((sum << md5_shift_table[i]) | (sum >> (32 - md5_shift_table[i]))); \
    a = d;                                                                                     \
    d = c;                                                                                     \
    c = b;                                                                                     \
    b = next;                                                                                  \
  } while (0)

// Hashes the blocks (word-major) and adds digest words 2 and 3 of the first `filled` lanes to
// the bit-sliced counters. The same integer arithmetic on every path, so the same votes on every
// machine; compiled also for AVX2 and AVX-512 (8 or 16 lanes per instruction), chosen at load
// time. The 64 steps depend on each other, so 32 lanes (two or four vectors side by side) keep
// the vector units busy while one step waits for the last. Not under ThreadSanitizer: the clones'
// ifunc resolver runs while the plugin is being relocated, before TSan's runtime can be called (see
// plugins/dedup/minhash_signature.cpp).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
void hash_and_count(const std::uint32_t (*words)[Md5Votes::lanes],
                    std::uint32_t (*counters)[Md5Votes::levels][Md5Votes::lanes],
                    std::size_t filled) {
  Lanes w[16];
  for (int i = 0; i < 16; ++i) std::memcpy(&w[i], words[i], sizeof(Lanes));
  const Lanes zero{};
  const Lanes a0 = zero + 0x67452301u, b0 = zero + 0xefcdab89u;
  const Lanes c0 = zero + 0x98badcfeu, d0 = zero + 0x10325476u;
  Lanes a = a0, b = b0, c = c0, d = d0;
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) LOOM_MD5_STEP(d ^ (b & (c ^ d)), i, i);
#pragma GCC unroll 16
  for (int i = 16; i < 32; ++i) LOOM_MD5_STEP(c ^ (d & (b ^ c)), i, (5 * i + 1) & 15);
#pragma GCC unroll 16
  for (int i = 32; i < 48; ++i) LOOM_MD5_STEP(b ^ c ^ d, i, (3 * i + 5) & 15);
#pragma GCC unroll 16
  for (int i = 48; i < 64; ++i) LOOM_MD5_STEP(c ^ (b | ~d), i, (7 * i) & 15);
  Lanes lane_index{};
  for (std::uint32_t lane = 0; lane < Md5Votes::lanes; ++lane) lane_index[lane] = lane;
  const Lanes live = reinterpret_cast<Lanes>(lane_index < static_cast<std::uint32_t>(filled));
  const Lanes halves[2] = {(c + c0) & live, (d + d0) & live};
  for (int half = 0; half < 2; ++half) {
    Lanes carry = halves[half];  // a ripple-carry add of one bit per lane and bit position
    for (std::size_t level = 0; level < Md5Votes::levels; ++level) {
      Lanes count;
      std::memcpy(&count, counters[half][level], sizeof(Lanes));
      const Lanes next_carry = count & carry;
      count ^= carry;
      std::memcpy(counters[half][level], &count, sizeof(Lanes));
      carry = next_carry;
    }
  }
}

#undef LOOM_MD5_STEP

// weighted[j] = the sum over levels and lanes of bit j of counters[level][lane], times 2^level:
// the messages counted with bit j set. Branch-free, column by column in vector lanes (a loop over
// each set bit was a branch mispredicted about every other bit, and simhash_dedup flushes once
// per part of a book). At most 32 lanes x 4095 < 2^32, so 32 bits suffice.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
void add_weighted_columns(const std::uint32_t (*counters)[Md5Votes::lanes],
                          std::uint32_t (&weighted)[32]) {
  using Columns = std::uint32_t __attribute__((vector_size(4 * 32)));  // one per bit j
  Columns shifts;
  for (std::uint32_t j = 0; j < 32; ++j) shifts[j] = j;
  Columns sum{};
  for (std::size_t level = 0; level < Md5Votes::levels; ++level) {
    Columns column{};
    for (std::size_t lane = 0; lane < Md5Votes::lanes; ++lane)
      column += ((Columns{} + counters[level][lane]) >> shifts) & 1u;
    sum += column << static_cast<std::uint32_t>(level);
  }
  std::memcpy(weighted, &sum, sizeof sum);
}

}  // namespace

void Md5Votes::hash_batch() {
  hash_and_count(words_, counters_, filled_);
  filled_ = 0;
  if (++batches_ == (std::size_t{1} << levels) - 1) flush_levels();
}

void Md5Votes::flush_levels() {
  for (std::size_t half = 0; half < 2; ++half) {
    std::uint32_t weighted[32];
    add_weighted_columns(counters_[half], weighted);
    // Bit j of a little-endian digest word is bit 8 * (3 - j / 8) + j % 8 of the word read
    // big-endian; word 2 is the hash's high half.
    for (std::size_t j = 0; j < 32; ++j)
      totals_[(half == 0 ? 32 : 0) + 8 * (3 - j / 8) + j % 8] += weighted[j];
  }
  std::memset(counters_, 0, sizeof counters_);
  batches_ = 0;
}

void Md5Votes::take(std::array<std::uint64_t, 64>& ones) {
  if (filled_ > 0) hash_batch();
  flush_levels();
  for (std::size_t bit = 0; bit < 64; ++bit) ones[bit] += totals_[bit];
  totals_ = {};
}

}  // namespace loom::simhash
