#include <doctest/doctest.h>

#include <loom/engine/diagnostic.hpp>
#include <loom/engine/engine.hpp>

#include <cstdio>
#include <fstream>

using loom::Diagnostic;
using loom::Severity;

TEST_CASE("render: file, position, source line, caret under the column, notes") {
  const std::string text = "version: 1\nfilters:\n  gopher: { min_word: 5 }\n";
  Diagnostic d{Severity::error,
               "graphs/c4.yaml",
               {3, 13},
               "unknown option 'min_word'",
               {"did you mean 'min_words'?", "valid options: min_words"}};
  const std::string expected =
      "graphs/c4.yaml:3:13: error: unknown option 'min_word'\n"
      "      gopher: { min_word: 5 }\n"
      "                ^\n"
      "  note: did you mean 'min_words'?\n"
      "  note: valid options: min_words\n";
  CHECK(loom::render(d, text) == expected);
}

TEST_CASE("render: warnings, no file, and a mark past the end of the text") {
  CHECK(loom::render(Diagnostic{Severity::warning, "", {}, "careful", {}}, "") ==
        "warning: careful\n");
  CHECK(loom::render(Diagnostic{Severity::error, "g.yaml", {}, "no version", {}}, "x") ==
        "g.yaml: error: no version\n");
  CHECK(loom::render(Diagnostic{Severity::error, "g.yaml", {9, 1}, "late", {}}, "one line\n") ==
        "g.yaml:9:1: error: late\n");
}

TEST_CASE("render: tabs before the column are kept so the caret lines up") {
  Diagnostic d{Severity::error, "f", {1, 3}, "m", {}};
  CHECK(loom::render(d, "\tab\r\n") == "f:1:3: error: m\n    \tab\n    \t ^\n");
}

TEST_CASE("has_errors ignores warnings") {
  std::vector<Diagnostic> list{{Severity::warning, "", {}, "w", {}}};
  CHECK_FALSE(loom::has_errors(list));
  list.push_back({Severity::error, "", {}, "e", {}});
  CHECK(loom::has_errors(list));
  CHECK_FALSE(loom::has_errors({}));
}

TEST_CASE("edit_distance counts insertions, deletions and substitutions, capped") {
  CHECK(loom::edit_distance("min_words", "min_words") == 0);
  CHECK(loom::edit_distance("min_word", "min_words") == 1);
  CHECK(loom::edit_distance("mni_words", "min_words") == 2);
  CHECK(loom::edit_distance("kitten", "sitting", 5) == 3);
  CHECK(loom::edit_distance("kitten", "sitting") == 3);  // cap 2 -> cap + 1
  CHECK(loom::edit_distance("", "abcdef") == 3);
  CHECK(loom::edit_distance("abc", "", 10) == 3);
}

TEST_CASE("closest_match picks the nearest candidate within distance 2") {
  const std::vector<std::string> options{"min_words", "max_words", "mode"};
  CHECK(loom::closest_match("min_word", options) == "min_words");
  CHECK(loom::closest_match("mod", options) == "mode");
  CHECK(loom::closest_match("threshold", options) == "");
  CHECK(loom::closest_match("x", {}) == "");
}

TEST_CASE("render_all reads each diagnostic's file for its source line") {
  const std::string path = std::string(LOOM_BINARY_DIR) + "/render_all_test.yaml";
  {
    std::ofstream out(path);
    out << "a: 1\nb: 2\n";
  }
  std::vector<Diagnostic> list{{Severity::error, path, {2, 4}, "bad b", {}},
                               {Severity::warning, "", {}, "general", {"n"}}};
  CHECK(loom::render_all(list) ==
        path + ":2:4: error: bad b\n    b: 2\n       ^\nwarning: general\n  note: n\n");
  std::remove(path.c_str());
}
