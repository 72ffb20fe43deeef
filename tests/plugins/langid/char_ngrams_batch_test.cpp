// A line's first sightings computed together (CharNgrams::kept_ranks, FirstSightings) give each
// token what kept() gives it alone, rank for rank in the same order, so its row sum is the same
// bits: words of every length around the 16-lane blocks and the 64-byte copies, non-ASCII words
// among ASCII ones, empty batches, under n-gram ranges the batched path takes (1-4 lengths from
// min_n >= 2) and ones it leaves to kept().
#include "fast_classifier_support.hpp"

#include <fasttext_inference/char_ngrams.hpp>
#include <fasttext_inference/first_sightings.hpp>
#include <fasttext_inference/token_key.hpp>

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using loom::fasttext_inference::BatchedNgrams;
using loom::fasttext_inference::CharNgrams;
using loom::fasttext_inference::FirstSightings;
using loom::fasttext_inference::KeptNgram;
using loom::fasttext_inference::NgramBuckets;
using loom::fasttext_inference::same_key;
using loom::fasttext_inference::token_key;

namespace {

std::vector<std::uint32_t> ranks_alone(const CharNgrams& ngrams, const std::string& token) {
  std::string word = "<" + token + ">";
  const std::size_t size = word.size();
  word.append(CharNgrams::padding, '\0');
  std::vector<KeptNgram> kept;
  ngrams.kept(word.data(), size, kept);
  std::vector<std::uint32_t> out;
  for (const KeptNgram& ngram : kept) out.push_back(ngram.rank);
  return out;
}

std::vector<std::string> test_tokens() {
  std::mt19937 random(20261207);
  const std::string alphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;<>-'";
  std::vector<std::string> tokens;
  for (std::size_t length = 0; length <= 70; ++length)
    for (int copy = 0; copy < 6; ++copy) {
      std::string token;
      for (std::size_t i = 0; i < length; ++i) token += alphabet[random() % alphabet.size()];
      tokens.push_back(token);
    }
  tokens.emplace_back(300, 'x');  // more bytes left than a byte counts
  for (const char* other : {"caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "na\xc3\xafve",
                            "\xff", "ends\x80", "\xf0\x9f\x98\x80"})
    tokens.emplace_back(other);
  for (const std::string& text : fast_classifier_testing::golden_texts()) {
    std::istringstream words(text.substr(0, 1000));
    std::string word;
    while (words >> word) tokens.push_back(word);
  }
  std::shuffle(tokens.begin(), tokens.end(), random);
  return tokens;
}

}  // namespace

TEST_CASE(
    "CharNgrams::kept_ranks gives each token kept()'s ranks, however the tokens are batched") {
  struct Setting {
    std::uint32_t buckets;
    int min_n;
    int max_n;
    std::uint32_t kept_per_mille;  // 1000: no pruning
    bool batched;                  // the batched path takes it, where the CPU can
  };
  const Setting settings[] = {{2000000, 2, 4, 21, true},   {2000000, 2, 4, 1000, true},
                              {7, 3, 3, 500, true},        {65536, 2, 3, 100, true},
                              {2000000, 3, 6, 400, true},  {2147483647, 2, 5, 1000, true},
                              {2000000, 1, 3, 500, false}, {2000000, 4, 9, 100, false}};
  const std::vector<std::string> tokens = test_tokens();
  std::mt19937 random(7);
  bool any_batched = false;
  for (const Setting& setting : settings) {
    std::vector<std::uint64_t> kept_bits((std::uint64_t{setting.buckets} + 63) / 64);
    std::vector<std::uint32_t> kept_before(kept_bits.size());
    NgramBuckets model{setting.buckets, setting.min_n, setting.max_n};
    if (setting.kept_per_mille < 1000) {
      std::uint32_t kept = 0;
      for (std::uint64_t b = 0; b < setting.buckets; ++b) {
        if (b % 64 == 0) kept_before[b / 64] = kept;
        if (random() % 1000 >= setting.kept_per_mille) continue;
        kept_bits[b / 64] |= std::uint64_t{1} << (b % 64);
        ++kept;
      }
      model.kept_bits = kept_bits.data();
      model.kept_before = kept_before.data();
    }
    const CharNgrams alone(model, CharNgrams::Path::scalar);
    const CharNgrams together(model);
    if (!setting.batched) CHECK_FALSE(together.batched());
    any_batched = any_batched || together.batched();
    std::vector<std::vector<std::uint32_t>> expected;
    for (const std::string& token : tokens) expected.push_back(ranks_alone(alone, token));
    BatchedNgrams out;
    // Batches of 0, 1, 2, ... tokens, one after another through the same scratch space.
    std::vector<std::string_view> batch;
    std::size_t next = 0;
    for (std::size_t size = 0; next < tokens.size(); size = size < 64 ? size + 1 : 3 * size) {
      batch.clear();
      for (std::size_t i = 0; i < size && next + i < tokens.size(); ++i)
        batch.push_back(tokens[next + i]);
      together.kept_ranks(batch.data(), batch.size(), out);
      REQUIRE(out.spans.size() == batch.size());
      for (std::size_t i = 0; i < batch.size(); ++i) {
        INFO("buckets " << setting.buckets << ", n " << setting.min_n << "-" << setting.max_n
                        << ", batch of " << batch.size() << ", token '" << batch[i] << "'");
        const BatchedNgrams::Span span = out.spans[i];
        REQUIRE(span.begin <= span.end);
        REQUIRE(span.end <= out.ranks.size());
        const std::vector<std::uint32_t> got(out.ranks.begin() + span.begin,
                                             out.ranks.begin() + span.end);
        REQUIRE(got == expected[next + i]);
      }
      next += batch.size();
    }
  }
  if (!any_batched)
    std::cout << "SKIPPED: this CPU lacks AVX-512 BW or VPOPCNTDQ: the batched path was not run\n";
}

