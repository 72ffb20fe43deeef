#include "testkit.hpp"

#include <doctest/doctest.h>

#include <cstring>

using testkit::Checked;

namespace {

// The valid graph with one line replaced (the line that starts with `prefix`).
std::string with_line(const std::string& prefix, const std::string& replacement) {
  std::string text = testkit::valid_graph;
  const std::size_t at = text.find(prefix);
  REQUIRE(at != std::string::npos);
  const std::size_t end = text.find('\n', at);
  return text.replace(at, end - at, replacement);
}

std::string str(loom_str s) { return std::string(s.data, s.size); }

}  // namespace

TEST_CASE("the valid graph binds every node, option and edge") {
  Checked c(testkit::valid_graph);
  INFO(c.all());
  REQUIRE(c.diagnostics.empty());
  const auto& nodes = c.graph.nodes;
  REQUIRE(nodes.size() == 6);
  CHECK(nodes[0].spec->id == "read");
  CHECK(nodes[0].component->name == "fixture_source");
  const auto& paths = nodes[0].options->values.at(0);
  CHECK(paths.present == 1);
  REQUIRE(paths.count == 1);
  CHECK(str(paths.items[0]) == "a.jsonl");

  const auto& tag = nodes[1];
  const auto& set = tag.options->values.at(0);
  REQUIRE(set.count == 2);
  CHECK(str(set.items[0]) == "source");
  CHECK(str(set.items[1]) == "c4");

  const auto& quality = nodes[2];
  CHECK(quality.spec->id == "quality");
  const auto& values = quality.options->values;
  REQUIRE(values.size() == 5);
  CHECK(values[0].present == 1);
  CHECK(values[0].i == 10);
  CHECK(values[1].present == 0);  // max_words from its default
  CHECK(values[1].i == 100000);
  CHECK(values[2].present == 0);  // max_symbol_ratio from its default
  CHECK(values[2].f == doctest::Approx(0.1));
  CHECK(str(values[3].s) == "fast");
  CHECK(values[4].b == 0);
  REQUIRE(quality.inputs.size() == 1);
  CHECK(quality.inputs[0].from == 1);
  CHECK_FALSE(quality.inputs[0].dropped_port);

  const auto& removed = nodes[5];
  REQUIRE(removed.inputs.size() == 1);
  CHECK(removed.inputs[0].from == 2);
  CHECK(removed.inputs[0].dropped_port);
  for (const auto& node : nodes) CHECK(node.source == 0);
}

TEST_CASE("an unknown component suggests the closest registered name") {
  Checked c(with_line("  exact:", "  exact: { type: key_dedupe, inputs: [quality] }"));
  const auto* d = c.find("unknown component");
  REQUIRE(d != nullptr);
  CHECK(d->message == "unknown component 'key_dedupe' (node 'exact')");
  CHECK(d->mark.line == 12);
  CHECK(d->mark.column == 18);
  REQUIRE(d->notes.size() == 1);
  CHECK(d->notes[0] == "did you mean 'key_dedup'? (a deduper from plugin 'testkit')");
}

TEST_CASE("a component under the wrong section") {
  Checked c(with_line("  exact:",
                      "  exact: { type: fixture_sink, inputs: [quality], with: { path: p } }"));
  const auto* d = c.find("is a sink");
  REQUIRE(d != nullptr);
  CHECK(d->message ==
        "component 'fixture_sink' is a sink, but node 'exact' is listed under 'dedupers'");
  CHECK(d->notes == std::vector<std::string>{"move node 'exact' under 'sinks'"});
}

