#include <doctest/doctest.h>

#include <loom/engine/graph_spec.hpp>

#include <cstdlib>

namespace {

struct Loaded {
  std::vector<loom::Diagnostic> diagnostics;
  loom::GraphSpec spec;
  explicit Loaded(const std::string& text, const loom::Variables& variables = {}) {
    spec = loom::load_graph_text("g.yaml", text, variables, diagnostics);
  }
  const loom::Diagnostic& only() const {
    REQUIRE(diagnostics.size() == 1);
    return diagnostics.front();
  }
};

bool same(loom::SourceMark mark, int line, int column) {
  return mark.line == line && mark.column == column;
}

}  // namespace

TEST_CASE("a graph file becomes a GraphSpec with 1-based marks everywhere") {
  Loaded g(R"(version: 1
plugins: [io, text]
stats: out/stats.json
filters:
  gopher:
    type: gopher_quality
    inputs: [read, other.dropped]
    with:
      min_words: 50
sources:
  read: { type: jsonl_source, with: { paths: ["a.json"] } }
)");
  REQUIRE(g.diagnostics.empty());
  const auto& spec = g.spec;
  CHECK(spec.version == 1);
  CHECK(spec.plugins == std::vector<std::string>{"io", "text"});
  CHECK(same(spec.plugin_marks.at(1), 2, 15));
  CHECK(spec.stats_path == "out/stats.json");
  CHECK(same(spec.stats_mark, 3, 8));
  REQUIRE(spec.nodes.size() == 2);
  // Sources come first whatever the order in the file.
  const auto& read = spec.nodes[0];
  CHECK(read.id == "read");
  CHECK(read.kind == loom::NodeKind::source);
  CHECK(same(read.mark, 11, 3));
  CHECK(same(read.type_mark, 11, 17));
  REQUIRE(read.options.size() == 1);
  CHECK(read.options[0].value.type == loom::ConfigValue::Type::sequence);
  CHECK(read.options[0].value.items.at(0).quoted);
  CHECK(read.options[0].value.items.at(0).scalar == "a.json");
  const auto& gopher = spec.nodes[1];
  CHECK(gopher.kind == loom::NodeKind::filter);
  CHECK(gopher.type == "gopher_quality");
  CHECK(same(gopher.mark, 5, 3));
  CHECK(same(gopher.type_mark, 6, 11));
  CHECK(same(gopher.with_mark, 8, 5));
  REQUIRE(gopher.inputs.size() == 2);
  CHECK(gopher.inputs[0].node == "read");
  CHECK(gopher.inputs[0].port == "");
  CHECK(same(gopher.inputs[0].mark, 7, 14));
  CHECK(gopher.inputs[1].node == "other");
  CHECK(gopher.inputs[1].port == "dropped");
  CHECK(same(gopher.inputs[1].mark, 7, 20));
  REQUIRE(gopher.options.size() == 1);
  CHECK(gopher.options[0].name == "min_words");
  CHECK(same(gopher.options[0].key_mark, 9, 7));
  CHECK(same(gopher.options[0].value.mark, 9, 18));
  CHECK(gopher.options[0].value.scalar == "50");
  CHECK_FALSE(gopher.options[0].value.quoted);
}

TEST_CASE("a single input string is a list of one") {
  Loaded g("version: 1\nsinks:\n  out: { type: s, inputs: read }\n");
  REQUIRE(g.diagnostics.empty());
  REQUIRE(g.spec.nodes.at(0).inputs.size() == 1);
  CHECK(g.spec.nodes[0].inputs[0].node == "read");
}

