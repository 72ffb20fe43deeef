// GPT-NeoX-20B's merge loop: the O(n log n) queue against a plain restatement of BPE (merge the
// lowest-ranked adjacent pair, leftmost first, until none is left) on random words, and inputs
// that would take a quadratic merge loop hours: a 1 MB word and a 10 MB run of one character.
#include <byte_level.hpp>
#include <tokenizer_spec.hpp>

#include <map>

#include "token_test_support.hpp"

using namespace token_tests;
using loom::tokens::byte_level_decode;

namespace {

// BPE as written in the papers, O(n^2) per word: the reference for the fast loop.
class PlainBpe {
 public:
  explicit PlainBpe(const loom::tokens::TokenizerSpec& spec) {
    for (const auto& [shown, id] : spec.model.vocab)
      if (auto bytes = byte_level_decode(shown)) ids_.emplace(*bytes, id);
    for (std::size_t rank = 0; rank < spec.model.merges.size(); ++rank) {
      const auto& [left, right] = spec.model.merges[rank];
      ranks_.emplace(std::make_pair(*byte_level_decode(left), *byte_level_decode(right)), rank);
    }
  }

  std::vector<std::uint32_t> encode(const std::string& word) const {
    std::vector<std::string> symbols;
    for (char c : word) symbols.emplace_back(1, c);
    for (;;) {
      std::size_t best = symbols.size();
      std::size_t best_rank = SIZE_MAX;
      for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
        auto it = ranks_.find({symbols[i], symbols[i + 1]});
        if (it != ranks_.end() && it->second < best_rank) best = i, best_rank = it->second;
      }
      if (best == symbols.size()) break;
      symbols[best] += symbols[best + 1];
      symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    }
    std::vector<std::uint32_t> ids;
    for (const auto& symbol : symbols) ids.push_back(ids_.at(symbol));
    return ids;
  }

 private:
  std::map<std::string, std::uint32_t> ids_;
  std::map<std::pair<std::string, std::string>, std::size_t> ranks_;
};

}  // namespace

TEST_CASE("GPT-NeoX-20B: the merge loop equals plain BPE on random words") {
  const auto tokenizer = neox();
  if (!tokenizer) {
    MESSAGE("SKIPPED: " << neox_path() << " not found");
    return;
  }
  const PlainBpe plain(loom::tokens::read_tokenizer_spec(neox_path().string()));
  std::mt19937 random(13);
  // Few letters, so that words repeat pairs and merges compete for the same symbols.
  const std::string alphabets[] = {"ab", "aeiou", "etaoinshrdlu", "abcdefghijklmnopqrstuvwxyz"};
  auto encoder = tokenizer->encoder();
  std::size_t words = 0;
  for (const std::string& letters : alphabets) {
    for (int n = 0; n < 150; ++n) {
      std::string word = (n % 2 == 0) ? " " : "";
      const std::size_t length = 1 + random() % 120;
      for (std::size_t i = 0; i < length; ++i) word += letters[random() % letters.size()];
      std::vector<std::uint32_t> ids;
      encoder->encode(word, ids);  // one pre-token: ` ?\p{L}+`
      INFO("word '" << word << "'");
      CHECK(ids == plain.encode(word));
      ++words;
    }
  }
  CHECK(words == 600);
}

TEST_CASE("GPT-NeoX-20B: a 1 MB word and 10 MB runs of one character finish with the right count") {
  const auto tokenizer = neox();
  if (!tokenizer) {
    MESSAGE("SKIPPED: " << neox_path() << " not found");
    return;
  }
  auto encoder = tokenizer->encoder();
  std::vector<std::uint32_t> ids;

  SUBCASE("1 MB of 'a': every token is the longest all-'a' token, 8 letters") {
    const std::uint32_t eight = encode(*tokenizer, "aaaaaaaa").at(0);
    REQUIRE(encode(*tokenizer, "aaaaaaaa").size() == 1);
    encoder->encode(std::string(1 << 20, 'a'), ids);
    CHECK(ids.size() == (1u << 20) / 8);
    CHECK(std::all_of(ids.begin(), ids.end(), [&](std::uint32_t id) { return id == eight; }));
  }
  SUBCASE("1 MB word of random letters: its tokens spell it") {
    std::mt19937 random(7);
    std::string word;
    for (int i = 0; i < (1 << 20); ++i) word += static_cast<char>('a' + random() % 26);
    encoder->encode(word, ids);
    CHECK(ids.size() > word.size() / 16);
    CHECK(ids.size() < word.size());
    CHECK(tokenizer->decode(ids) == word);
  }
  SUBCASE("10 MB of U+0001: no pair merges, one token per byte") {
    const std::string run(10 << 20, '\x01');
    encoder->encode(run, ids);
    CHECK(ids.size() == run.size());
    CHECK(tokenizer->decode(ids) == run);
  }
  SUBCASE("10 MB of spaces: the added 24-space token, then one for the rest") {
    const std::size_t length = 10 << 20;
    encoder->encode(std::string(length, ' '), ids);
    CHECK(ids.size() == length / 24 + 1);
    CHECK(tokenizer->decode(ids) == std::string(length, ' '));
    CHECK(ids.back() == encode(*tokenizer, std::string(length % 24, ' ')).at(0));
  }
}
