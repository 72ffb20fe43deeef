// The `tests:` block: what the loader keeps, and how it reports a malformed or miswired block.
#include <doctest/doctest.h>

#include "config/graph_tests.hpp"

#include <loom/engine/graph_spec.hpp>

#include <string>

namespace {

const std::string graph = R"(version: 1
sources:
  read: { type: s }
filters:
  keep: { type: f, inputs: [read] }
sinks:
  out: { type: k, inputs: [keep] }
  rejects: { type: k, inputs: [keep.dropped] }
)";

struct Loaded {
  std::vector<loom::Diagnostic> diagnostics;
  loom::GraphSpec spec;
  explicit Loaded(const std::string& tests) {
    spec = loom::load_graph_text("g.yaml", graph + "tests:\n" + tests, {}, diagnostics);
  }
  std::string only() const {
    REQUIRE(diagnostics.size() == 1);
    return diagnostics.front().message;
  }
};

}  // namespace

TEST_CASE("a tests block is read into GraphSpec::tests with its documents and drops") {
  Loaded g(R"(  first:
    insert: { at: keep, docs: [ { text: "a b", meta: { url: u, n: 3 } }, { text: x } ] }
    expect:
      at: out
      docs: [ { text: "a b" } ]
      dropped: { keep: { too_short: 1, other: 0 } }
      tolerance: 1e-6
  second:
    insert: { at: read, docs: [] }
    expect: { at: rejects, dropped: { keep: {} } }
)");
  REQUIRE(g.diagnostics.empty());
  REQUIRE(g.spec.tests.size() == 2);
  const loom::TestSpec& first = g.spec.tests[0];
  CHECK(first.name == "first");
  CHECK(first.mark.line == 10);
  CHECK(first.insert_at == "keep");
  REQUIRE(first.insert_docs.size() == 2);
  CHECK(first.insert_docs[0].text == "a b");
  REQUIRE(first.insert_docs[0].meta.size() == 2);
  CHECK(first.insert_docs[0].meta[1].first == "n");
  CHECK(first.insert_docs[0].meta[1].second.scalar == "3");
  CHECK(first.insert_docs[1].meta.empty());
  CHECK(first.expect_at == "out");
  CHECK(first.expects_docs);
  REQUIRE(first.dropped.size() == 1);
  CHECK(first.dropped[0].node == "keep");
  CHECK(first.dropped[0].reasons ==
        std::vector<std::pair<std::string, std::uint64_t>>{{"too_short", 1}, {"other", 0}});
  CHECK(first.float_tolerance == 1e-6);
  const loom::TestSpec& second = g.spec.tests[1];
  CHECK(second.float_tolerance == 0);
  CHECK_FALSE(second.expects_docs);
  CHECK(second.insert_docs.empty());
  REQUIRE(second.dropped.size() == 1);
  CHECK(second.dropped[0].reasons.empty());
}

TEST_CASE("the slice a test runs: from insert.at to expect.at, the latter excluded") {
  Loaded g(R"(  t: { insert: { at: read, docs: [] }, expect: { at: rejects, docs: [] } }
)");
  REQUIRE(g.diagnostics.empty());
  const auto slice = loom::test_slice(g.spec, "read", "rejects");
  CHECK(slice.reachable);
  REQUIRE(slice.nodes.size() == 2);
  CHECK(slice.nodes[0]->id == "read");
  CHECK(slice.nodes[1]->id == "keep");
  CHECK_FALSE(loom::test_slice(g.spec, "keep", "read").reachable);
  const auto same = loom::test_slice(g.spec, "keep", "keep");
  CHECK(same.reachable);
  CHECK(same.nodes.empty());
}

TEST_CASE("malformed tests blocks are errors at the right place") {
  CHECK(Loaded("  - a\n").only().rfind("'tests' is a mapping of test name to test", 0) == 0);
  CHECK(Loaded("  t: { insert: { at: keep, docs: [] } }\n").only() == "test 't' has no 'expect'");
  CHECK(Loaded("  t: { insert: { at: keep, docs: [] }, expect: { at: out } }\n").only() ==
        "'expect' of test 't' checks nothing");
  CHECK(Loaded("  t: { insert: { at: keep }, expect: { at: out, docs: [] } }\n").only() ==
        "'insert' of test 't' has no 'docs'");
  CHECK(Loaded("  t: { insert: { at: keep, docs: [ { meta: {} } ] }, expect: { at: out, docs: [] } "
               "}\n")
            .only() == "document 0 of 'insert.docs' of test 't' has no 'text'");
  CHECK(Loaded("  t: { insert: { at: keep, docs: [], extra: 1 }, expect: { at: out, docs: [] } }\n")
            .only() == "unknown key 'extra' in 'insert' of test 't'");
  CHECK(Loaded("  t: { insert: { at: keep, docs: [] }, expect: { at: out, dropped: { keep: { a: "
               "-1 } } } }\n")
            .only()
            .find("must be a whole number >= 0, found '-1'") != std::string::npos);
  for (const char* bad : {"-1", "\"0.1\"", "x", "[1]", ".inf"}) {
    CAPTURE(bad);
    CHECK(Loaded(std::string("  t: { insert: { at: keep, docs: [] }, expect: { at: out, docs: [], "
                             "tolerance: ") +
                 bad + " } }\n")
              .only()
              .rfind("'expect.tolerance' of test 't' must be a number >= 0, found", 0) == 0);
  }
}

TEST_CASE("tests are checked against the graph's nodes and wiring") {
  const auto unknown =
      Loaded("  t: { insert: { at: kep, docs: [] }, expect: { at: out, docs: [] } }\n");
  CHECK(unknown.only() == "'insert.at' of test 't' names unknown node 'kep'");
  CHECK(unknown.diagnostics[0].mark.line == 10);
  CHECK(unknown.diagnostics[0].notes.at(0).rfind("did you mean 'keep'?", 0) == 0);
  CHECK(Loaded("  t: { insert: { at: out, docs: [] }, expect: { at: keep, docs: [] } }\n").only() ==
        "'expect.at' of test 't': node 'keep' is not downstream of 'out'");
  CHECK(Loaded("  t: { insert: { at: read, docs: [] }, expect: { at: out, dropped: { rejects: {} } "
               "} }\n")
            .only() ==
        "'expect.dropped' of test 't' names node 'rejects', which this test does not run");
  CHECK(Loaded("  t: { insert: { at: read, docs: [] }, expect: { at: keep, dropped: { keep: {} } } "
               "}\n")
            .only() ==
        "'expect.dropped' of test 't' names node 'keep', which this test does not run");
}
