// GraphSpec: a graph file as parsed, before validation. Every element keeps its source position.
#pragma once

#include <loom/engine/diagnostic.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loom {

enum class NodeKind { source, cleaner, filter, deduper, sink };

// "sources", "cleaners", ... (the section names of a graph file) and back.
const char* section_name(NodeKind kind);
// "source", "cleaner", ... (singular, for messages).
const char* kind_name(NodeKind kind);

// A YAML value with positions, independent of the YAML library.
struct ConfigValue {
  enum class Type { null, scalar, sequence, mapping };
  Type type = Type::null;
  SourceMark mark;
  std::string scalar;   // Type::scalar: the text after ${VAR} expansion
  bool quoted = false;  // the scalar was written in quotes (so it is a string, never a number)
  std::vector<ConfigValue> items;                            // Type::sequence
  std::vector<std::pair<std::string, ConfigValue>> entries;  // Type::mapping, in file order
  std::vector<SourceMark> key_marks;                         // Type::mapping: one per entry
};

// A reference to a node's output port: "node" (port "kept"/default) or "node.dropped".
struct PortRef {
  std::string node;
  std::string port;  // "" for the default output
  SourceMark mark;
};

struct OptionEntry {
  std::string name;
  SourceMark key_mark;
  ConfigValue value;
};

struct NodeSpec {
  std::string id;
  NodeKind kind = NodeKind::source;
  SourceMark mark;       // the node's key
  std::string type;      // component name
  SourceMark type_mark;  // the value of `type:`
  std::vector<PortRef> inputs;
  std::vector<OptionEntry> options;  // the `with:` block, in file order
  SourceMark with_mark;
};

// One document of a test: its text and metadata as written (typed when the test runs).
struct TestDocument {
  SourceMark mark;
  std::string text;
  std::vector<std::pair<std::string, ConfigValue>> meta;  // in file order
};

// Expected drop counts of one node: every reason it dropped documents for, with its count.
struct TestDrops {
  std::string node;
  SourceMark mark;
  std::vector<std::pair<std::string, std::uint64_t>> reasons;
};

// One entry of the `tests:` block: documents fed into `insert_at`, and what must reach the input
// of `expect_at` (and what nodes on the way must drop).
struct TestSpec {
  std::string name;
  SourceMark mark;
  std::string insert_at;
  SourceMark insert_mark;
  std::vector<TestDocument> insert_docs;
  std::string expect_at;
  SourceMark expect_mark;
  bool expects_docs = false;  // `expect.docs` given (an empty list means "nothing arrives")
  std::vector<TestDocument> expect_docs;
  std::vector<TestDrops> dropped;
  // `expect.tolerance`: meta floats match when they differ by at most this much, absolutely or
  // relatively to the expected value; 0 compares them exactly.
  double float_tolerance = 0;
};

struct GraphSpec {
  std::string file;         // path as given
  std::string source_text;  // whole file, for rendering diagnostics
  int version = 1;
  std::vector<std::string> plugins;
  std::vector<SourceMark> plugin_marks;
  std::string stats_path;  // the `stats:` key (where `loom run` writes stats.json), "" if absent
  SourceMark stats_mark;
  std::vector<NodeSpec> nodes;  // in file order: sources, then the other sections as written
  std::vector<TestSpec> tests;  // the `tests:` block, in file order (`loom test` runs them)

  const NodeSpec* find(const std::string& id) const {
    for (const auto& n : nodes)
      if (n.id == id) return &n;
    return nullptr;
  }
};

// Variables for ${NAME} / ${NAME:-default}: --set values first, then the environment.
using Variables = std::map<std::string, std::string>;

// Parses a graph file. Problems are appended to `diagnostics`; the returned spec holds whatever
// could be read.
GraphSpec load_graph_file(const std::string& path, const Variables& variables,
                          std::vector<Diagnostic>& diagnostics);
GraphSpec load_graph_text(const std::string& file_label, const std::string& text,
                          const Variables& variables, std::vector<Diagnostic>& diagnostics);

}  // namespace loom
