#include "rpv2_minhash_signature.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>

namespace loom::quality {
namespace {

constexpr std::uint64_t kMersennePrime = (std::uint64_t{1} << 61) - 1;

// x % (2^61 - 1) without a division: x = high * 2^61 + low and 2^61 = 1 (mod p), so x = high +
// low (mod p), and high + low < 2 * p.
std::uint64_t mod_mersenne(std::uint64_t x) {
  const std::uint64_t folded = (x & kMersennePrime) + (x >> 61);
  return folded >= kMersennePrime ? folded - kMersennePrime : folded;
}

// numpy's legacy next_uint64 on MT19937: the first 32-bit draw is the high half.
std::uint64_t next_uint64(std::mt19937& mt) {
  const std::uint64_t high = mt();
  return high << 32 | mt();
}

// RandomState.randint(low, high, dtype=uint64) for a range wider than 32 bits: draws masked to
// the smallest all-ones mask covering high - 1 - low, rejected until within range.
std::uint64_t bounded_uint64(std::mt19937& mt, std::uint64_t low, std::uint64_t high) {
  const std::uint64_t range = high - 1 - low;
  const std::uint64_t mask = std::bit_ceil(range + 1) - 1;
  std::uint64_t value = 0;
  while ((value = next_uint64(mt) & mask) > range) {
  }
  return low + value;
}

// Gauss-Legendre nodes and weights on [-1, 1]; n points integrate polynomials of degree up to
// 2n - 1 exactly.
struct Quadrature {
  std::vector<double> nodes, weights;
};

Quadrature gauss_legendre(int n) {
  Quadrature q;
  for (int i = 1; i <= n; ++i) {
    double x = std::cos(std::numbers::pi * (i - 0.25) / (n + 0.5));
    double derivative = 0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p0 = 1, p1 = x;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      derivative = n * (x * p1 - p0) / (x * x - 1);
      const double step = p1 / derivative;
      x -= step;
      if (std::fabs(step) < 1e-16) break;
    }
    q.nodes.push_back(x);
    q.weights.push_back(2 / ((1 - x * x) * derivative * derivative));
  }
  return q;
}

template <class F>
double integrate(const Quadrature& q, double from, double to, F&& f) {
  const double half = (to - from) / 2, middle = (to + from) / 2;
  double sum = 0;
  for (std::size_t i = 0; i < q.nodes.size(); ++i)
    sum += q.weights[i] * f(middle + half * q.nodes[i]);
  return sum * half;
}

}  // namespace

MinHashPermutations rpv2_minhash_permutations(std::size_t count, std::uint32_t seed) {
  std::mt19937 mt(seed);  // init_genrand(seed), as RandomState(int) seeds
  MinHashPermutations p;
  for (std::size_t i = 0; i < count; ++i) {
    p.a.push_back(bounded_uint64(mt, 1, kMersennePrime));
    p.b.push_back(bounded_uint64(mt, 0, kMersennePrime));
  }
  return p;
}

std::string rpv2_permutations_checksum(const MinHashPermutations& permutations) {
  std::string bytes;
  for (const auto* values : {&permutations.a, &permutations.b})
    for (const std::uint64_t v : *values)
      for (int k = 0; k < 8; ++k) bytes.push_back(static_cast<char>(v >> (8 * k)));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

std::pair<std::size_t, std::size_t> rpv2_optimal_bands(double threshold, std::size_t num_perm) {
  // The integrands are polynomials of degree bands * rows <= num_perm.
  const Quadrature q = gauss_legendre(static_cast<int>(num_perm / 2 + 2));
  double min_error = std::numeric_limits<double>::infinity();
  std::pair<std::size_t, std::size_t> best{0, 0};
  for (std::size_t b = 1; b <= num_perm; ++b) {
    for (std::size_t r = 1; r <= num_perm / b; ++r) {
      const auto miss = [&](double s) {  // probability that a pair at similarity s is no candidate
        return std::pow(1 - std::pow(s, static_cast<double>(r)), static_cast<double>(b));
      };
      const double false_positive =
          integrate(q, 0.0, threshold, [&](double s) { return 1 - miss(s); });
      const double false_negative = integrate(q, threshold, 1.0, miss);
      const double error = false_positive * 0.5 + false_negative * 0.5;
      if (error < min_error) {
        min_error = error;
        best = {b, r};
      }
    }
  }
  return best;
}

std::vector<std::uint32_t> rpv2_minhash_signature(const std::vector<std::string_view>& words,
                                                  std::size_t ngram_size,
                                                  const MinHashPermutations& permutations) {
  if (ngram_size == 0 || words.size() < ngram_size) return {};
  const std::size_t count = permutations.a.size();
  std::vector<std::uint64_t> minimum(count, 0xffffffffULL);
  std::string shingle;
  for (std::size_t start = 0; start + ngram_size <= words.size(); ++start) {
    shingle.clear();
    for (std::size_t k = 0; k < ngram_size; ++k) {
      if (k != 0) shingle.push_back(' ');
      shingle.append(words[start + k]);
    }
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(shingle.data()), shingle.size(), digest);
    const std::uint64_t h = std::uint64_t{digest[0]} | std::uint64_t{digest[1]} << 8 |
                            std::uint64_t{digest[2]} << 16 | std::uint64_t{digest[3]} << 24;
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint64_t value =
          mod_mersenne(h * permutations.a[i] + permutations.b[i]) & 0xffffffffULL;
      minimum[i] = std::min(minimum[i], value);
    }
  }
  return {minimum.begin(), minimum.end()};
}

}  // namespace loom::quality
