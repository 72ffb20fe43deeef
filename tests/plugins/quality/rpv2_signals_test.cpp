// rpv2_signals by hand: V2's normalization and WordPunct tokens (plugins/lib/text/rpv2_text.hpp),
// the span layout in meta, the ccnet_* copies and the option checks. The value-by-value parity
// with V2's own code is rpv2_signals_golden_test.cpp.
#include "quality_plugin.hpp"

#include <text/rpv2_text.hpp>
#include <text/word_ngrams.hpp>

namespace {

std::vector<std::string> wordpunct(std::string_view text) {
  std::vector<std::string> out;
  loom::textlib::for_each_wordpunct_token(text, [&](std::string_view t) { out.emplace_back(t); });
  return out;
}

std::string normalized(std::string_view text) {
  std::string out;
  loom::textlib::normalize_rpv2(text, out);
  return out;
}

std::string json(const loom::testing::Document& d, const std::string& key) {
  const loom::testing::MetaValue* v = d.find(key);
  REQUIRE_MESSAGE(v != nullptr, "no meta field " << key);
  REQUIRE_MESSAGE(v->type == LOOM_VALUE_JSON, key << " is " << *v);
  return v->s;
}

}  // namespace

TEST_CASE("rpv2 text: WordPunct splits word characters from other non-space runs") {
  using V = std::vector<std::string>;
  CHECK(wordpunct("Don't stop... e-mail_me #1!") ==
        V{"Don", "'", "t", "stop", "...", "e", "-", "mail_me", "#", "1", "!"});
  CHECK(wordpunct("naïve ½ x²\u00a0東京。") == V{"naïve", "½", "x²", "東京", "。"});
  CHECK(wordpunct(" \t\n") == V{});
}

TEST_CASE("rpv2 text: normalization drops ASCII punctuation only, lowercases, then NFD") {
  CHECK(normalized("  Hello,   World!\n\tFoo-bar ") == "hello world foobar");
  CHECK(normalized("\u201cQuoted\u201d \u2026") == "\u201cquoted\u201d \u2026");  // Unicode stays
  CHECK(normalized("Caf\u00e9") == "cafe\u0301");  // NFD: 5 code points
  CHECK(normalized("\u0130") == "i\u0307");        // full lowercase mapping
  CHECK(normalized("!!! ...") == "");
}

TEST_CASE("rpv2 text: dupe n-gram coverage counts each covered word once") {
  loom::textlib::WordSequence words;
  loom::textlib::NgramCounter counter;
  // "a b c" occurs twice (words 0-2 and 4-6), overlapping nothing; "x" is not covered: 6 of 7.
  words.assign_split("a b c x a b c");
  CHECK(counter.covered_by_repeats_code_points(words, 3) == 6);
  CHECK(counter.covered_by_repeats_code_points(words, 4) == 0);
  // Overlapping repeats "a a a" in "a a a a": words 0-3 all covered, once each.
  words.assign_split("a a a a");
  CHECK(counter.covered_by_repeats_code_points(words, 3) == 4);
}

TEST_CASE("rpv2_signals writes V2's spans: one per document signal, one per line") {
  const auto d = quality_test::run("rpv2_signals", "Hello World.\n\u2022 item one\nlast");
  CHECK(!d.dropped);
  // 13 + 11 + 4 = 28 code points. The bullet is not ASCII punctuation, so it stays a normalized
  // word: hello world \u2022 item one last, 22 code points in 6 words.
  CHECK(json(d, "rps_doc_word_count") == "[[0,28,6]]");
  CHECK(json(d, "rps_doc_mean_word_length") == "[[0,28,3.66666667]]");
  CHECK(json(d, "rps_lines_num_words") == "[[0,13,2],[13,24,3],[24,28,1]]");
  CHECK(json(d, "rps_lines_start_with_bulletpoint") == "[[0,13,0.0],[13,24,1.0],[24,28,0.0]]");
  CHECK(json(d, "rps_lines_ending_with_terminal_punctution_mark") ==
        "[[0,13,1.0],[13,24,0.0],[24,28,0.0]]");
  // "Hello World.\n": 2 uppercase letters of 13 code points.
  CHECK(json(d, "rps_lines_uppercase_letter_fraction").starts_with("[[0,13,0.15384615]"));
  CHECK(d.find("ccnet_nlines") == nullptr);  // no cc_net fields in, none out
  CHECK(d.meta.size() == 27);
}

TEST_CASE("rpv2_signals gives empty texts V2's nulls, never NaN") {
  const auto d = quality_test::run("rpv2_signals", "");
  CHECK(json(d, "rps_doc_mean_word_length") == "[[0,0,null]]");
  CHECK(json(d, "rps_doc_frac_lines_end_with_ellipsis") == "[[0,0,null]]");
  CHECK(json(d, "rps_doc_curly_bracket") == "[[0,0,0.0]]");
  CHECK(json(d, "rps_lines_num_words") == "[]");
  CHECK(json(d, "rps_lines_start_with_bulletpoint") == "[[0,0,null]]");
  for (const auto& [key, value] : d.meta)
    CHECK_MESSAGE(value.s.find("nan") == std::string::npos, key << " = " << value.s);
}

TEST_CASE("rpv2_signals copies cc_net's fields as V2's ccnet_* signals") {
  loom::testing::Instance instance(quality_test::plugin().component("rpv2_signals"), {});
  loom::testing::Document doc;
  doc.text = "one line";
  doc.meta = {{"nlines", loom::testing::MetaValue(std::int64_t{1})},
              {"language_score", loom::testing::MetaValue(0.93)},
              {"bucket", loom::testing::MetaValue("middle")}};
  const auto d = instance.process({doc}).at(0);
  CHECK(json(d, "ccnet_nlines") == "[[0,8,1.0]]");
  CHECK(json(d, "ccnet_language_score") == "[[0,8,0.93]]");
  CHECK(json(d, "ccnet_bucket") == "[[0,8,1.0]]");
  loom::testing::Instance off(quality_test::plugin().component("rpv2_signals"),
                              {{"ccnet_signals", "false"}});
  CHECK(off.process({doc}).at(0).find("ccnet_nlines") == nullptr);
}

TEST_CASE("rpv2_signals needs stop words for a language it has none built in for") {
  const auto& c = quality_test::plugin().component("rpv2_signals");
  CHECK_THROWS_WITH(loom::testing::check_options(c, {{"language", "de"}}),
                    doctest::Contains("no built-in stop words for language 'de'"));
  CHECK_NOTHROW(loom::testing::check_options(c, {{"language", "de"}, {"stop_words", "[der]"}}));
  const auto d = quality_test::run("rpv2_signals", "der Hund und der Ball",
                                   {{"language", "de"}, {"stop_words", "[der, und]"}});
  CHECK(json(d, "rps_doc_stop_word_fraction") == "[[0,21,0.6]]");
}
