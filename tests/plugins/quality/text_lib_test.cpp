// plugins/lib/text: the word tokenizer, Python line splitting and stripping, n-gram counting.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <text/lines.hpp>
#include <text/python_whitespace.hpp>
#include <text/word_ngrams.hpp>
#include <text/words.hpp>
#include <vector>

using namespace loom::textlib;

namespace {

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  for_each_word(text, [&](const Word& w) { out.emplace_back(w.text); });
  return out;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  for_each_python_line(text, [&](std::string_view l) { out.emplace_back(l); });
  return out;
}

}  // namespace

TEST_CASE("words: punctuation runs at the ends of a chunk split off, inner ones stay") {
  using V = std::vector<std::string>;
  CHECK(words_of("(hello), world!") == V{"(", "hello", "),", "world", "!"});
  CHECK(words_of("don't e-mail U.S. 3.14 ...") == V{"don't", "e-mail", "U.S", ".", "3.14", "..."});
  CHECK(words_of("  \t\n ") == V{});
  CHECK(words_of("") == V{});
  CHECK(words_of("«Grüße»\u00a0東京。") == V{"«", "Grüße", "»", "東京", "。"});  // NBSP splits
  std::vector<Word> all;
  for_each_word("#1 naïve", [&](const Word& w) { all.push_back(w); });
  REQUIRE(all.size() == 3);
  CHECK((all[0].symbols_only && !all[0].has_alpha && all[0].code_points == 1));
  CHECK((!all[1].symbols_only && !all[1].has_alpha && all[1].text == "1"));
  CHECK((all[2].has_alpha && all[2].code_points == 5));
}

TEST_CASE("words: a long text gives the words of its space-separated pieces, one by one") {
  // Pieces under 16 bytes go through the per-character path alone; in the long text most go
  // through the 16-byte path for a run of letters and digits followed by a space. The line
  // breaks are each '\n'.
  const std::string pieces[] = {
      "the",   "a",    "Word42", "x",  "abcdefghijklmno", "(hello),", "U.S.", "don't",  "é",
      "naïve", "3.14", "...",    "#1", "e-mail",          "1999",     "A",    "zz\xff", "東京"};
  std::uint64_t state = 0x2545f4914f6cdd1dull;
  auto next = [&] {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return state;
  };
  const char* separators[] = {" ", " ", " ", " ", "  ", "\n", " \n"};
  std::string text;
  std::vector<std::string> expected;
  for (int i = 0; i < 3000; ++i) {
    const std::string& piece = pieces[next() % std::size(pieces)];
    for (const std::string& w : words_of(piece)) expected.push_back(w);
    text += piece;
    text += separators[next() % std::size(separators)];
  }
  CHECK(words_of(text) == expected);
  std::size_t letters = 0, points = 0;
  std::vector<std::size_t> breaks, expected_breaks;
  for_each_word(
      text,
      [&](const Word& w) {
        letters += w.has_alpha ? 1 : 0;
        points += w.code_points;
      },
      [&](const char* after) { breaks.push_back(static_cast<std::size_t>(after - text.data())); });
  for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1))
    expected_breaks.push_back(at + 1);
  CHECK(breaks == expected_breaks);
  std::size_t expected_letters = 0, expected_points = 0;
  for (const std::string& w : expected)
    for_each_word(w, [&](const Word& x) {
      expected_letters += x.has_alpha ? 1 : 0;
      expected_points += x.code_points;
    });
  CHECK(letters == expected_letters);
  CHECK(points == expected_points);
}

TEST_CASE("words: invalid UTF-8 bytes read as U+FFFD, a symbol") {
  std::vector<Word> all;
  for_each_word("ab\xff", [&](const Word& w) { all.push_back(w); });
  REQUIRE(all.size() == 2);
  CHECK(all[0].text == "ab");
  CHECK((all[1].symbols_only && all[1].code_points == 1));
}

TEST_CASE("lines: str.splitlines() boundaries") {
  using V = std::vector<std::string>;
  CHECK(lines_of("a\nb\r\nc\rd\x0b"
                 "e\x0c"
                 "f\x1cg\u2028h\u0085i") == V{"a", "b", "c", "d", "e", "f", "g", "h", "i"});
  CHECK(lines_of("a\n") == V{"a"});
  CHECK(lines_of("\n\n") == V{"", ""});
  CHECK(lines_of("") == V{});
  CHECK(lines_of("\u00e2\u0080") == V{"\u00e2\u0080"});  // bytes c3 a2 c2 80: no break
}

TEST_CASE("python strip, lstrip, rstrip and count") {
  CHECK(python_lstrip("\u3000 a b \t") == "a b \t");
  CHECK(python_rstrip("\u3000 a b \u00a0") == "\u3000 a b");
  CHECK(python_strip(" \n ") == "");
  CHECK(count_non_overlapping("......", "...") == 2);
  CHECK(count_non_overlapping(".....", "...") == 1);
  CHECK(count_non_overlapping("", "...") == 0);
  CHECK(count_non_overlapping("ab\u00e9", "") == 4);  // as "abé".count("")
}

TEST_CASE("n-grams: top n-gram and repeated n-gram code points") {
  WordSequence words;
  NgramCounter counter;
  words.assign("x y x y x z");
  CHECK(words.size() == 6);
  const TopNgram top = counter.top(words, 2);
  CHECK(top.count == 2);  // "x y" and "y x" both twice: the first one wins
  CHECK(top.start == 0);
  CHECK(counter.top(words, 7).count == 0);
  // 2-grams: xy (new) yx (new) xy (repeat: +2, jump to 4) xz (new)
  CHECK(counter.duplicate_code_points(words, 2) == 2);
  words.assign("");
  CHECK(counter.top(words, 2).count == 0);
  CHECK(counter.duplicate_code_points(words, 5) == 0);
}

TEST_CASE("count_code_points: every length and alignment, past the 255-block lane limit") {
  // One byte at a time: a code point starts at every byte that is not 10xxxxxx.
  const auto by_bytes = [](std::string_view s) {
    std::size_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
    return n;
  };
  // ASCII, 2-, 3- and 4-byte characters and a stray continuation byte, in a repeating mix.
  const std::string unit = "a\xc3\xa9z\xe2\x82\xac\xf0\x9f\x98\x80\x80 ";
  std::string text;
  while (text.size() < 16 * 300 + 40) text += unit;
  for (std::size_t offset = 0; offset < 17; ++offset)
    for (std::size_t size : {0, 1, 15, 16, 17, 31, 33, 4080, 4096, 4111, 4800}) {
      const std::string_view part = std::string_view(text).substr(offset, size);
      CHECK_MESSAGE(count_code_points(part) == by_bytes(part), "offset ", offset, " size ", size);
    }
  CHECK(count_code_points("\xc3\xa9t\xc3\xa9") == 3);
  CHECK(count_code_points(std::string(5000, '\x80')) == 0);
  CHECK(count_code_points(std::string(5000, 'x')) == 5000);
}