TEST_CASE("option errors: unknown, missing, mistyped, out of range, enum") {
  SUBCASE("unknown option with suggestion and the valid list") {
    Checked c(with_line("  quality:",
                        "  quality: { type: word_filter, inputs: [tag], with: { min_word: 5 } }"));
    const auto* d = c.find("unknown option");
    REQUIRE(d != nullptr);
    CHECK(d->message == "unknown option 'min_word' for filter 'word_filter' (node 'quality')");
    CHECK(d->notes ==
          std::vector<std::string>{"did you mean 'min_words'? valid options: "
                                   "min_words, max_words, max_symbol_ratio, mode, lowercase"});
    CHECK(c.errors() == 1);
  }
  SUBCASE("missing required option") {
    Checked c(with_line("  out:", "  out: { type: fixture_sink, inputs: [exact] }"));
    const auto* d = c.find("missing required");
    REQUIRE(d != nullptr);
    CHECK(d->message == "missing required option 'path' for sink 'fixture_sink' (node 'out')");
    CHECK(d->mark.line == 14);
    CHECK(d->notes == std::vector<std::string>{"'path': output path template"});
  }
  SUBCASE("an integer option given text") {
    Checked c(with_line(
        "  quality:", "  quality: { type: word_filter, inputs: [tag], with: { min_words: abc } }"));
    const auto* d = c.find("invalid value");
    REQUIRE(d != nullptr);
    CHECK(d->message ==
          "invalid value for option 'min_words' of filter 'word_filter' (node 'quality'): "
          "expected an integer, found 'abc'");
    CHECK(d->mark.column == 67);
  }
  SUBCASE("a quoted number is a string") {
    Checked c(
        with_line("  quality:",
                  "  quality: { type: word_filter, inputs: [tag], with: { min_words: \"5\" } }"));
    const auto* d = c.find("invalid value");
    REQUIRE(d != nullptr);
    CHECK(d->message.find("expected an integer, found the string \"5\"") != std::string::npos);
    CHECK(d->notes ==
          std::vector<std::string>{"quoted values are strings; write 5 without quotes"});
  }
  SUBCASE("bool accepts true and false only") {
    Checked c(with_line(
        "  quality:", "  quality: { type: word_filter, inputs: [tag], with: { lowercase: yes } }"));
    const auto* d = c.find("invalid value");
    REQUIRE(d != nullptr);
    CHECK(d->message.find("expected true or false, found 'yes'") != std::string::npos);
  }
  SUBCASE("a float option rejects text but accepts an integer") {
    Checked bad(with_line("  quality:",
                          "  quality: { type: word_filter, inputs: [tag], with: "
                          "{ max_symbol_ratio: 0.5x } }"));
    REQUIRE(bad.find("expected a number, found '0.5x'") != nullptr);
    Checked good(with_line("  quality:",
                           "  quality: { type: word_filter, inputs: [tag], with: "
                           "{ max_symbol_ratio: 1 } }"));
    CHECK(good.errors() == 0);
    CHECK(good.graph.nodes[2].options->values[2].f == 1.0);
  }
  SUBCASE("out of range, bounds inclusive") {
    Checked low(with_line("  quality:",
                          "  quality: { type: word_filter, inputs: [tag], with: "
                          "{ min_words: 0 } }"));
    const auto* d = low.find("out of range");
    REQUIRE(d != nullptr);
    CHECK(d->message ==
          "value 0 is out of range for option 'min_words' of filter 'word_filter' (node "
          "'quality'): expected between 1 and 1000 (inclusive)");
    Checked edge(with_line("  quality:",
                           "  quality: { type: word_filter, inputs: [tag], with: "
                           "{ min_words: 1000, max_symbol_ratio: 0 } }"));
    CHECK(edge.errors() == 0);
    Checked high(with_line("  quality:",
                           "  quality: { type: word_filter, inputs: [tag], with: "
                           "{ max_symbol_ratio: 1.5 } }"));
    REQUIRE(high.find("expected between 0 and 1 (inclusive)") != nullptr);
  }
  SUBCASE("enum value not allowed") {
    Checked c(with_line("  quality:",
                        "  quality: { type: word_filter, inputs: [tag], with: "
                        "{ mode: exakt } }"));
    const auto* d = c.find("invalid value");
    REQUIRE(d != nullptr);
    CHECK(d->message.find("expected one of 'fast', 'exact', found 'exakt'") != std::string::npos);
    CHECK(d->notes == std::vector<std::string>{"did you mean 'exact'?"});
  }
  SUBCASE("string list: a lone string is a list of one, a mapping is not") {
    Checked one(with_line("    with: { paths:", "    with: { paths: only.jsonl }"));
    REQUIRE(one.errors() == 0);
    CHECK(one.graph.nodes[0].options->values[0].count == 1);
    Checked bad(with_line("    with: { paths:", "    with: { paths: { a: b } }"));
    REQUIRE(bad.find("expected a list of strings (or a single string), found a mapping") !=
            nullptr);
    Checked nested(with_line("    with: { paths:", "    with: { paths: [a, [b]] }"));
    REQUIRE(nested.find("expected each list item to be a string, found a list") != nullptr);
  }
  SUBCASE("string map keeps order and rejects non-scalars") {
    Checked ordered(with_line("  tag:",
                              "  tag: { type: tag_cleaner, inputs: [read], with: "
                              "{ set: { z: 1, a: 2 } } }"));
    REQUIRE(ordered.errors() == 0);
    const auto& set = ordered.graph.nodes[1].options->values[0];
    REQUIRE(set.count == 4);
    CHECK(str(set.items[0]) == "z");
    CHECK(str(set.items[2]) == "a");
    Checked bad(with_line("  tag:",
                          "  tag: { type: tag_cleaner, inputs: [read], with: "
                          "{ set: [a] } }"));
    REQUIRE(bad.find("expected a mapping of strings to strings, found a list") != nullptr);
  }
}

