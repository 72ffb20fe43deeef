// loom/testing/conformance.hpp: the conformance test's checks, for any plugin. Each component is
// created with minimal options and run through its whole life on the harness host: create, an
// empty batch, a batch of a few documents (empty text, Unicode, meta of every type), end_shard
// for sinks, finish, destroy; sources read an empty file, then a small sample when one is given.
// A component may refuse the sample input, but only with a clear input error.
//
// Loom's own conformance test (tests/conformance) and the one loom_add_conformance_test() builds
// for a third-party plugin (built with ASan and UBSan) both use it. Needs doctest.
#pragma once

#include <doctest/doctest.h>
#include <loom/testing/harness.hpp>

#include <algorithm>
#include <exception>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace loom::conformance {

struct MinimalSetup {
  // Values of the component's required options (and of any whose default needs external data).
  // In values, {tmp} is a fresh empty folder, {empty} an empty file in it (named .jsonl) and
  // {input} the file the source reads.
  loom::testing::OptionMap options;
  // Sources: bytes of a small input file the source can read ({input} in options), in addition
  // to the run over an empty file. Empty: the source is only run on {empty}.
  std::string sample_input;
  std::string sample_name = "sample.jsonl";  // may name a subfolder of {tmp}
  // Transforms: meta fields added to every sample document, for components that need fields an
  // earlier stage sets (so the run reaches their processing instead of a refusal).
  loom::testing::Meta sample_meta;
  // When not empty, the component is listed but not run, and the reason is printed.
  std::string skip_reason;
};

namespace detail {

inline std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

inline std::vector<loom::testing::Document> a_few_documents(
    const loom::testing::Meta& extra_meta = {}) {
  std::vector<loom::testing::Document> docs(3);
  docs[0].text = "A first document, in plain English, long enough to look like prose.";
  docs[0].meta = {{"url", "https://example.com/1"}, {"id", std::int64_t{1}}};
  docs[1].text = "";
  docs[2].text =
      "Un troisi\xc3\xa8me document \xe2\x80\x94 avec de l'Unicode \xf0\x9f\x98\x80.\n"
      "def f(x):\n    return x\n";
  docs[2].meta = {
      {"score", 0.5}, {"flag", true}, {"nested", loom::testing::MetaValue::json("{\"a\":[1,2]}")}};
  for (std::size_t i = 0; i < docs.size(); ++i) {
    docs[i].record = i;
    docs[i].meta.insert(docs[i].meta.end(), extra_meta.begin(), extra_meta.end());
  }
  return docs;
}

// Required options with no value in `given`, by name.
inline std::vector<std::string> missing_required(const loom_component& c,
                                                 const loom::testing::OptionMap& given) {
  std::vector<std::string> missing;
  for (std::size_t i = 0; i < c.option_count; ++i) {
    const loom_option_spec& spec = *loom_option_spec_at(c.options, i);
    if (spec.required == 0) continue;
    const bool set = std::any_of(given.begin(), given.end(),
                                 [&](const auto& entry) { return entry.first == spec.name; });
    if (!set) missing.push_back(spec.name);
  }
  return missing;
}

// Sample input a component cannot use (a generic document lacking the meta fields it needs, an
// empty file that is not a valid archive) may be refused, but only with a clear input error;
// the component must still finish and be destroyed cleanly afterwards.
template <class F>
void refusing_is_fine(const loom_component& c, F&& run) {
  try {
    run();
  } catch (const loom::Error& e) {
    if (e.code() != LOOM_ERR_INVALID_INPUT || std::string(e.what()).empty()) throw;
    MESSAGE(std::string(c.name) << " refused the sample input: " << std::string(e.what()));
  }
}

inline void run_source(const loom_component& c, const loom::testing::OptionMap& options) {
  loom::testing::Instance source(c, options);
  refusing_is_fine(c, [&] {
    std::uint64_t index = 0;
    for (const std::string& shard : source.shards()) {
      INFO("shard " << shard);
      for (const auto& batch : source.read_shard(shard, index++, 1 << 16))
        for (const loom::testing::Document& doc : batch) CHECK_FALSE(doc.dropped);
    }
  });
  source.finish();
}

inline void run_transform(const loom_component& c, const loom::testing::OptionMap& options,
                          const loom::testing::Meta& sample_meta) {
  loom::testing::Instance transform(c, options);
  // process_all: observe() first for components that see their whole input, as the engine does.
  CHECK(transform.process_all({std::vector<loom::testing::Document>{}}).at(0).empty());
  refusing_is_fine(c, [&] {
    const auto out = transform.process_all({a_few_documents(sample_meta)}).at(0);
    CHECK(out.size() == 3);  // documents are marked dropped, never removed by the component
    for (const loom::testing::Document& doc : out)
      if (doc.dropped) CHECK_FALSE(doc.drop_reason.empty());
  });
  transform.finish();
}

inline void run_sink(const loom_component& c, const loom::testing::OptionMap& options) {
  loom::testing::Instance sink(c, options);
  sink.write(loom::testing::BatchInput{"empty.jsonl", 0, {}});
  sink.end_shard(0);
  refusing_is_fine(c, [&] {
    sink.write(loom::testing::BatchInput{"sample.jsonl", 1, a_few_documents()});
    sink.end_shard(1);
  });
  sink.finish();
}

}  // namespace detail

