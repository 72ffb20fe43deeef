#include "quality_plugin.hpp"

#include <cmath>

using doctest::Approx;
using quality_test::integer;
using quality_test::real;
using quality_test::run;
using quality_test::verdict;

namespace {

// Words: The cat , the dog ! - and # 1 bird ... (12 words; 7 not only punctuation: The cat the
// dog and 1 bird, 20 code points); one '#', one '...'; 2 lines, the second a bullet ending in an
// ellipsis; 6 words with a letter; stop words "the" and "and" ("The" is not: case-sensitive).
const std::string kCounted = "The cat, the dog!\n- and #1 bird...";

}  // namespace

TEST_CASE("gopher_quality measures hand-counted values") {
  const auto d = run("gopher_quality", kCounted, {{"mode", "annotate"}});
  CHECK(verdict(d) == "kept");
  CHECK(integer(d, "gopher_words") == 7);
  CHECK(integer(d, "gopher_tokens") == 12);
  CHECK(real(d, "gopher_mean_word_length") == Approx(20.0 / 7));
  CHECK(real(d, "gopher_hash_ratio") == Approx(1.0 / 12));
  CHECK(real(d, "gopher_ellipsis_ratio") == Approx(1.0 / 12));
  CHECK(real(d, "gopher_bullet_lines_ratio") == Approx(0.5));
  CHECK(real(d, "gopher_ellipsis_lines_ratio") == Approx(0.5));
  CHECK(real(d, "gopher_alpha_words_ratio") == Approx(0.5));
  CHECK(integer(d, "gopher_stop_words") == 2);
  CHECK(d.keys() == std::vector<std::string>{"gopher_words", "gopher_tokens",
                                             "gopher_mean_word_length", "gopher_hash_ratio",
                                             "gopher_ellipsis_ratio", "gopher_bullet_lines_ratio",
                                             "gopher_ellipsis_lines_ratio",
                                             "gopher_alpha_words_ratio", "gopher_stop_words"});
}

TEST_CASE("gopher_quality drops for the first rule failed, in datatrove's order") {
  CHECK(verdict(run("gopher_quality", kCounted)) == "too_few_words");
  CHECK(verdict(run("gopher_quality", kCounted, {{"min_words", "8"}})) == "too_few_words");
  CHECK(verdict(run("gopher_quality", kCounted, {{"min_words", "0"}, {"max_words", "6"}})) ==
        "too_many_words");
  loom::testing::OptionMap o = {{"min_words", "7"}};
  CHECK(verdict(run("gopher_quality", kCounted, o)) == "mean_word_length_too_short");
  o.push_back({"min_mean_word_length", "2.5"});
  CHECK(verdict(run("gopher_quality", kCounted, o)) == "too_many_ellipsis_lines");
  CHECK(verdict(run("gopher_quality", kCounted,
                    {{"min_words", "0"},
                     {"max_mean_word_length", "2.8"},
                     {"min_mean_word_length", "0"}})) == "mean_word_length_too_long");
  CHECK(verdict(run("gopher_quality", kCounted,
                    {{"min_words", "0"},
                     {"min_mean_word_length", "0"},
                     {"max_symbol_word_ratio", "0.08"}})) == "too_many_hashes");
  CHECK(verdict(run("gopher_quality", kCounted,
                    {{"min_words", "0"},
                     {"min_mean_word_length", "0"},
                     {"max_bullet_lines_ratio", "0.4"}})) == "too_many_bullet_lines");
  o.push_back({"max_ellipsis_lines_ratio", "0"});  // rule off
  CHECK(verdict(run("gopher_quality", kCounted, o)) == "too_few_alpha_words");
  o.push_back({"min_alpha_words_ratio", "0.5"});
  CHECK(verdict(run("gopher_quality", kCounted, o)) == "kept");
  o.push_back({"min_stop_words", "3"});
  CHECK(verdict(run("gopher_quality", kCounted, o)) == "too_few_stop_words");
  o.push_back({"stop_words", "[The, the, and]"});
  CHECK(verdict(run("gopher_quality", kCounted, o)) == "kept");
}

