// Small components covering every option type, registered from a static descriptor so the config
// tests need no shared library.
#pragma once

#include "plugin/registry.hpp"
#include "validate/bound_graph.hpp"

#include <loom/engine/graph_spec.hpp>
#include <loom/plugin.hpp>

#include <string>
#include <vector>

namespace testkit {

struct SourceOptions {
  loom::StringList paths;
  static constexpr auto fields =
      std::tuple(loom::field("paths", &SourceOptions::paths, "files to read").required());
};
struct TestSource : loom::Source {
  static constexpr const char* name = "test_source";
  static constexpr const char* summary = "reads nothing";
  using Options = SourceOptions;
  explicit TestSource(const Options&) {}
  std::vector<std::string> shards() override { return {}; }
  std::unique_ptr<loom::ShardReader> open(std::string_view, std::uint64_t) override {
    return nullptr;
  }
};

struct FilterOptions {
  std::int64_t min_words = 50;
  double max_ratio = 0.5;
  std::string mode = "fast";
  bool lowercase = false;
  static constexpr const char* modes[] = {"fast", "exact"};
  static constexpr auto fields = std::tuple(
      loom::field("min_words", &FilterOptions::min_words, "fewest words kept").range(1, 1000),
      loom::field("max_ratio", &FilterOptions::max_ratio, "largest ratio kept").range(0, 1),
      loom::field("mode", &FilterOptions::mode, "how to count").one_of(modes),
      loom::field("lowercase", &FilterOptions::lowercase, "lowercase first"));
};
struct QualityFilter : loom::Filter {
  static constexpr const char* name = "quality_filter";
  static constexpr const char* summary = "drops short documents";
  using Options = FilterOptions;
  explicit QualityFilter(const Options&) {}
  void process(loom::Batch&) override {}
};

struct CleanerOptions {
  loom::StringMap set;
  static constexpr auto fields =
      std::tuple(loom::field("set", &CleanerOptions::set, "meta fields to set"));
};
struct MetaCleaner : loom::Cleaner {
  static constexpr const char* name = "meta_cleaner";
  static constexpr const char* summary = "sets meta fields";
  using Options = CleanerOptions;
  explicit MetaCleaner(const Options&) {}
  void process(loom::Batch&) override {}
};

struct DedupOptions {
  std::string key = "text";
  static constexpr auto fields =
      std::tuple(loom::field("key", &DedupOptions::key, "what makes documents equal"));
};
struct ExactDedup : loom::Deduper {
  static constexpr const char* name = "exact_dedup";
  static constexpr const char* summary = "drops repeats";
  using Options = DedupOptions;
  explicit ExactDedup(const Options&) {}
  void process(loom::Batch&) override {}
};

struct SinkOptions {
  std::string path;
  static constexpr auto fields =
      std::tuple(loom::field("path", &SinkOptions::path, "where to write").required());
  void validate() const {
    if (path == "reject") throw loom::Error("path must not be 'reject'", LOOM_ERR_CONFIG);
  }
};
struct TestSink : loom::Sink {
  static constexpr const char* name = "test_sink";
  static constexpr const char* summary = "writes nothing";
  using Options = SinkOptions;
  explicit TestSink(const Options&) {}
  void write(loom::Batch&, std::unique_ptr<loom::SinkToken>) override {}
};

using Descriptor =
    loom::detail::PluginDescriptor<TestSource, QualityFilter, MetaCleaner, ExactDedup, TestSink>;

inline const Descriptor& descriptor() {
  static const Descriptor d("testkit", "1.0.0", "MIT");
  return d;
}

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
    type: test_source
    with: { paths: [a.jsonl] }
cleaners:
  tag: { type: meta_cleaner, inputs: [read], with: { set: { source: c4 } } }
filters:
  quality: { type: quality_filter, inputs: [tag], with: { min_words: 10 } }
dedupers:
  exact: { type: exact_dedup, inputs: [quality] }
sinks:
  out: { type: test_sink, inputs: [exact], with: { path: out.jsonl } }
  removed: { type: test_sink, inputs: [quality.dropped], with: { path: removed.jsonl } }
)";

}  // namespace testkit
