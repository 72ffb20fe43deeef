// RedPajama-V2's MinHash signatures (dedupe/minhash.py, dedupe/utils.py), bit for bit: word
// n-gram shingles of the normalized words, SHA-1 32-bit token hashes, permutations drawn as
// numpy's legacy RandomState(seed).randint draws them, and the bands of datasketch's
// optimal_param. docs/reference/rpv2-signals.md#minhash-signatures.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom::quality {

// The permutations (a, b) of V2's MinHash(num_permutations, seed): a in [1, 2^61 - 1), b in
// [0, 2^61 - 1), drawn alternately from MT19937 seeded with init_genrand(seed), with numpy's
// masked rejection sampling of 64-bit values.
struct MinHashPermutations {
  std::vector<std::uint64_t> a;
  std::vector<std::uint64_t> b;
};
MinHashPermutations rpv2_minhash_permutations(std::size_t count, std::uint32_t seed);

// SHA-256 (hex) of the permutations as numpy lays out V2's array: every a, then every b, as
// little-endian uint64. V2 logs it as __MINHASH_PERM_CHECKSUM__.
std::string rpv2_permutations_checksum(const MinHashPermutations& permutations);

// datasketch's optimal_param: the (bands, rows) with bands * rows <= num_perm minimizing the
// equally weighted false positive and false negative probabilities at `threshold` (integrals by
// Gauss-Legendre quadrature, exact for these polynomials up to rounding).
std::pair<std::size_t, std::size_t> rpv2_optimal_bands(double threshold, std::size_t num_perm);

// The signature of one document's normalized words: for each permutation, the minimum of
// ((h * a + b) mod (2^61 - 1)) & 0xffffffff over the SHA-1 hashes h of its word n-grams joined
// by spaces (h * a and + b wrap modulo 2^64, as numpy's uint64 arithmetic does). Empty when
// there are fewer than ngram_size words.
std::vector<std::uint32_t> rpv2_minhash_signature(const std::vector<std::string_view>& words,
                                                  std::size_t ngram_size,
                                                  const MinHashPermutations& permutations);

}  // namespace loom::quality
