// The MinHash LSH of minhash_dedup against exact Jaccard similarity: planted near-duplicate pairs
// at 0.95, 0.85, 0.7 and 0.5 (5-gram shingle sets, Jaccard computed by brute force on every
// planted pair), their candidate rate against the S-curve 1 - (1 - s^8)^14, and the index's
// clustering rules (first document survives, transitive clusters, spilled runs).
#include <doctest/doctest.h>

#include <minhash_index.hpp>
#include <minhash_signature.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

using loom::dedup::MinhashIndex;
using loom::dedup::MinhashShape;
using loom::dedup::MinhashSignature;

namespace {

// A word of lowercase letters for n (the deduper folds digits, so numbers would all look alike).
std::string letters(std::uint64_t n) {
  std::string word = "w";
  do {
    word += static_cast<char>('a' + n % 26);
    n /= 26;
  } while (n != 0);
  return word;
}

double s_curve(double s, double rows, double bands) {
  return 1 - std::pow(1 - std::pow(s, rows), bands);
}

// The brute-force reference: the document's set of word 5-grams as strings.
std::set<std::string> shingles(const std::vector<std::string>& words) {
  std::set<std::string> out;
  for (std::size_t i = 0; i + 5 <= words.size(); ++i)
    out.insert(words[i] + ' ' + words[i + 1] + ' ' + words[i + 2] + ' ' + words[i + 3] + ' ' +
               words[i + 4]);
  return out;
}

double jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::size_t common = 0;
  for (const std::string& s : a) common += b.count(s);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& w : words) (text += text.empty() ? "" : " ") += w;
  return text;
}

struct Pair {
  std::string base, copy;
  double jaccard;
};

// A random 1000-word base and a copy with `replaced` words changed, at least 5 apart so each
// changes 5 shingles: Jaccard about (996 - 5k) / (996 + 5k).
Pair planted_pair(std::mt19937_64& rng, std::size_t replaced) {
  std::vector<std::string> words(1000);
  for (std::string& w : words) w = letters(rng() % 10000000);
  std::vector<std::size_t> slots(words.size() / 5 - 2);
  for (std::size_t i = 0; i < slots.size(); ++i) slots[i] = 5 * (i + 1) + 2;
  std::shuffle(slots.begin(), slots.end(), rng);
  std::vector<std::string> copy = words;
  for (std::size_t k = 0; k < replaced; ++k) copy[slots[k]] = "x" + letters(rng());
  return {join(words), join(copy), jaccard(shingles(words), shingles(copy))};
}

}  // namespace

TEST_CASE("planted near-duplicates are found at the rate of the LSH S-curve (14 bands x 8)") {
  const MinhashShape shape;  // datatrove's defaults
  REQUIRE(shape.ngram_words == 5);
  REQUIRE(shape.bands == 14);
  REQUIRE(shape.rows_per_band == 8);
  struct Bin {
    double target;
    std::size_t replaced;
  };
  // Replacements for the targets: k = 996 (1 - s) / (5 (1 + s)), rounded.
  const Bin bins[] = {{0.95, 5}, {0.85, 16}, {0.7, 35}, {0.5, 66}};
  constexpr std::size_t kPairs = 1000;
  std::mt19937_64 rng(14);
  std::vector<std::vector<Pair>> planted;
  for (const Bin& bin : bins) {
    planted.emplace_back();
    for (std::size_t i = 0; i < kPairs; ++i)
      planted.back().push_back(planted_pair(rng, bin.replaced));
  }
  // All pairs in one index: base then copy, so an unrelated document joining a pair shows as a
  // wrong survivor.
  MinhashSignature signature(shape);
  MinhashIndex index(shape.bands, 0, "");
  std::vector<std::uint64_t> keys;
  double matching_rows_error = 0;
  std::size_t signed_pairs = 0;
  for (const auto& pairs : planted)
    for (const Pair& p : pairs) {
      REQUIRE(signature.band_keys(p.base, keys));
      index.add(keys.data());
      const std::vector<std::uint32_t> base_minima(signature.minima().begin(),
                                                   signature.minima().end());
      REQUIRE(signature.band_keys(p.copy, keys));
      index.add(keys.data());
      std::size_t equal = 0;
      for (std::size_t k = 0; k < base_minima.size(); ++k)
        equal += base_minima[k] == signature.minima()[k];
      matching_rows_error +=
          static_cast<double>(equal) / static_cast<double>(base_minima.size()) - p.jaccard;
      ++signed_pairs;
    }
  index.resolve();
  // Each minhash row matches with probability J: over 2000 pairs x 112 rows the mean error of the
  // estimate is ~0.001 for independent rows; 0.01 catches a biased hash family.
  CHECK(std::abs(matching_rows_error / static_cast<double>(signed_pairs)) < 0.01);

  std::uint32_t doc = 0;
  std::size_t found_all = 0, found_wrong = 0, found_at_least_07 = 0;
  std::printf("minhash LSH, %zu planted pairs per bin, 14 bands x 8 rows, word 5-grams\n", kPairs);
  std::printf("%-7s %-17s %7s %9s %9s %11s\n", "target", "exact J (min-max)", "found", "recall",
              "expected", "tolerance");
  for (std::size_t b = 0; b < planted.size(); ++b) {
    double expected = 0, variance = 0, lowest = 1, highest = 0;
    std::size_t found = 0;
    // Rows 7 and 9 (14 bands): the neighbouring S-curves, mean and variance of their count.
    double alternative_mean[2] = {0, 0}, alternative_variance[2] = {0, 0};
    for (const Pair& p : planted[b]) {
      const std::uint32_t base = doc++, copy = doc++;
      const double q = s_curve(p.jaccard, 8, 14);
      expected += q;
      variance += q * (1 - q);
      for (int a = 0; a < 2; ++a) {
        const double qa = s_curve(p.jaccard, a == 0 ? 7 : 9, 14);
        alternative_mean[a] += qa;
        alternative_variance[a] += qa * (1 - qa);
      }
      lowest = std::min(lowest, p.jaccard);
      highest = std::max(highest, p.jaccard);
      CHECK(index.survivor(base) == base);
      const std::uint32_t survivor = index.survivor(copy);
      if (survivor == base) {
        ++found;
        found_at_least_07 += p.jaccard >= 0.7;
      } else if (survivor != copy) {
        ++found_wrong;
      }
    }
    found_all += found;
    const double tolerance = 4 * std::sqrt(variance) + 1;  // 4 sigma of the binomial sum
    std::printf("%-7.2f %.3f-%.3f       %7zu %9.3f %9.1f %+11.1f\n", bins[b].target, lowest,
                highest, found, static_cast<double>(found) / kPairs, expected, tolerance);
    CHECK(std::abs(lowest - bins[b].target) < 0.02);
    CHECK(std::abs(highest - bins[b].target) < 0.02);
    CHECK(std::abs(static_cast<double>(found) - expected) <= tolerance);
    // Where the curve is steep the band is narrow enough that 7 or 9 rows would land inside
    // it only more than 3 of their own sigmas away from their mean: no pass by accident.
    if (bins[b].target == 0.7)
      for (int a = 0; a < 2; ++a)
        CHECK(std::abs(alternative_mean[a] - expected) - tolerance >
              3 * std::sqrt(alternative_variance[a]));
  }
  const double precision =
      static_cast<double>(found_all) / static_cast<double>(found_all + found_wrong);
  std::printf(
      "precision: %zu of %zu found pairs are planted pairs (%.4f); %zu of them have "
      "exact J >= 0.7 (%.3f)\n",
      found_all, found_all + found_wrong, precision, found_at_least_07,
      static_cast<double>(found_at_least_07) / static_cast<double>(found_all));
  CHECK(found_wrong == 0);
}