TEST_CASE("gopher_quality matches stop words whole, of any length and first byte") {
  // Stop words that share first and last bytes and lengths with other words, one past 8 bytes,
  // one not ASCII: "a" "an" "the" "they" "an" (before ".") "extraordinarily" "é" count; "then",
  // "t", "ét", "extraordinary", "They", "tha" and "tie" (the ends and length of "the") do not.
  const auto d = run(
      "gopher_quality", "a an the they then an. extraordinarily extraordinary é ét t They tha tie",
      {{"mode", "annotate"}, {"stop_words", "[a, an, the, they, extraordinarily, é, zzzzzzzzz]"}});
  CHECK(integer(d, "gopher_stop_words") == 7);
}

TEST_CASE("gopher_quality counts words in code points and Unicode letters") {
  // naïve (5, letters) café (4) 東京 (2, Lo letters) ½ (1, a number: a word without a letter);
  // the em dash and the emoji are punctuation/symbol words.
  const auto d = run("gopher_quality", "naïve café — 東京 ½ 😀", {{"mode", "annotate"}});
  CHECK(integer(d, "gopher_tokens") == 6);
  CHECK(integer(d, "gopher_words") == 4);
  CHECK(real(d, "gopher_mean_word_length") == Approx(3.0));
  CHECK(real(d, "gopher_alpha_words_ratio") == Approx(0.5));
  // U+2026 is an ellipsis too, at the end of a line after trailing whitespace.
  const auto e =
      run("gopher_quality", "wait…  \nand • bullet\n  • real bullet", {{"mode", "annotate"}});
  CHECK(real(e, "gopher_ellipsis_lines_ratio") == Approx(1.0 / 3));
  CHECK(real(e, "gopher_bullet_lines_ratio") == Approx(1.0 / 3));
  // words: wait … and • bullet • real bullet: one ellipsis in 8 words
  CHECK(real(e, "gopher_ellipsis_ratio") == Approx(1.0 / 8));
}

TEST_CASE("gopher_quality gives empty, blank and punctuation-only texts finite values") {
  for (const std::string text : {"", "  \n\t  ", "!!! ... ???", "\n\n\n"}) {
    CAPTURE(text);
    const auto d = run("gopher_quality", text);
    CHECK(verdict(d) == "too_few_words");
    CHECK(integer(d, "gopher_words") == 0);
    CHECK(real(d, "gopher_mean_word_length") == 0.0);
    quality_test::check_finite(d);
  }
  const auto p = run("gopher_quality", "!!! ... ???", {{"mode", "annotate"}});
  CHECK(integer(p, "gopher_tokens") == 3);
  CHECK(real(p, "gopher_ellipsis_ratio") == Approx(1.0 / 3));
  CHECK(real(p, "gopher_alpha_words_ratio") == 0.0);
}

TEST_CASE("gopher_quality on a 50 MB text without a newline") {
  std::string text;
  text.reserve(50'000'000);
  while (text.size() + 10 <= 50'000'000) text += "the words ";  // 5 million times
  const auto d = run("gopher_quality", text, {{"max_words", "0"}});
  CHECK(verdict(d) == "kept");
  CHECK(integer(d, "gopher_words") == 10'000'000);
  CHECK(real(d, "gopher_mean_word_length") == Approx(4.0));
  CHECK(integer(d, "gopher_stop_words") == 5'000'000);
  CHECK(verdict(run("gopher_quality", text)) == "too_many_words");
}

TEST_CASE("gopher_quality refuses contradictory or negative thresholds") {
  const loom_component& c = quality_test::plugin().component("gopher_quality");
  CHECK_THROWS_WITH(loom::testing::check_options(c, {{"min_words", "100"}, {"max_words", "10"}}),
                    doctest::Contains("min_words (100) is greater than max_words (10)"));
  CHECK_THROWS_WITH(loom::testing::check_options(
                        c, {{"min_mean_word_length", "5"}, {"max_mean_word_length", "4"}}),
                    doctest::Contains("min_mean_word_length"));
  CHECK_THROWS(loom::testing::check_options(c, {{"min_words", "-1"}}));
  CHECK_THROWS(loom::testing::check_options(c, {{"max_symbol_word_ratio", "-0.1"}}));
  CHECK_THROWS(loom::testing::check_options(c, {{"min_alpha_words_ratio", "1.5"}}));
  CHECK_THROWS(loom::testing::check_options(c, {{"mode", "drop"}}));
  CHECK_NOTHROW(loom::testing::check_options(c, {{"min_words", "100"}, {"max_words", "0"}}));
}
