#include "quality_plugin.hpp"

using quality_test::integer;
using quality_test::run;
using quality_test::verdict;

namespace {

const std::string kPage =
    "Hello world this is fine.\n"            // kept, 1 sentence
    "Too short.\n"                           // 2 words: removed
    "No punctuation here at all\n"           // no terminal punctuation: removed
    "We use cookies on this site.\n"         // policy: removed
    "Enable JavaScript to see this page.\n"  // javascript (any case): removed
    "Cited fact here [12].\n"                // citation removed, kept: "Cited fact here ."
    "Cited fact here [1]";                   // "Cited fact here " ends in a space: removed

}  // namespace

TEST_CASE("c4_quality counts each line rule by hand") {
  const auto d = run("c4_quality", kPage, {{"mode", "annotate"}});
  CHECK(verdict(d) == "kept");
  CHECK(d.text == kPage);  // annotate leaves the text alone
  CHECK(integer(d, "c4_lines") == 7);
  CHECK(integer(d, "c4_kept_lines") == 2);
  CHECK(integer(d, "c4_too_long_word_lines") == 0);
  CHECK(integer(d, "c4_no_terminal_punctuation_lines") == 2);
  CHECK(integer(d, "c4_too_few_words_lines") == 1);
  CHECK(integer(d, "c4_javascript_lines") == 1);
  CHECK(integer(d, "c4_policy_lines") == 1);
  CHECK(integer(d, "c4_sentences") == 2);
  CHECK(d.find("c4_lorem_ipsum")->b == false);
  CHECK(d.find("c4_curly_bracket")->b == false);
}

TEST_CASE("c4_quality keeps only the kept lines, or drops for too few sentences") {
  CHECK(verdict(run("c4_quality", kPage)) == "too_few_sentences");
  const auto d = run("c4_quality", kPage, {{"min_sentences", "2"}});
  CHECK(verdict(d) == "kept");
  CHECK(d.text == "Hello world this is fine.\nCited fact here .");
  const auto raw = run(
      "c4_quality", kPage,
      {{"min_sentences", "0"}, {"remove_citations", "false"}, {"remove_policy_lines", "false"}});
  CHECK(raw.text ==
        "Hello world this is fine.\nWe use cookies on this site.\nCited fact here [12].");
  CHECK(
      run("c4_quality", "a b c d\n" + std::string(1001, 'x') + " is long.", {{"mode", "annotate"}})
          .find("c4_too_long_word_lines")
          ->i == 1);
}

TEST_CASE("c4_quality drops for lorem ipsum or a curly bracket, whichever line comes first") {
  CHECK(verdict(run("c4_quality", "Some code { here } is shown.\nLorem Ipsum dolor sit amet.")) ==
        "curly_bracket");
  CHECK(verdict(run("c4_quality", "Lorem Ipsum dolor sit amet.\nSome code { here } is shown.")) ==
        "lorem_ipsum");
  // Only lines that pass the line rules count: this one has no terminal punctuation.
  CHECK(run("c4_quality", "lorem ipsum dolor sit amet", {{"mode", "annotate"}})
            .find("c4_lorem_ipsum")
            ->b == false);
  // A javascript line is removed before its bracket is seen, as in datatrove.
  CHECK(verdict(run("c4_quality", "Enable javascript { now } for this.",
                    {{"min_sentences", "0"}})) == "kept");
  CHECK(verdict(run("c4_quality", "Some code { here } is shown.",
                    {{"drop_curly_bracket", "false"}, {"min_sentences", "0"}})) == "kept");
}

TEST_CASE("c4_quality counts sentences within a line") {
  // Mr. is an abbreviation; "home. He", "slept! Then", "nothing? Yes" end sentences; e.g. is
  // followed by a lowercase word.
  const auto d = run("c4_quality", "Mr. Smith went home. He slept! Then e.g. nothing? Yes.",
                     {{"mode", "annotate"}});
  CHECK(integer(d, "c4_sentences") == 4);
  CHECK(integer(run("c4_quality", "One. Two. Three. Four. Five.", {{"mode", "annotate"}}),
                "c4_sentences") == 5);
  CHECK(verdict(run("c4_quality", "One. Two. Three. Four. Five.", {{"min_words_per_line", "0"}})) ==
        "kept");
}

TEST_CASE("c4_quality on empty and punctuation-only texts") {
  for (const std::string text : {"", "   ", "...\n!!!", "\n\n"}) {
    CAPTURE(text);
    const auto d = run("c4_quality", text);
    CHECK(verdict(d) == "too_few_sentences");
    CHECK(integer(d, "c4_kept_lines") == 0);
    CHECK(integer(d, "c4_sentences") == 0);
  }
  CHECK(verdict(run("c4_quality", "", {{"min_sentences", "0"}})) == "kept");
  CHECK_THROWS(loom::testing::check_options(quality_test::plugin().component("c4_quality"),
                                            {{"min_sentences", "-1"}}));
}

TEST_CASE("c4_quality on a 50 MB line") {
  std::string text;
  text.reserve(50'000'010);
  while (text.size() < 50'000'000) text += "Words here. ";
  text.pop_back();  // ends with "."
  const auto d = run("c4_quality", text, {{"mode", "annotate"}});
  CHECK(integer(d, "c4_lines") == 1);
  CHECK(integer(d, "c4_kept_lines") == 1);
  CHECK(integer(d, "c4_sentences") == static_cast<std::int64_t>((text.size() + 1) / 12));
}
