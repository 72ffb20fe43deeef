// The config tests' view of the shared testkit components (tests/support/testkit_components.hpp):
// registered from their static descriptor, so these tests need no shared library.
#pragma once

#include "plugin/registry.hpp"
#include "testkit_components.hpp"
#include "validate/bound_graph.hpp"

#include <loom/engine/graph_spec.hpp>

#include <string>
#include <vector>

namespace testkit {

inline const std::string plugin_file = "/plugins/libloom_testkit.so";

// Loads `text` as a graph, validates it against the testkit plugin and keeps everything alive.
struct Checked {
  loom::Registry registry;
  std::vector<loom::Diagnostic> diagnostics;
  loom::GraphSpec spec;
  loom::BoundGraph graph;

  explicit Checked(const std::string& text, const loom::Variables& variables = {}) {
    registry.add_plugin(&descriptor().plugin, plugin_file, diagnostics);
    spec = loom::load_graph_text("g.yaml", text, variables, diagnostics);
    graph = loom::validate_graph(spec, registry, diagnostics);
  }

  std::size_t errors() const {
    std::size_t n = 0;
    for (const auto& d : diagnostics) n += d.severity == loom::Severity::error ? 1 : 0;
    return n;
  }
  // The one diagnostic whose message contains `needle` (fails the test if not exactly one).
  const loom::Diagnostic* find(const std::string& needle) const {
    const loom::Diagnostic* found = nullptr;
    for (const auto& d : diagnostics)
      if (d.message.find(needle) != std::string::npos) {
        if (found != nullptr) return nullptr;
        found = &d;
      }
    return found;
  }
  std::string all() const {
    std::string out;
    for (const auto& d : diagnostics) out += loom::render(d, spec.source_text);
    return out;
  }
};

// A valid graph with one node of each kind, used as a base for single-mistake variations.
inline const char* valid_graph = R"(version: 1
plugins: [testkit]
sources:
  read:
    type: fixture_source
    with: { paths: [a.jsonl] }
cleaners:
  tag: { type: tag_cleaner, inputs: [read], with: { set: { source: c4 } } }
filters:
  quality: { type: word_filter, inputs: [tag], with: { min_words: 10 } }
dedupers:
  exact: { type: key_dedup, inputs: [quality] }
sinks:
  out: { type: fixture_sink, inputs: [exact], with: { path: out.jsonl } }
  removed: { type: fixture_sink, inputs: [quality.dropped], with: { path: removed.jsonl } }
)";

}  // namespace testkit
