// Every component of every first-party plugin in the build's plugin folder, created with minimal
// options and run through its whole life (loom/testing/conformance.hpp: create, an empty batch,
// one batch of a few documents, end_shard, finish, destroy). Sources read an empty file, then a
// small sample when minimal_options.hpp gives one. Built with -DLOOM_SANITIZE=ON
// (`make conformance-asan`), this runs under AddressSanitizer and UBSan.
#include "minimal_options.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

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

}  // namespace

TEST_CASE("every first-party component survives create, empty batch, one batch, finish, destroy") {
  const auto files = plugin_files();
  REQUIRE_MESSAGE(!files.empty(), "no plugins in " LOOM_PLUGIN_DIR);
  std::size_t components = 0;
  for (const std::string& file : files)
    components +=
        loom::conformance::exercise_plugin(file, loom::conformance::minimal_setups(),
                                           "add it to tests/conformance/minimal_options.hpp");
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