TEST_CASE("unrelated documents are never candidates (brute force on a sample says J = 0)") {
  std::mt19937_64 rng(7);
  MinhashSignature signature({});
  MinhashIndex index(14, 0, "");
  std::vector<std::uint64_t> keys;
  std::vector<std::set<std::string>> sample;
  for (int d = 0; d < 2000; ++d) {
    std::vector<std::string> words(300);
    for (std::string& w : words) w = letters(rng() % 5000);  // shared vocabulary
    if (d < 50) sample.push_back(shingles(words));
    REQUIRE(signature.band_keys(join(words), keys));
    index.add(keys.data());
  }
  index.resolve();
  for (std::size_t a = 0; a < sample.size(); ++a)
    for (std::size_t b = a + 1; b < sample.size(); ++b) CHECK(jaccard(sample[a], sample[b]) < 0.01);
  for (std::uint32_t d = 0; d < 2000; ++d) CHECK(index.survivor(d) == d);
}

namespace {

// Band keys for hand-made documents: band b of document d is keys[b] when given, else unique.
std::vector<std::uint64_t> keys_of(std::uint64_t doc, std::vector<std::uint64_t> shared) {
  shared.resize(3, 0);
  for (std::size_t b = 0; b < 3; ++b)
    if (shared[b] == 0) shared[b] = (doc + 1) << 32 | b;
  return shared;
}

}  // namespace

TEST_CASE("a cluster's survivor is its first document, however it was linked") {
  MinhashIndex index(3, 0, "");
  index.add(keys_of(0, {}).data());          // 0: alone
  index.add(keys_of(1, {7}).data());         // 1: band 0 with 3
  index.add(keys_of(2, {0, 9}).data());      // 2: band 1 with 3
  index.add(keys_of(3, {7, 9}).data());      // 3: links 1 and 2
  index.add_without_keys();                  // 4: no words
  index.add(keys_of(5, {0, 0, 11}).data());  // 5: band 2 with 6
  index.add(keys_of(6, {0, 0, 11}).data());
  index.resolve();
  const std::vector<std::uint32_t> survivors{0, 1, 1, 1, 4, 5, 5};
  for (std::uint32_t d = 0; d < survivors.size(); ++d) CHECK(index.survivor(d) == survivors[d]);
  CHECK(index.has_duplicates(1));
  CHECK(index.has_duplicates(5));
  CHECK_FALSE(index.has_duplicates(0));
  CHECK_FALSE(index.has_duplicates(4));
}

TEST_CASE("spilled sorted runs give the clusters an in-memory index gives") {
  std::mt19937_64 rng(3);
  std::vector<std::vector<std::uint64_t>> docs(5000);
  for (auto& keys : docs) {
    keys.resize(14);
    for (auto& k : keys) k = rng() % 20000;  // many collisions, many multi-document buckets
  }
  MinhashIndex memory(14, 0, "");
  MinhashIndex spilled(14, 100 * 14 * 16, "");  // a run every 100 documents
  for (const auto& keys : docs) {
    memory.add(keys.data());
    spilled.add(keys.data());
  }
  CHECK(memory.runs_spilled() == 0);
  CHECK(spilled.runs_spilled() == 50);
  memory.resolve();
  spilled.resolve();
  std::size_t clustered = 0;
  for (std::uint32_t d = 0; d < docs.size(); ++d) {
    CHECK(spilled.survivor(d) == memory.survivor(d));
    clustered += memory.survivor(d) != d;
  }
  CHECK(clustered > 1000);
}
