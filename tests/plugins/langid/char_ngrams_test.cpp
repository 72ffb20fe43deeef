// CharNgrams' paths (AVX2 and AVX-512 for all-ASCII words, AVX-512 for other words of models
// with n-grams of 2-4 characters, scalar for any word) give the same kept buckets in the same
// order, so a token's row sum is the same bits on every machine: random words and the golden
// documents' words, under several n-gram ranges, bucket counts and kept densities, including the
// edges of the vector path (words of 1-40 bytes around its 8-byte blocks, n-grams that end exactly
// at the word's end, n = 1 beside "<" and ">").
#include "fast_classifier_support.hpp"

#include <fasttext_inference/char_ngrams.hpp>

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using loom::fasttext_inference::CharNgrams;
using loom::fasttext_inference::KeptNgram;
using loom::fasttext_inference::NgramBuckets;

namespace {

std::vector<KeptNgram> kept(const CharNgrams& ngrams, const std::string& token) {
  std::string word = "<" + token + ">";
  const std::size_t size = word.size();
  word.append(CharNgrams::padding, '\0');
  std::vector<KeptNgram> out;
  ngrams.kept(word.data(), size, out);
  return out;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> buckets_and_ranks(
    const std::vector<KeptNgram>& ngrams) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  for (const KeptNgram& ngram : ngrams) out.emplace_back(ngram.bucket, ngram.rank);
  return out;
}

}  // namespace

TEST_CASE("CharNgrams: the vector path keeps the scalar path's buckets and ranks, in order") {
  std::mt19937 random(20261206);
  std::vector<std::string> tokens;
  const std::string alphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;<>-'";
  for (std::size_t length = 0; length <= 40; ++length)
    for (int copy = 0; copy < 20; ++copy) {
      std::string token;
      for (std::size_t i = 0; i < length; ++i) token += alphabet[random() % alphabet.size()];
      tokens.push_back(token);
    }
  // Words with non-ASCII bytes (n-grams counted in UTF-8 characters): characters of 1-4 bytes
  // mixed, and malformed text: continuation bytes with no lead (at the start, after "<"), runs
  // of 3 and of 4 or more continuation bytes (a "character" past 4 bytes), any byte at random.
  const std::string characters[] = {"a",
                                    "\xC3\xA9",
                                    "\xD0\xB6",
                                    "\xE4\xB8\xAD",
                                    "\xE0\xA4\x95",
                                    "\xF0\x9F\x98\x80",
                                    "-",
                                    "\x80",
                                    "\xBF\x80\x81",
                                    "\x80\x80\x80\x80",
                                    "\xE2\x80\x80\x80\x80"};
  for (std::size_t length = 1; length <= 40; ++length)
    for (int copy = 0; copy < 20; ++copy) {
      std::string token;
      for (std::size_t i = 0; i < length; ++i) {
        // Mostly well-formed: malformed pieces (the last four) one time in eight.
        const std::size_t pick = random() % 8 == 0 ? 7 + random() % 4 : random() % 7;
        token += characters[pick];
      }
      tokens.push_back(token);
      std::string bytes;
      for (std::size_t i = 0; i < length; ++i) bytes += static_cast<char>(random() % 256);
      tokens.push_back(bytes);
    }
  for (const std::string& text : fast_classifier_testing::golden_texts()) {
    std::istringstream words(text.substr(0, 2000));
    std::string word;
    while (words >> word) tokens.push_back(word);
  }

  struct Setting {
    std::uint32_t buckets;
    int min_n;
    int max_n;
    std::uint32_t kept_per_mille;  // 1000: no pruning
  };
  // Every count of lengths from 1 to 4 (the AVX-512 path's interleaved emission for each), and
  // more; min_n 0 counts as 1, as in fastText.
  const Setting settings[] = {{2000000, 2, 4, 21}, {2000000, 2, 4, 1000}, {2000000, 1, 6, 300},
                              {7, 3, 3, 500},      {1, 1, 1, 1000},       {2147483647, 1, 16, 1000},
                              {65536, 4, 9, 100},  {2000000, 3, 4, 500},  {2000000, 3, 6, 400},
                              {2000000, 0, 3, 500}};
  std::size_t vector_words = 0;
  for (const Setting& setting : settings) {
    std::vector<std::uint64_t> kept_bits((std::uint64_t{setting.buckets} + 63) / 64);
    std::vector<std::uint32_t> kept_before(kept_bits.size());
    // The rank each kept bucket must get: its index among the kept, counted one by one.
    std::vector<std::uint32_t> rank_of_kept;
    NgramBuckets model{setting.buckets, setting.min_n, setting.max_n};
    if (setting.kept_per_mille < 1000) {
      rank_of_kept.assign(setting.buckets, 0);
      std::uint32_t kept = 0;
      for (std::uint64_t b = 0; b < setting.buckets; ++b) {
        if (b % 64 == 0) kept_before[b / 64] = kept;
        if (random() % 1000 >= setting.kept_per_mille) continue;
        kept_bits[b / 64] |= std::uint64_t{1} << (b % 64);
        rank_of_kept[b] = kept++;
      }
      model.kept_bits = kept_bits.data();
      model.kept_before = kept_before.data();
    }
    const CharNgrams scalar(model, CharNgrams::Path::scalar);
    CHECK(scalar.path() == CharNgrams::Path::scalar);
    for (const CharNgrams::Path path : {CharNgrams::Path::avx2, CharNgrams::Path::avx512}) {
      const CharNgrams vector(model, path);
      if (vector.path() != path) {
        std::cout << "SKIPPED: this CPU lacks the instructions of vector path "
                  << static_cast<int>(path) << "\n";
        continue;
      }
      for (const std::string& token : tokens) {
        INFO("path " << static_cast<int>(path) << ", buckets " << setting.buckets << ", n "
                     << setting.min_n << "-" << setting.max_n << ", token '" << token << "'");
        const std::vector<KeptNgram> expected = kept(scalar, token);
        REQUIRE(buckets_and_ranks(kept(vector, token)) == buckets_and_ranks(expected));
        for (const KeptNgram& ngram : expected) {
          REQUIRE(ngram.bucket < setting.buckets);
          REQUIRE(ngram.rank == (rank_of_kept.empty() ? ngram.bucket : rank_of_kept[ngram.bucket]));
        }
        ++vector_words;
      }
    }
  }
  if (CharNgrams(NgramBuckets{2000000, 2, 4}).path() != CharNgrams::Path::scalar)
    CHECK(vector_words > 5000);
}

TEST_CASE("CharNgrams keeps every n-gram of an unpruned model, as fastText counts them") {
  // "<ab>" with n = 1..3: "a", "b" (not a lone "<" or ">"), "<a", "ab", "b>", "<ab", "ab>".
  const NgramBuckets model{2000000, 1, 3};
  for (const CharNgrams::Path path :
       {CharNgrams::Path::scalar, CharNgrams::Path::avx2, CharNgrams::Path::avx512}) {
    const std::vector<KeptNgram> out = kept(CharNgrams(model, path), "ab");
    CHECK(out.size() == 7);
    // fastText's bucket of "ab": FNV-1a of its bytes, modulo the bucket count.
    std::uint32_t h = 2166136261u;
    for (const char c : std::string("ab")) h = (h ^ static_cast<std::uint32_t>(c)) * 16777619u;
    bool found = false;
    for (const KeptNgram& ngram : out) found = found || ngram.bucket == h % 2000000;
    CHECK(found);
  }
}
