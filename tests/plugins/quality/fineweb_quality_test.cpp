#include "quality_plugin.hpp"

using doctest::Approx;
using quality_test::integer;
using quality_test::real;
using quality_test::run;
using quality_test::verdict;

namespace {

// Non-blank lines: 4 (the empty and the all-space lines do not count); ending in terminal
// punctuation: 2; short (<= 30 code points): all 4; repeated: one line of 21 code points, out of
// 82 - 5 newlines = 77; words: First line ends well . short First line ends well . another line
// without an end = 16, for 5 newlines.
const std::string kText =
    "First line ends well.\nshort\n\n   \nFirst line ends well.\nanother line without an end";

}  // namespace

TEST_CASE("fineweb_quality measures hand-counted values") {
  const auto d = run("fineweb_quality", kText, {{"mode", "annotate"}});
  CHECK(verdict(d) == "kept");
  CHECK(integer(d, "fineweb_lines") == 4);
  CHECK(real(d, "fineweb_punctuated_lines_ratio") == Approx(0.5));
  CHECK(real(d, "fineweb_short_lines_ratio") == Approx(1.0));
  CHECK(real(d, "fineweb_duplicate_line_char_ratio") == Approx(21.0 / 77));
  CHECK(real(d, "fineweb_newline_word_ratio") == Approx(5.0 / 16));
}

TEST_CASE("fineweb_quality drops for the first rule failed") {
  CHECK(verdict(run("fineweb_quality", kText)) == "too_many_short_lines");
  CHECK(verdict(run("fineweb_quality", kText, {{"short_line_length", "20"}})) ==
        "duplicate_line_chars");  // 1 of 4 lines short
  CHECK(verdict(run("fineweb_quality", kText,
                    {{"max_short_lines_ratio", "0"}, {"max_duplicate_line_char_ratio", "0.3"}})) ==
        "too_many_newlines");
  CHECK(verdict(run("fineweb_quality", kText,
                    {{"max_short_lines_ratio", "0"},
                     {"max_duplicate_line_char_ratio", "0.3"},
                     {"max_newline_word_ratio", "0.4"}})) == "kept");
  CHECK(verdict(run("fineweb_quality", kText, {{"min_punctuated_lines_ratio", "0.6"}})) ==
        "too_few_punctuated_lines");
  CHECK(verdict(run("fineweb_quality", "no end here\nnor here",
                    {{"max_short_lines_ratio", "0"}})) == "too_few_punctuated_lines");
  CHECK(verdict(run("fineweb_quality", "no end here\nnor here",
                    {{"max_short_lines_ratio", "0"},
                     {"allow_no_punctuated_lines", "true"},
                     {"max_newline_word_ratio", "0"}})) == "kept");
}

TEST_CASE(
    "fineweb_quality reads terminal punctuation as Unicode Sentence_Terminal, or stop_chars") {
  // 。 and । are sentence terminals; a line ending in a space does not end in punctuation.
  const auto d =
      run("fineweb_quality", "这是句子。\nयह वाक्य है।\nends with space. ", {{"mode", "annotate"}});
  CHECK(real(d, "fineweb_punctuated_lines_ratio") == Approx(2.0 / 3));
  const auto e =
      run("fineweb_quality", "a;\nb.\nc;", {{"mode", "annotate"}, {"stop_chars", "[';']"}});
  CHECK(real(e, "fineweb_punctuated_lines_ratio") == Approx(2.0 / 3));
}

TEST_CASE("fineweb_quality drops documents without a non-blank line as empty") {
  for (const std::string text : {"", "   ", "\n\n", " \n\t\n"}) {
    CAPTURE(text);
    const auto d = run("fineweb_quality", text);
    CHECK(verdict(d) == "empty");
    CHECK(integer(d, "fineweb_lines") == 0);
    quality_test::check_finite(d);
  }
  const auto p = run("fineweb_quality", "!!!", {{"mode", "annotate"}});
  CHECK(real(p, "fineweb_punctuated_lines_ratio") == 1.0);
  CHECK(real(p, "fineweb_newline_word_ratio") == 0.0);
}

TEST_CASE("fineweb_quality on a 50 MB line") {
  std::string text;
  text.reserve(50'000'010);
  while (text.size() < 50'000'000) text += "Words here. ";
  text.pop_back();  // ends with "."
  const auto d = run("fineweb_quality", text);
  CHECK(verdict(d) == "kept");  // one long line, ending in "."
  CHECK(integer(d, "fineweb_lines") == 1);
  CHECK(real(d, "fineweb_newline_word_ratio") == 0.0);
}