TEST_CASE("duplicate keys are errors that point at both definitions") {
  SUBCASE("top level") {
    Loaded g("version: 1\nplugins: [a]\nplugins: [b]\n");
    const auto& d = g.only();
    CHECK(d.message == "duplicate top-level key 'plugins'");
    CHECK(same(d.mark, 3, 1));
    CHECK(d.notes == std::vector<std::string>{"first defined here at 2:1"});
    CHECK(g.spec.plugins == std::vector<std::string>{"a"});  // the first one wins
  }
  SUBCASE("node ids inside one section") {
    Loaded g("version: 1\nsources:\n  a: { type: x }\n  a: { type: y }\n");
    CHECK(g.only().message == "duplicate key 'a' in 'sources'");
    CHECK(same(g.only().mark, 4, 3));
    REQUIRE(g.spec.nodes.size() == 1);
    CHECK(g.spec.nodes[0].type == "x");
  }
  SUBCASE("node ids across sections") {
    Loaded g("version: 1\nsources:\n  a: { type: x }\nsinks:\n  a: { type: y, inputs: [a] }\n");
    CHECK(g.only().message == "duplicate node id 'a': already defined under 'sources'");
    CHECK(same(g.only().mark, 5, 3));
    CHECK(g.only().notes == std::vector<std::string>{"first defined here at 3:3"});
  }
  SUBCASE("node fields") {
    Loaded g("version: 1\nsources:\n  a:\n    type: x\n    type: y\n");
    CHECK(g.only().message == "duplicate key 'type' in 'sources.a'");
    CHECK(same(g.only().mark, 5, 5));
  }
  SUBCASE("options in a with block") {
    Loaded g("version: 1\nsources:\n  a:\n    type: x\n    with: { n: 1, m: 2, n: 3 }\n");
    CHECK(g.only().message == "duplicate key 'n' in 'sources.a.with'");
    CHECK(same(g.only().mark, 5, 25));
    CHECK(g.only().notes == std::vector<std::string>{"first defined here at 5:13"});
    CHECK(g.spec.nodes.at(0).options.size() == 2);
  }
}

TEST_CASE("unknown keys get a did-you-mean") {
  SUBCASE("top level") {
    Loaded g("version: 1\nfilter:\n  a: { type: x }\n");
    CHECK(g.only().message == "unknown top-level key 'filter'");
    CHECK(same(g.only().mark, 2, 1));
    REQUIRE(g.only().notes.size() == 1);
    CHECK(g.only().notes[0].rfind("did you mean 'filters'? valid keys: version, plugins", 0) == 0);
  }
  SUBCASE("node field") {
    Loaded g("version: 1\nsources:\n  a: { type: x, whit: {} }\n");
    CHECK(g.only().message == "unknown field 'whit' in source node 'a'");
    CHECK(g.only().notes.at(0).rfind("did you mean 'with'?", 0) == 0);
  }
}

TEST_CASE("node rules: ids, type, inputs") {
  SUBCASE("ids are snake_case") {
    Loaded g("version: 1\nsources:\n  Read-1: { type: x }\n");
    CHECK(g.only().message == "invalid node id 'Read-1'");
  }
  SUBCASE("type is required") {
    Loaded g("version: 1\nsources:\n  a: { with: {} }\n");
    CHECK(g.only().message == "source node 'a' has no 'type'");
    CHECK(same(g.only().mark, 3, 3));
  }
  SUBCASE("sources take no inputs") {
    Loaded g("version: 1\nsources:\n  a: { type: x, inputs: [b] }\n");
    CHECK(g.only().message ==
          "source node 'a' cannot have inputs: sources read data, they take none");
  }
  SUBCASE("other kinds need inputs") {
    Loaded g("version: 1\nfilters:\n  f: { type: x }\n");
    CHECK(g.only().message == "filter node 'f' has no 'inputs'");
  }
  SUBCASE("an empty inputs list") {
    Loaded g("version: 1\nsinks:\n  s: { type: x, inputs: [] }\n");
    CHECK(g.only().message.rfind("'inputs' of sink node 's' must list at least one node", 0) == 0);
  }
}

