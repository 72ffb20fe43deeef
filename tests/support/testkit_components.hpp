// The "testkit" fixture components: one of each kind and options of every type, so each class of
// configuration error has something to trip over. Two kinds of test use them: the engine's config
// unit tests register testkit::descriptor() in-process (no shared library needed), and the golden
// diagnostics tests load the same components from a fixture plugin (tests/diagnostics).
#pragma once

#include <loom/plugin.hpp>

namespace testkit {

struct SourceOptions {
  loom::StringList paths;
  static constexpr auto fields =
      std::tuple(loom::field("paths", &SourceOptions::paths, "files or globs to read").required());
};

class FixtureSource : public loom::Source {
 public:
  static constexpr const char* name = "fixture_source";
  static constexpr const char* summary = "reads nothing (testkit fixture)";
  using Options = SourceOptions;
  explicit FixtureSource(const Options&) {}
  std::vector<std::string> shards() override { return {}; }
  std::unique_ptr<loom::ShardReader> open(std::string_view, std::uint64_t) override {
    return nullptr;
  }
};

struct WordFilterOptions {
  std::int64_t min_words = 50;
  std::int64_t max_words = 100000;
  double max_symbol_ratio = 0.1;
  std::string mode = "fast";
  bool lowercase = false;
  static constexpr const char* modes[] = {"fast", "exact"};
  static constexpr auto fields = std::tuple(
      loom::field("min_words", &WordFilterOptions::min_words, "fewest words a kept document has")
          .range(1, 1000),
      loom::field("max_words", &WordFilterOptions::max_words, "most words a kept document has")
          .min(1),
      loom::field("max_symbol_ratio", &WordFilterOptions::max_symbol_ratio,
                  "largest share of symbol characters")
          .range(0, 1),
      loom::field("mode", &WordFilterOptions::mode, "how words are counted").one_of(modes),
      loom::field("lowercase", &WordFilterOptions::lowercase, "lowercase before counting"));
};

class WordFilter : public loom::Filter {
 public:
  static constexpr const char* name = "word_filter";
  static constexpr const char* summary = "drops documents by word count (testkit fixture)";
  using Options = WordFilterOptions;
  explicit WordFilter(const Options&) {}
  void process(loom::Batch&) override {}
};

struct TagOptions {
  loom::StringMap set;
  loom::StringList remove;
  static constexpr auto fields =
      std::tuple(loom::field("set", &TagOptions::set, "meta fields to set, in order"),
                 loom::field("remove", &TagOptions::remove, "meta fields to remove"));
};

class TagCleaner : public loom::Cleaner {
 public:
  static constexpr const char* name = "tag_cleaner";
  static constexpr const char* summary = "edits meta fields (testkit fixture)";
  using Options = TagOptions;
  explicit TagCleaner(const Options&) {}
  void process(loom::Batch&) override {}
};

struct ShingleOptions {
  loom::IntList sizes = {5, 9};
  loom::FloatList weights;
  static constexpr auto fields = std::tuple(
      loom::field("sizes", &ShingleOptions::sizes, "shingle sizes").range(1, 64),
      loom::field("weights", &ShingleOptions::weights, "one weight per size").range(0, 1));
  void validate() const {
    if (!weights.empty() && weights.size() != sizes.size())
      throw loom::option_error(&ShingleOptions::weights,
                               std::to_string(weights.size()) + " weights for " +
                                   std::to_string(sizes.size()) + " sizes");
  }
};

class ShingleCleaner : public loom::Cleaner {
 public:
  static constexpr const char* name = "shingle_cleaner";
  static constexpr const char* summary = "numbers lists of shingle sizes (testkit fixture)";
  using Options = ShingleOptions;
  explicit ShingleCleaner(const Options&) {}
  void process(loom::Batch&) override {}
};

struct DedupOptions {
  std::string key = "text";
  static constexpr auto fields =
      std::tuple(loom::field("key", &DedupOptions::key, "text, or the meta field to compare"));
};

class KeyDedup : public loom::Deduper {
 public:
  static constexpr const char* name = "key_dedup";
  static constexpr const char* summary = "drops repeated keys (testkit fixture)";
  using Options = DedupOptions;
  explicit KeyDedup(const Options&) {}
  void process(loom::Batch&) override {}
};

struct SinkOptions {
  std::string path;
  std::int64_t max_file_bytes = 0;
  static constexpr auto fields = std::tuple(
      loom::field("path", &SinkOptions::path, "output path template").required(),
      loom::field("max_file_bytes", &SinkOptions::max_file_bytes, "start a new file past this")
          .min(0));
  // A cross-field rule only the plugin knows.
  void validate() const {
    if (max_file_bytes > 0 && path.find("{part}") == std::string::npos)
      throw loom::Error("max_file_bytes splits the output, so 'path' must contain {part}",
                        LOOM_ERR_CONFIG);
  }
};

class FixtureSink : public loom::Sink {
 public:
  static constexpr const char* name = "fixture_sink";
  static constexpr const char* summary = "writes nothing (testkit fixture)";
  using Options = SinkOptions;
  explicit FixtureSink(const Options&) {}
  void write(loom::Batch&, std::unique_ptr<loom::SinkToken>) override {}
};

using Descriptor = loom::detail::PluginDescriptor<FixtureSource, WordFilter, TagCleaner, KeyDedup,
                                                  FixtureSink, ShingleCleaner>;

inline const Descriptor& descriptor() {
  static const Descriptor d("testkit", "1.0.0", "Apache-2.0");
  return d;
}

}  // namespace testkit