TEST_CASE("integer and float lists: a lone number is a list of one, each item in range") {
  auto shingle = [](const std::string& with) {
    return with_line("  tag:",
                     "  tag: { type: shingle_cleaner, inputs: [read], with: " + with + " }");
  };
  SUBCASE("defaults and given values") {
    Checked defaults(shingle("{}"));
    INFO(defaults.all());
    REQUIRE(defaults.errors() == 0);
    const auto& sizes = defaults.graph.nodes[1].options->values[0];
    REQUIRE(sizes.count == 2);
    CHECK(sizes.ints[0] == 5);
    CHECK(sizes.ints[1] == 9);
    CHECK(sizes.present == 0);
    CHECK(defaults.graph.nodes[1].options->values[1].count == 0);

    Checked given(shingle("{ sizes: [1, 64, +3], weights: [0.5, 1, 0] }"));
    INFO(given.all());
    REQUIRE(given.errors() == 0);
    const auto& values = given.graph.nodes[1].options->values;
    REQUIRE(values[0].count == 3);
    CHECK(values[0].ints[2] == 3);
    REQUIRE(values[1].count == 3);
    CHECK(values[1].floats[0] == 0.5);
    CHECK(values[1].floats[1] == 1.0);
    CHECK(values[1].present == 1);

    Checked lone(shingle("{ sizes: 7 }"));
    REQUIRE(lone.errors() == 0);
    REQUIRE(lone.graph.nodes[1].options->values[0].count == 1);
    CHECK(lone.graph.nodes[1].options->values[0].ints[0] == 7);
  }
  SUBCASE("each bad item is reported at its own place") {
    Checked c(shingle("{ sizes: [4, 65, x, \"8\"] }"));
    CHECK(c.errors() == 3);
    const auto* range = c.find("out of range");
    REQUIRE(range != nullptr);
    CHECK(range->message ==
          "value 65 is out of range for option 'sizes' of cleaner 'shingle_cleaner' (node "
          "'tag'): expected between 1 and 64 (inclusive)");
    CHECK(range->mark.column == 68);
    const auto* text = c.find("found 'x'");
    REQUIRE(text != nullptr);
    CHECK(text->message ==
          "invalid value for option 'sizes' of cleaner 'shingle_cleaner' (node 'tag'): expected "
          "each list item to be an integer, found 'x'");
    CHECK(text->mark.column == 72);
    const auto* quoted = c.find("the string \"8\"");
    REQUIRE(quoted != nullptr);
    CHECK(quoted->notes ==
          std::vector<std::string>{"quoted values are strings; write 8 without quotes"});
  }
  SUBCASE("a mapping is not a list; floats are bounded too") {
    Checked map(shingle("{ sizes: { a: 1 } }"));
    REQUIRE(map.find("expected a list of integers (or a single integer), found a mapping") !=
            nullptr);
    Checked high(shingle("{ sizes: [5], weights: [1.5] }"));
    REQUIRE(high.find("value 1.5 is out of range for option 'weights'") != nullptr);
    Checked nested(shingle("{ weights: [[0.5]] }"));
    REQUIRE(nested.find("expected each list item to be a number, found a list") != nullptr);
  }
}

TEST_CASE("a validate() error about one option points at that option's line") {
  const std::string text = with_line(
      "  tag:",
      "  tag:\n    type: shingle_cleaner\n    inputs: [read]\n    with:\n      sizes: [5, 9]\n"
      "      weights: [0.5]");
  Checked c(text);
  const auto* d = c.find("rejected by");
  REQUIRE(d != nullptr);
  CHECK(
      d->message ==
      "options of node 'tag' rejected by cleaner 'shingle_cleaner' (/plugins/libloom_testkit.so): "
      "option 'weights': 1 weights for 2 sizes");
  CHECK(d->mark.line == 13);
  CHECK(d->mark.column == 7);
}

TEST_CASE("the plugin's validate() callback runs on bound values") {
  Checked c(with_line("  out:",
                      "  out: { type: fixture_sink, inputs: [exact], with: { path: o.jsonl, "
                      "max_file_bytes: 10 } }"));
  const auto* d = c.find("rejected by");
  REQUIRE(d != nullptr);
  CHECK(d->message ==
        "options of node 'out' rejected by sink 'fixture_sink' (/plugins/libloom_testkit.so): "
        "max_file_bytes splits the output, so 'path' must contain {part}");
  CHECK(d->mark.line == 14);
  CHECK(d->mark.column == 47);  // the `with` key
}

