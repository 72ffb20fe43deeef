// The part arithmetic of a key exchange in key-range parts (exact_dedup, url_digest_dedup,
// minhash_dedup, ccnet_line_dedup): after a size round has told every rank the most keys any rank
// has, each rank computes the same number of parts, and part p of P takes the keys (hashes, so
// spread evenly) up to the (p+1)-th P-quantile of the 64-bit range. Also the size round itself: one
// record per rank whose merge gives every rank the largest count of any rank.
#pragma once

#include <loom/sdk/key_exchange.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace loom::spill {

// The size round's one record, under the key whose bytes are all zero (the round's layout, set by
// the caller, has keys of at most 16 bytes) at position ~count: the merge keeps the smallest
// position, so every rank reads back the largest count (largest_count()).
inline void add_size_record(KeyExport& out, std::uint64_t count) {
  static constexpr std::array<unsigned char, 16> kZeroKey{};
  out.add(kZeroKey.data(), ~count, count);
}

// The largest count any rank gave add_size_record(), from the size round's merged record.
inline std::uint64_t largest_count(const MergedKeys& in) { return ~in.position(0); }

// Parts enough that `most_keys` records of `bytes_per_key` each (on the busiest rank) stay
// within `budget_bytes` a round; at least one.
inline std::size_t exchange_parts(std::uint64_t most_keys, std::uint64_t bytes_per_key,
                                  std::uint64_t budget_bytes) {
  const std::uint64_t budget = std::max<std::uint64_t>(1, budget_bytes);
  return static_cast<std::size_t>(
      std::max<std::uint64_t>(1, (most_keys * bytes_per_key + budget - 1) / budget));
}

// The last 64-bit key of part `part` of `parts` (the first is one past the previous part's last).
inline std::uint64_t last_key_of_part(std::size_t part, std::size_t parts) {
  constexpr std::uint64_t kMost = std::numeric_limits<std::uint64_t>::max();
  return part + 1 == parts ? kMost : kMost / parts * (part + 1);
}

// The first 64-bit key of part `part` of `parts`.
inline std::uint64_t first_key_of_part(std::size_t part, std::size_t parts) {
  return part == 0 ? 0 : last_key_of_part(part - 1, parts) + 1;
}

}  // namespace loom::spill