TEST_CASE("version and overall shape") {
  CHECK(Loaded("version: 2\n").only().message ==
        "unsupported graph format version: expected 1, found '2'");
  CHECK(Loaded("plugins: []\n").only().message == "the graph file has no 'version' key");
  CHECK(Loaded("").only().message == "the graph file is empty");
  CHECK(Loaded("- a\n- b\n").only().message.rfind("a graph file is a mapping", 0) == 0);
  Loaded empty_tests("version: 1\ntests:\n");
  CHECK(empty_tests.diagnostics.empty());
  CHECK(empty_tests.spec.tests.empty());
}

TEST_CASE("a YAML syntax error is one diagnostic at the parser's position") {
  Loaded g("version: 1\nsources:\n  a: { type: x\n");
  const auto& d = g.only();
  CHECK(d.message.rfind("invalid YAML: ", 0) == 0);
  CHECK(d.file == "g.yaml");
  CHECK(d.mark.line >= 3);
}

TEST_CASE("${NAME} comes from --set values first, then the environment") {
  ::setenv("LOOM_TEST_FROM_ENV", "env", 1);
  ::setenv("LOOM_TEST_BOTH", "env", 1);
  Loaded g(R"(version: 1
stats: "${LOOM_TEST_FROM_ENV}/${LOOM_TEST_BOTH}/${LOOM_TEST_UNSET_X:-fallback}/$$HOME/${LOOM_TEST_EMPTY:-d}"
)",
           {{"LOOM_TEST_BOTH", "set"}, {"LOOM_TEST_EMPTY", ""}});
  REQUIRE(g.diagnostics.empty());
  CHECK(g.spec.stats_path == "env/set/fallback/$HOME/d");
  ::unsetenv("LOOM_TEST_FROM_ENV");
  ::unsetenv("LOOM_TEST_BOTH");
}

TEST_CASE("an undefined variable is an error at its own position") {
  Loaded g("version: 1\nstats: \"${LOOM_TEST_OK}/${LOOM_TEST_UNDEFINED_Y}/x\"\n",
           {{"LOOM_TEST_OK", "a"}});
  const auto& d = g.only();
  CHECK(d.message == "undefined variable 'LOOM_TEST_UNDEFINED_Y'");
  CHECK(same(d.mark, 2, 25));
  REQUIRE_FALSE(d.notes.empty());
  CHECK(d.notes[0].find("--set LOOM_TEST_UNDEFINED_Y=...") != std::string::npos);
}

TEST_CASE("an expanded plain scalar keeps its plain-ness (so ${N} can be a number)") {
  // Block style: inside { } a plain scalar cannot hold braces.
  Loaded g("version: 1\nsources:\n  a:\n    type: x\n    with:\n      n: ${N}\n", {{"N", "5"}});
  REQUIRE(g.diagnostics.empty());
  const auto& value = g.spec.nodes.at(0).options.at(0).value;
  CHECK(value.scalar == "5");
  CHECK_FALSE(value.quoted);
}

// Found by the graph_yaml fuzzer: `with: *src` inside the mapping anchored `&src` makes the YAML
// tree a cycle, and converting it recursed until the stack overflowed.
TEST_CASE("a YAML alias that refers to its own anchor is an error, not a stack overflow") {
  Loaded loaded(
      "version: 1\nplugins: [io]\nsources:\n  read: &src\n    type: jsonl_source\n"
      "    with: *src\n");
  bool reported = false;
  for (const auto& d : loaded.diagnostics)
    if (d.message.find("nested deeper than 64 levels") != std::string::npos) reported = true;
  CHECK(reported);
}

TEST_CASE("values nested 200 levels deep are refused once, with their path") {
  std::string nested =
      "version: 1\nplugins: [io]\nx: " + std::string(200, '[') + std::string(200, ']') + "\n";
  Loaded loaded(nested);
  int reports = 0;
  for (const auto& d : loaded.diagnostics)
    if (d.message.find("nested deeper than 64 levels in 'x[0]") != std::string::npos) ++reports;
  CHECK(reports == 1);
}
