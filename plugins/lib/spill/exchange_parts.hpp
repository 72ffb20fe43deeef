// The part arithmetic of a key exchange in key-range parts (exact_dedup, minhash_dedup,
// ccnet_line_dedup): after a size round has told every rank the most keys any rank has, each rank
// computes the same number of parts, and part p of P takes the keys (hashes, so spread evenly)
// up to the (p+1)-th P-quantile of the 64-bit range.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace loom::spill {

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