TEST_CASE("FirstSightings counts a line's repeated token once and forgets it on the next line") {
  FirstSightings first;
  first.start(8);
  CHECK(first.add("alpha", token_key("alpha"), 42) == 0);
  CHECK(first.add("beta", token_key("beta"), 42) == 1);  // the same hash, another token
  CHECK(first.add("alpha", token_key("alpha"), 42) == 0);
  CHECK(first.add("gamma", token_key("gamma"), 7) == 2);
  CHECK(first.add("beta", token_key("beta"), 42) == 1);
  REQUIRE(first.tokens().size() == 3);
  CHECK(same_key(first.tokens()[2].key, token_key("gamma")));
  CHECK(first.tokens()[2].vocabulary_id == -1);
  CHECK_FALSE(first.tokens()[2].summed);
  // More tokens than the line was said to have room for still each get their own index.
  for (std::uint32_t i = 0; i < 40; ++i) {
    const std::string token = std::to_string(i);
    CHECK(first.add(token, token_key(token), i * 0x9E3779B97F4A7C15ull) == 3 + i);
  }
  first.start(1000);
  CHECK(first.tokens().empty());
  CHECK(first.add("beta", token_key("beta"), 42) == 0);
}

TEST_CASE("FirstSightings tells apart tokens that differ only past their 16-byte keys") {
  // The same key words and the same hash: only the bytes past the key, or the length, differ.
  const std::string long_a = "abcdefghijklmnopqrstuvwxyz";
  const std::string long_b = "abcdefghijklmnopqrstuvwxyZ";
  const std::string longer = long_a + "!";
  const std::string prefix = long_a.substr(0, 16);
  FirstSightings first;
  first.start(4);
  CHECK(first.add(long_a, token_key(long_a), 9) == 0);
  CHECK(first.add(long_b, token_key(long_b), 9) == 1);
  CHECK(first.add(longer, token_key(longer), 9) == 2);
  CHECK(first.add(prefix, token_key(prefix), 9) == 3);
  CHECK(first.add(std::string(long_b), token_key(long_b), 9) == 1);  // another copy, same bytes
  CHECK(first.add(long_a, token_key(long_a), 9) == 0);
  CHECK(first.add(prefix, token_key(prefix), 9) == 3);
  CHECK(first.tokens().size() == 4);
}

TEST_CASE("FastClassifier gives predictLine's answers on lines full of first sightings") {
  // Unknown words of every length, repeated within a line and across lines, ASCII and not, a line
  // of known words only, and lines whose new tokens are all repeats of one word.
  using namespace fast_classifier_testing;
  if (!have_model()) return;
  fasttext::FastText reference;
  reference.loadModel(model_path());
  const FastClassifier fast(model_path());
  std::mt19937 random(16);
  std::vector<std::string> lines = {"\n", "the and of to in is\n", "zqxv zqxv zqxv zqxv\n", "k\n",
                                    "Zyxwvutsrqponmlkjihgfedcba0123456789Zyxwvutsrqponmlkj\n"};
  const std::string letters = "abcdefghijklmnopqrstuvwxyz\xc3\xa9\xc3\xa8";
  for (int l = 0; l < 60; ++l) {
    std::string line;
    std::vector<std::string> words;
    for (int w = 0; w < 40 + l; ++w) {
      std::string word;
      const std::size_t length = 1 + random() % (w % 7 == 0 ? 60 : 14);
      for (std::size_t i = 0; i < length; ++i) {
        const std::size_t c = random() % (letters.size() - 2);
        word += letters[c];
        if (static_cast<unsigned char>(letters[c]) == 0xC3) word += letters[c + 1];
      }
      words.push_back(word);
      line += (random() % 5 == 0 && !words.empty() ? words[random() % words.size()] : word) + " ";
    }
    lines.push_back(line + "\n");
  }
  CHECK(check_agreement(reference, fast, lines, 0, 0.0f) == lines.size());
  CHECK(check_agreement(reference, fast, lines, 2, 0.0f) == lines.size());
}
