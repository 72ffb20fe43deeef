// The loader's side of plugins: where it looks, what file a name maps to, and which copy wins.
#include "../../abi/abi_fixtures.hpp"
#include "plugin/registry.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using loom::testing::abi_fixture;
using loom::testing::abi_fixture_folder;
using loom::testing::all_text;

namespace {

// A fresh folder under the build tree, removed when the test ends.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(fs::path(LOOM_BINARY_DIR) / "tests" / "plugin_loader_scratch" / name) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  std::string sub(const std::string& name) const {
    fs::create_directories(path_ / name);
    return fs::canonical(path_ / name).string();
  }
  std::string missing(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// Sets an environment variable for one test and restores it afterwards.
class EnvVar {
 public:
  EnvVar(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    ::setenv(name, value.c_str(), 1);
  }
  ~EnvVar() { had_ ? ::setenv(name_, old_.c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

void copy_to(const std::string& from, const std::string& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

}  // namespace

TEST_SUITE("plugin_loader") {
  TEST_CASE("a plugin's file name comes from its name") {
    CHECK(loom::plugin_file_name("io") == "libloom_io.so");
    CHECK(loom::plugin_file_name("redpajama") == "libloom_redpajama.so");
  }

  TEST_CASE("search path: --plugin-path, then LOOM_PLUGIN_PATH, de-duplicated, missing skipped") {
    ScratchDir scratch("search_path");
    const std::string a = scratch.sub("a"), b = scratch.sub("b"), c = scratch.sub("c");
    EnvVar env("LOOM_PLUGIN_PATH", b + "::" + scratch.missing("gone") + ":" + a + ":");

    const std::vector<std::string> path =
        loom::plugin_search_path({a, scratch.missing("nowhere"), c, a + "/../a"});
    REQUIRE(path.size() >= 3);
    CHECK(path[0] == a);
    CHECK(path[1] == c);
    CHECK(path[2] == b);
    CHECK(std::set<std::string>(path.begin(), path.end()).size() == path.size());
    for (const std::string& dir : path) CHECK(fs::is_directory(dir));
  }

  TEST_CASE("search path ends with the plugins folder of the build tree the binary runs from") {
    // The test binary lives in <build>/bin like loom, so <build>/plugins is its last resort.
    EnvVar env("LOOM_PLUGIN_PATH", "");
    fs::create_directories(LOOM_PLUGIN_DIR);
    const std::vector<std::string> path = loom::plugin_search_path({});
    REQUIRE_FALSE(path.empty());
    CHECK(path.back() == fs::canonical(LOOM_PLUGIN_DIR).string());
  }

  TEST_CASE("load_named finds the library in the first folder that has it") {
    ScratchDir scratch("load_named");
    const std::string first = scratch.sub("first"), second = scratch.sub("second");
    copy_to(abi_fixture("good", "current"), second + "/libloom_abi_current.so");

    loom::Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    CHECK(registry.load_named("abi_current", {first, second}, diagnostics));
    CHECK(diagnostics.empty());
    REQUIRE(registry.find("abi_current_filter") != nullptr);
    CHECK(registry.find("abi_current_filter")->plugin->file == second + "/libloom_abi_current.so");
  }

  TEST_CASE("a plugin not found: error at the graph's mark, folders searched, did you mean") {
    ScratchDir scratch("not_found");
    const std::string dir = scratch.sub("plugins"), empty = scratch.sub("empty");
    copy_to(abi_fixture("good", "current"), dir + "/libloom_abi_current.so");

    loom::Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    CHECK_FALSE(registry.load_named("abi_curent", {empty, dir}, diagnostics, "g.yaml", {2, 10}));
    REQUIRE(diagnostics.size() == 1);
    const loom::Diagnostic& d = diagnostics[0];
    CHECK(d.severity == loom::Severity::error);
    CHECK(d.file == "g.yaml");
    CHECK(d.mark.line == 2);
    CHECK(d.mark.column == 10);
    CHECK(d.message.find("'abi_curent'") != std::string::npos);
    CHECK(d.message.find("libloom_abi_curent.so") != std::string::npos);
    const std::string text = all_text(diagnostics);
    CHECK(text.find("did you mean 'abi_current'?") != std::string::npos);
    CHECK(text.find(empty + ", " + dir) != std::string::npos);
    CHECK(text.find("--plugin-path") != std::string::npos);
    CHECK(text.find("LOOM_PLUGIN_PATH") != std::string::npos);
    CHECK(registry.plugins().empty());
  }

  TEST_CASE("a plugin not found with nothing close: no did-you-mean") {
    ScratchDir scratch("not_found_far");
    const std::string dir = scratch.sub("plugins");
    copy_to(abi_fixture("good", "current"), dir + "/libloom_abi_current.so");
    loom::Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    CHECK_FALSE(registry.load_named("redpajama", {dir}, diagnostics));
    REQUIRE(diagnostics.size() == 1);
    CHECK(all_text(diagnostics).find("did you mean") == std::string::npos);
  }

  TEST_CASE("load_all loads every libloom_*.so and the first folder wins for a file name") {
    ScratchDir scratch("load_all");
    const std::string a = scratch.sub("a"), b = scratch.sub("b");
    // Same file name in both folders, providing the same component: only a's copy may load,
    // otherwise the registry would report a duplicate component.
    copy_to(abi_fixture("good", "duplicate_a"), a + "/libloom_dup.so");
    copy_to(abi_fixture("bad", "duplicate_b"), b + "/libloom_dup.so");
    copy_to(abi_fixture("good", "current"), b + "/libloom_abi_current.so");
    // Not plugin files by name: never opened.
    copy_to(abi_fixture("bad", "newer_major"), b + "/libother.so");
    copy_to(abi_fixture("bad", "newer_major"), b + "/libloom_newer.so.1");
    std::ofstream(a + "/libloom_.so") << "not a library";

    loom::Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    registry.load_all({a, b}, diagnostics);
    CHECK(diagnostics.empty());
    CHECK(registry.plugins().size() == 2);
    REQUIRE(registry.find("abi_duplicate_filter") != nullptr);
    CHECK(registry.find("abi_duplicate_filter")->plugin->file == a + "/libloom_dup.so");
    CHECK(registry.find("abi_current_filter") != nullptr);
  }

  TEST_CASE("load_all reports a broken plugin and still loads the others") {
    ScratchDir scratch("load_all_broken");
    const std::string dir = scratch.sub("plugins");
    copy_to(abi_fixture("bad", "newer_major"), dir + "/libloom_a_newer.so");
    copy_to(abi_fixture("good", "current"), dir + "/libloom_b_current.so");
    loom::Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    registry.load_all({dir}, diagnostics);
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].message.find("libloom_a_newer.so") != std::string::npos);
    CHECK(registry.find("abi_current_filter") != nullptr);
  }
}
