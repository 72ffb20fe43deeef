// LineTokens reads token boundaries off a separator bitmap, 64 bytes a word: it must give exactly
// the tokens of a plain byte-by-byte reading (fastText's readWord up to the first newline, or a
// literal "</s>"), also where tokens and separator runs cross the bitmap's word boundaries.
#include <doctest/doctest.h>

#include <fasttext_inference/line_tokens.hpp>

#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using loom::fasttext_inference::LineTokens;

namespace {

bool separator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == '\0';
}

// The tokens byte by byte, as fastText's Dictionary::readWord gives them to predictLine.
std::vector<std::string> plain_tokens(std::string_view line) {
  std::vector<std::string> tokens;
  std::string word;
  for (char c : line) {
    if (!separator(c)) {
      word += c;
      continue;
    }
    if (!word.empty()) {
      tokens.push_back(word);
      if (word == "</s>") return tokens;
      word.clear();
    }
    if (c == '\n') {
      tokens.emplace_back("</s>");
      return tokens;
    }
  }
  if (!word.empty()) tokens.push_back(word);
  return tokens;
}

std::vector<std::string> bitmap_tokens(LineTokens& tokens, std::string_view line) {
  std::vector<std::string> out;
  tokens.for_each(line, [&](std::string_view token) { out.emplace_back(token); });
  return out;
}

}  // namespace

TEST_CASE("LineTokens gives the tokens of a byte-by-byte reading") {
  const std::vector<std::string> pieces = {"a",    "bc",
                                           "word", "\xc3\xa9t\xc3\xa9",
                                           " ",    "  ",
                                           "\t",   "\r",
                                           "\v",   "\f",
                                           "</s>", "<",
                                           "s>",   "averylongtokenthatcrossesawordboundary",
                                           "\n",   " \n"};
  std::mt19937 random(16);
  LineTokens tokens;  // reused across lines, as a thread's cache reuses it
  std::size_t checked_tokens = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string line;
    const std::size_t target = random() % 300;
    while (line.size() < target) {
      const std::size_t pick = random() % pieces.size();
      // Newlines rarer, so most lines have several 64-byte words before the first.
      if (pieces[pick].find('\n') != std::string::npos && random() % 8 != 0) continue;
      line += pieces[pick];
      if (random() % 4 == 0) line += std::string(1 + random() % 70, ' ');
      if (random() % 16 == 0) line += '\0';
    }
    const std::vector<std::string> expected = plain_tokens(line);
    CAPTURE(line);
    CHECK(bitmap_tokens(tokens, line) == expected);
    checked_tokens += expected.size();
  }
  CHECK(checked_tokens > 50000);  // the lines were not all empty

  CHECK(bitmap_tokens(tokens, "").empty());
  CHECK(bitmap_tokens(tokens, "   \t ").empty());
  CHECK(bitmap_tokens(tokens, "\n") == std::vector<std::string>{"</s>"});
  // Tokens ending exactly at, and starting exactly after, the 64-byte word boundaries.
  for (std::size_t size : {63, 64, 65, 127, 128, 129}) {
    const std::string long_token(size, 'x');
    CAPTURE(size);
    CHECK(bitmap_tokens(tokens, long_token) == std::vector<std::string>{long_token});
    CHECK(bitmap_tokens(tokens, std::string(size, ' ') + "y") == std::vector<std::string>{"y"});
    CHECK(bitmap_tokens(tokens, long_token + " y\nz") ==
          std::vector<std::string>{long_token, "y", "</s>"});
  }
}