// Runs component `c` through its whole life with `setup`; failures are doctest checks. A
// required option `setup` lacks fails, with `how_to_add` saying where minimal values go.
inline void exercise(const loom_component& c, const MinimalSetup& setup,
                     std::string_view how_to_add) {
  if (!setup.skip_reason.empty()) {
    MESSAGE("not run: " << std::string(c.name) << ": " << setup.skip_reason);
    return;
  }
  const auto missing = detail::missing_required(c, setup.options);
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    FAIL_CHECK("component '" << std::string(c.name) << "' has required options (" << names
                             << ") with no minimal value: " << std::string(how_to_add));
    return;
  }
  loom::testing::TempDir tmp;
  const std::string empty = tmp / "empty.jsonl";
  loom::testing::write_file(empty, "");
  std::vector<std::string> inputs{empty};
  if (!setup.sample_input.empty()) {
    inputs.push_back(tmp / setup.sample_name);
    loom::testing::write_file(inputs.back(), setup.sample_input);
  }
  for (const std::string& input : inputs) {
    loom::testing::OptionMap options;
    for (const auto& [name, value] : setup.options)
      options.emplace_back(
          name,
          detail::replace_all(
              detail::replace_all(detail::replace_all(value, "{tmp}", tmp / ""), "{empty}", empty),
              "{input}", input));
    INFO("component " << std::string(c.name) << " with input " << input);
    try {
      switch (c.kind) {
        case LOOM_KIND_SOURCE: detail::run_source(c, options); break;
        case LOOM_KIND_SINK: detail::run_sink(c, options); break;
        default: detail::run_transform(c, options, setup.sample_meta); break;
      }
    } catch (const std::exception& e) {
      FAIL_CHECK("component '" << std::string(c.name) << "' failed: " << std::string(e.what()));
    }
    if (c.kind != LOOM_KIND_SOURCE) break;  // the input file only matters to sources
  }
}

// Every component of the plugin file at `path`, each with its entry of `setups` (none: no
// options); returns how many components it ran.
inline std::size_t exercise_plugin(const std::string& path,
                                   const std::map<std::string, MinimalSetup>& setups,
                                   std::string_view how_to_add) {
  INFO("plugin " << path);
  const auto plugin = loom::testing::Plugin::load(path);
  const loom_plugin& descriptor = plugin.descriptor();
  for (std::size_t i = 0; i < descriptor.component_count; ++i) {
    const loom_component& c = *descriptor.components[i];
    const auto found = setups.find(c.name);
    exercise(c, found != setups.end() ? found->second : MinimalSetup{}, how_to_add);
  }
  return descriptor.component_count;
}

}  // namespace loom::conformance