TEST_CASE("edges: dangling inputs, unknown ports, reading from a sink") {
  SUBCASE("dangling input") {
    Checked c(with_line("  exact:", "  exact: { type: key_dedup, inputs: [qualty] }"));
    const auto* d = c.find("unknown node");
    REQUIRE(d != nullptr);
    CHECK(d->message == "node 'exact' takes input from unknown node 'qualty'");
    CHECK(d->notes.at(0).rfind("did you mean 'quality'? nodes in this graph: read, tag,", 0) == 0);
    CHECK(d->mark.column == 38);
  }
  SUBCASE("dropped exists only on filters and dedupers") {
    Checked c(with_line("  exact:", "  exact: { type: key_dedup, inputs: [tag.dropped] }"));
    const auto* d = c.find("unknown port");
    REQUIRE(d != nullptr);
    CHECK(d->message == "unknown port 'dropped' on node 'tag' (input of node 'exact')");
    CHECK(d->notes.at(0) ==
          "node 'tag' (cleaner 'tag_cleaner') has one output port: kept (the default)");
  }
  SUBCASE("a misspelled port") {
    Checked c(with_line("  exact:", "  exact: { type: key_dedup, inputs: [quality.droped] }"));
    const auto* d = c.find("unknown port");
    REQUIRE(d != nullptr);
    CHECK(d->notes.at(0).rfind("did you mean 'dropped'?", 0) == 0);
  }
  SUBCASE("explicit kept is the main output") {
    Checked c(with_line("  exact:", "  exact: { type: key_dedup, inputs: [quality.kept] }"));
    CHECK(c.errors() == 0);
  }
  SUBCASE("sinks have no outputs") {
    Checked c(with_line("  exact:", "  exact: { type: key_dedup, inputs: [quality, out] }"));
    const auto* d = c.find("sink 'out'");
    REQUIRE(d != nullptr);
    CHECK(d->message == "node 'exact' takes input from sink 'out': sinks have no outputs");
  }
}

TEST_CASE("a cycle is printed as a path") {
  Checked c(with_line("  tag:", "  tag: { type: tag_cleaner, inputs: [read, exact] }"));
  const auto* d = c.find("cycle");
  REQUIRE(d != nullptr);
  CHECK(d->message == "cycle in graph: tag -> quality -> exact -> tag");
  CHECK(d->mark.line == 8);
  CHECK(d->mark.column == 44);  // the input that closes it
  CHECK(c.errors() == 1);
}

TEST_CASE("a node fed by two sources is an error naming both") {
  std::string text = testkit::valid_graph;
  text.replace(text.find("cleaners:"), 0,
               "  second: { type: fixture_source, with: { paths: b.jsonl } }\n");
  text = text.replace(text.find("inputs: [read]"), 14, "inputs: [read, second]");
  Checked c(text);
  const auto* d = c.find("merges");
  REQUIRE(d != nullptr);
  CHECK(d->message ==
        "node 'tag' merges data from sources 'read' and 'second': merging sources is not "
        "supported yet");
  CHECK(c.errors() == 1);  // reported where the streams meet, not again downstream
}

TEST_CASE("a node whose output goes nowhere is a warning") {
  std::string text = testkit::valid_graph;
  text.replace(text.find("dedupers:"), 0, "  extra: { type: word_filter, inputs: [tag] }\n");
  Checked c(text);
  INFO(c.all());
  CHECK(c.errors() == 0);
  REQUIRE(c.diagnostics.size() == 1);
  const auto& d = c.diagnostics[0];
  CHECK(d.severity == loom::Severity::warning);
  CHECK(d.message ==
        "output of node 'extra' (filter 'word_filter') goes nowhere: no node takes it as input");
}

TEST_CASE("all problems are collected, not just the first") {
  Checked c(R"(version: 1
sources:
  read: { type: fixture_source }
filters:
  f: { type: word_filter, inputs: [read], with: { min_words: -1, mode: x } }
sinks:
  out: { type: test_snk, inputs: [f, nowhere] }
)");
  INFO(c.all());
  CHECK(c.find("missing required option 'paths'") != nullptr);
  CHECK(c.find("value -1 is out of range") != nullptr);
  CHECK(c.find("option 'mode'") != nullptr);
  CHECK(c.find("unknown component 'test_snk'") != nullptr);
  CHECK(c.find("unknown node 'nowhere'") != nullptr);
  CHECK(c.errors() == 5);
}
