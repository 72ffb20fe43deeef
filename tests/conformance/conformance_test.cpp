// Every component of every first-party plugin in the build's plugin folder, created with minimal
// options and run through its whole life: create, an empty batch, one batch of a few documents,
// finish, destroy. Sources read an empty file, then a small sample when minimal_options.hpp gives
// one. Built with -DLOOM_SANITIZE=ON (`make conformance-asan`), this runs under AddressSanitizer
// and UBSan.
#include "minimal_options.hpp"

#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::OptionMap;

namespace {

std::vector<std::string> plugin_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(LOOM_PLUGIN_DIR)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("libloom_") && name.ends_with(".so")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at))
    text.replace(at, from.size(), to), at += to.size();
  return text;
}

std::vector<Document> a_few_documents(const loom::testing::Meta& extra_meta = {}) {
  std::vector<Document> docs(3);
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

// Required options with no value in the table, by name.
std::vector<std::string> missing_required(const loom_component& c, const OptionMap& given) {
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

void run_source(const loom_component& c, const OptionMap& options) {
  Instance source(c, options);
  refusing_is_fine(c, [&] {
    std::uint64_t index = 0;
    for (const std::string& shard : source.shards()) {
      INFO("shard " << shard);
      for (const auto& batch : source.read_shard(shard, index++, 1 << 16))
        for (const Document& doc : batch) CHECK_FALSE(doc.dropped);
    }
  });
  source.finish();
}

void run_transform(const loom_component& c, const OptionMap& options,
                   const loom::testing::Meta& sample_meta) {
  Instance transform(c, options);
  // process_all: observe() first for components that see their whole input, as the engine does.
  CHECK(transform.process_all({std::vector<Document>{}}).at(0).empty());
  refusing_is_fine(c, [&] {
    const std::vector<Document> out = transform.process_all({a_few_documents(sample_meta)}).at(0);
    CHECK(out.size() == 3);  // documents are marked dropped, never removed by the component
    for (const Document& doc : out)
      if (doc.dropped) CHECK_FALSE(doc.drop_reason.empty());
  });
  transform.finish();
}

void run_sink(const loom_component& c, const OptionMap& options) {
  Instance sink(c, options);
  sink.write(loom::testing::BatchInput{"empty.jsonl", 0, {}});
  refusing_is_fine(c, [&] {
    sink.write(loom::testing::BatchInput{"sample.jsonl", 1, a_few_documents()});
  });
  sink.finish();
}

void exercise(const loom_component& c) {
  const auto& setups = loom::conformance::minimal_setups();
  const auto found = setups.find(c.name);
  const loom::conformance::MinimalSetup setup =
      found != setups.end() ? found->second : loom::conformance::MinimalSetup{};
  if (!setup.skip_reason.empty()) {
    MESSAGE("not run: " << std::string(c.name) << ": " << setup.skip_reason);
    return;
  }
  const auto missing = missing_required(c, setup.options);
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    FAIL_CHECK("component '" << std::string(c.name) << "' has required options (" << names
                             << ") with no minimal value: add it to "
                                "tests/conformance/minimal_options.hpp");
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
    OptionMap options;
    for (const auto& [name, value] : setup.options)
      options.emplace_back(
          name, replace_all(replace_all(replace_all(value, "{tmp}", tmp / ""), "{empty}", empty),
                            "{input}", input));
    INFO("component " << std::string(c.name) << " with input " << input);
    try {
      switch (c.kind) {
        case LOOM_KIND_SOURCE: run_source(c, options); break;
        case LOOM_KIND_SINK: run_sink(c, options); break;
        default: run_transform(c, options, setup.sample_meta); break;
      }
    } catch (const std::exception& e) {
      FAIL_CHECK("component '" << std::string(c.name) << "' failed: " << std::string(e.what()));
    }
    if (c.kind != LOOM_KIND_SOURCE) break;  // the input file only matters to sources
  }
}

}  // namespace

TEST_CASE("every first-party component survives create, empty batch, one batch, finish, destroy") {
  const auto files = plugin_files();
  REQUIRE_MESSAGE(!files.empty(), "no plugins in " LOOM_PLUGIN_DIR);
  std::size_t components = 0;
  for (const std::string& file : files) {
    INFO("plugin " << file);
    const auto plugin = loom::testing::Plugin::load(file);
    const loom_plugin& descriptor = plugin.descriptor();
    for (std::size_t i = 0; i < descriptor.component_count; ++i) {
      exercise(*descriptor.components[i]);
      ++components;
    }
  }
  MESSAGE(components << " components in " << files.size() << " plugins");
}

TEST_CASE("the minimal options table names only components that exist") {
  std::vector<std::string> names;
  for (const std::string& file : plugin_files()) {
    const loom_plugin& d = loom::testing::Plugin::load(file).descriptor();
    for (std::size_t i = 0; i < d.component_count; ++i) names.push_back(d.components[i]->name);
  }
  for (const auto& [name, setup] : loom::conformance::minimal_setups())
    CHECK_MESSAGE(
        std::find(names.begin(), names.end(), name) != names.end(),
        "tests/conformance/minimal_options.hpp lists '" << name << "', which no plugin has");
}
