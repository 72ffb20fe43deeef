// The two tokenizations cc_net's perplexity mixes, and Python's rounding, on cases whose Python
// results are known: str.split() (Unicode whitespace), KenLM's ScoreSentence (ASCII whitespace
// of a C string), round() (ties to even on the exact binary value).
#include <doctest/doctest.h>

#include "document_perplexity.hpp"

#include <string>
#include <vector>

using loom::perplexity::round_like_python;
using loom::perplexity::split_kenlm_spaces;
using loom::perplexity::split_python_whitespace;

namespace {

std::vector<std::string> python_split(std::string_view text) {
  std::vector<std::string_view> words;
  split_python_whitespace(text, words);
  return {words.begin(), words.end()};
}

std::vector<std::string> kenlm_split(std::string_view text) {
  std::vector<std::string_view> words;
  split_kenlm_spaces(text, words);
  return {words.begin(), words.end()};
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("str.split() splits on Unicode whitespace, KenLM on ASCII whitespace before a NUL") {
  const std::string bar = "\xe2\x96\x81";  // SentencePiece's word-start mark
  CHECK(python_split("  " + bar + "the  " + bar + "cat\t") == Words{bar + "the", bar + "cat"});
  CHECK(python_split("") == Words{});
  // U+00A0, U+3000, U+2028 and U+001C are whitespace to Python; U+200B (zero width) is not.
  CHECK(python_split("a\xc2\xa0"
                     "b\xe3\x80\x80"
                     "c\xe2\x80\xa8"
                     "d\x1c"
                     "e") == Words{"a", "b", "c", "d", "e"});
  CHECK(python_split("a\xe2\x80\x8b"
                     "b") == Words{"a\xe2\x80\x8b"
                                   "b"});
  CHECK(kenlm_split("a\xc2\xa0"
                    "b c\td\ne\x0b"
                    "f") == Words{"a\xc2\xa0"
                                  "b",
                                  "c", "d", "e", "f"});
  CHECK(kenlm_split("a\x1c"
                    "b") == Words{"a\x1c"
                                  "b"});
  CHECK(kenlm_split(std::string_view("a b\0c d", 7)) == Words{"a", "b"});
}

TEST_CASE("round_like_python rounds the exact binary value, ties to even") {
  CHECK(round_like_python(2.675, 2) == 2.67);  // 2.67499999... in binary (Python's docs)
  CHECK(round_like_python(0.125, 2) == 0.12);  // an exact tie goes to even
  CHECK(round_like_python(0.375, 2) == 0.38);
  CHECK(round_like_python(255.15, 1) == 255.2);  // 255.150000000000005684...
  CHECK(round_like_python(1e300, 1) == 1e300);
}
