#include "quality_plugin.hpp"

using doctest::Approx;
using quality_test::real;
using quality_test::run;
using quality_test::verdict;

TEST_CASE("gopher_repetition measures hand-counted lines and n-grams") {
  // 13 code points; lines "a b", "a b", "c d e": one repeat of 3 code points. Words a b a b c d e:
  // top 2-gram "a b" twice (3 code points each as "a b"); every 3- and 4-gram occurs once, so the
  // first counts: "a b a" (5), "a b a b" (7). No 5-gram repeats.
  const auto d = run("gopher_repetition", "a b\na b\nc d e", {{"mode", "annotate"}});
  CHECK(verdict(d) == "kept");
  CHECK(real(d, "gopher_duplicate_paragraph_ratio") == 0.0);
  CHECK(real(d, "gopher_duplicate_paragraph_char_ratio") == 0.0);
  CHECK(real(d, "gopher_duplicate_line_ratio") == Approx(1.0 / 3));
  CHECK(real(d, "gopher_duplicate_line_char_ratio") == Approx(3.0 / 13));
  CHECK(real(d, "gopher_top_2gram_char_ratio") == Approx(6.0 / 13));
  CHECK(real(d, "gopher_top_3gram_char_ratio") == Approx(5.0 / 13));
  CHECK(real(d, "gopher_top_4gram_char_ratio") == Approx(7.0 / 13));
  for (int n = 5; n <= 10; ++n)
    CHECK(real(d, "gopher_duplicate_" + std::to_string(n) + "gram_char_ratio") == 0.0);
  CHECK(d.meta.size() == 13);
  CHECK(verdict(run("gopher_repetition", "a b\na b\nc d e")) == "duplicate_lines");
}

TEST_CASE("gopher_repetition counts paragraphs at runs of two or more newlines") {
  // Paragraphs p1, p1, p2 (11 code points in all): one repeat of 2 code points.
  const auto d = run("gopher_repetition", "p1\n\np1\n\n\np2", {{"mode", "annotate"}});
  CHECK(real(d, "gopher_duplicate_paragraph_ratio") == Approx(1.0 / 3));
  CHECK(real(d, "gopher_duplicate_paragraph_char_ratio") == Approx(2.0 / 11));
  CHECK(real(d, "gopher_duplicate_line_ratio") == Approx(1.0 / 3));
  CHECK(verdict(run("gopher_repetition", "p1\n\np1\n\n\np2")) == "duplicate_paragraphs");
  CHECK(verdict(run("gopher_repetition", "p1\n\np1\n\n\np2",
                    {{"max_duplicate_paragraph_ratio", "0.5"},
                     {"max_duplicate_paragraph_char_ratio", "0.1"}})) ==
        "duplicate_paragraph_chars");
}

TEST_CASE("gopher_repetition counts repeated n-grams left to right, skipping past a repeat") {
  // a b c d e three times (29 code points with spaces): the 5-gram at word 5 repeats (5 code
  // points, jump to word 10), the one at word 10 repeats (5 more): 10. Top 2-gram "a b" x3 = 9.
  const std::string text = "a b c d e a b c d e a b c d e";
  const auto d = run("gopher_repetition", text, {{"mode", "annotate"}});
  CHECK(real(d, "gopher_duplicate_5gram_char_ratio") == Approx(10.0 / 29));
  CHECK(real(d, "gopher_top_2gram_char_ratio") == Approx(9.0 / 29));
  // 6-grams: words 0-5 .. 4-9 are new; the one at 5 (a b c d e a) repeats word 0's: +6, jump to 11,
  // which is past the last 6-gram (start 9).
  CHECK(real(d, "gopher_duplicate_6gram_char_ratio") == Approx(6.0 / 29));
  // Likewise the 7- to 10-grams at word 5 repeat the ones at word 0: n code points each.
  for (int n = 7; n <= 10; ++n)
    CHECK(real(d, "gopher_duplicate_" + std::to_string(n) + "gram_char_ratio") == Approx(n / 29.0));
  CHECK(verdict(run("gopher_repetition", text)) == "top_2gram");
  CHECK(verdict(run("gopher_repetition", text,
                    {{"max_top_2gram_char_ratio", "0"},
                     {"max_top_3gram_char_ratio", "0"},
                     {"max_top_4gram_char_ratio", "0"}})) == "duplicate_5grams");
}

TEST_CASE("gopher_repetition without any repeated word pair") {
  // 9 code points; every n-gram occurs once, so the first one is the most frequent.
  const auto d = run("gopher_repetition", "a b c d e", {{"mode", "annotate"}});
  CHECK(real(d, "gopher_top_2gram_char_ratio") == Approx(3.0 / 9));
  CHECK(real(d, "gopher_top_3gram_char_ratio") == Approx(5.0 / 9));
  CHECK(real(d, "gopher_top_4gram_char_ratio") == Approx(7.0 / 9));
  CHECK(real(d, "gopher_duplicate_5gram_char_ratio") == 0.0);
  const auto two = run("gopher_repetition", "a b", {{"mode", "annotate"}});
  CHECK(real(two, "gopher_top_2gram_char_ratio") == Approx(1.0));
  CHECK(real(two, "gopher_top_3gram_char_ratio") == 0.0);  // no 3-gram at all
}

TEST_CASE("gopher_repetition gives empty and blank texts finite values") {
  for (const std::string text : {"", " ", "\n\n\n", "..."}) {
    CAPTURE(text);
    const auto d = run("gopher_repetition", text);
    quality_test::check_finite(d);
    CHECK(real(d, "gopher_duplicate_line_char_ratio") == 0.0);
  }
  // "\n\n\n" splits at newline runs into "", "": one repeated (empty) line.
  CHECK(verdict(run("gopher_repetition", "\n\n\n")) == "duplicate_lines");
  CHECK(verdict(run("gopher_repetition", "")) == "kept");
}

TEST_CASE("gopher_repetition on a 50 MB text without a newline") {
  std::string text;
  text.reserve(50'000'000);
  for (std::size_t i = 0; text.size() < 49'999'000; ++i) text += "w" + std::to_string(i) + " ";
  const auto d = run("gopher_repetition", text);
  CHECK(verdict(d) == "kept");  // every word distinct: nothing repeats
  CHECK(real(d, "gopher_duplicate_5gram_char_ratio") == 0.0);
  CHECK(real(d, "gopher_top_2gram_char_ratio") < 1e-6);
}

TEST_CASE("gopher_repetition refuses thresholds out of range") {
  const loom_component& c = quality_test::plugin().component("gopher_repetition");
  CHECK_THROWS(loom::testing::check_options(c, {{"max_duplicate_line_ratio", "-0.1"}}));
  CHECK_THROWS(loom::testing::check_options(c, {{"max_top_2gram_char_ratio", "1.1"}}));
}
