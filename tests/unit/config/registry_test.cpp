#include "testkit.hpp"

#include <doctest/doctest.h>

namespace {

struct Registered {
  loom::Registry registry;
  std::vector<loom::Diagnostic> diagnostics;
};

// A copy of the testkit descriptor whose fields a test may break.
struct Mutable {
  std::vector<loom_component> components;
  std::vector<const loom_component*> pointers;
  loom_plugin plugin;
  Mutable() : plugin(testkit::descriptor().plugin) {
    for (std::size_t i = 0; i < plugin.component_count; ++i)
      components.push_back(*plugin.components[i]);
    for (auto& c : components) pointers.push_back(&c);
    plugin.components = pointers.data();
  }
};

}  // namespace

TEST_CASE("a plugin registers its components with their kinds and flags") {
  Registered r;
  REQUIRE(
      r.registry.add_plugin(&testkit::descriptor().plugin, testkit::plugin_file, r.diagnostics));
  CHECK(r.diagnostics.empty());
  CHECK(r.registry.component_names() ==
        std::vector<std::string>{"fixture_source", "word_filter", "tag_cleaner", "key_dedup",
                                 "fixture_sink", "shingle_cleaner"});
  const auto* dedup = r.registry.find("key_dedup");
  REQUIRE(dedup != nullptr);
  CHECK(dedup->kind == loom::NodeKind::deduper);
  CHECK(dedup->order_sensitive());
  CHECK_FALSE(dedup->thread_safe());
  CHECK(dedup->plugin->name == "testkit");
  CHECK(dedup->plugin->file == testkit::plugin_file);
  CHECK(r.registry.find("word_filter")->thread_safe());
  CHECK(r.registry.find("nothing") == nullptr);
  // The same library again is not an error and adds nothing.
  CHECK(r.registry.add_plugin(&testkit::descriptor().plugin, testkit::plugin_file, r.diagnostics));
  CHECK(r.registry.components().size() == 6);
}

TEST_CASE("node_kind_from_c") {
  loom::NodeKind kind{};
  CHECK(loom::node_kind_from_c(LOOM_KIND_FILTER, kind));
  CHECK(kind == loom::NodeKind::filter);
  CHECK(loom::node_kind_from_c(LOOM_KIND_SINK, kind));
  CHECK(kind == loom::NodeKind::sink);
  CHECK_FALSE(loom::node_kind_from_c(0, kind));
  CHECK_FALSE(loom::node_kind_from_c(6, kind));
}

TEST_CASE("the ABI check: same major, plugin minor not newer than the host's") {
  Mutable m;
  SUBCASE("an older minor loads") {
    Registered r;
    r.registry.set_host_abi(LOOM_ABI_MAJOR, LOOM_ABI_MINOR + 1);
    CHECK(r.registry.add_plugin(&m.plugin, "/p/libloom_testkit.so", r.diagnostics));
  }
  SUBCASE("a newer minor is refused, naming both versions") {
    Registered r;
    m.plugin.abi_minor = LOOM_ABI_MINOR + 1;
    CHECK_FALSE(r.registry.add_plugin(&m.plugin, "/p/libloom_testkit.so", r.diagnostics, "g.yaml",
                                      {2, 11}));
    REQUIRE(r.diagnostics.size() == 1);
    const auto& d = r.diagnostics[0];
    CHECK(d.message == "plugin 'testkit' (/p/libloom_testkit.so) was built for Loom ABI " +
                           std::to_string(LOOM_ABI_MAJOR) + "." +
                           std::to_string(LOOM_ABI_MINOR + 1) + ", but this loom implements ABI " +
                           std::to_string(LOOM_ABI_MAJOR) + "." + std::to_string(LOOM_ABI_MINOR));
    CHECK(d.file == "g.yaml");
    CHECK(d.mark.line == 2);
    CHECK(r.registry.components().empty());
    CHECK(r.registry.plugins().empty());
  }
  SUBCASE("another major is refused") {
    Registered r;
    m.plugin.abi_major = LOOM_ABI_MAJOR + 1;
    m.plugin.abi_minor = 0;
    CHECK_FALSE(r.registry.add_plugin(&m.plugin, "/p/x.so", r.diagnostics));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message.find("was built for Loom ABI " +
                                        std::to_string(LOOM_ABI_MAJOR + 1) + ".0") !=
          std::string::npos);
  }
}

TEST_CASE("a component name provided by two plugins is an error naming both files") {
  Registered r;
  REQUIRE(
      r.registry.add_plugin(&testkit::descriptor().plugin, "/a/libloom_testkit.so", r.diagnostics));
  Mutable other;
  other.plugin.name = "other";
  other.plugin.component_count = 1;  // just fixture_source
  CHECK_FALSE(r.registry.add_plugin(&other.plugin, "/b/libloom_other.so", r.diagnostics));
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].message ==
        "component 'fixture_source' is provided by two plugins: /a/libloom_testkit.so and "
        "/b/libloom_other.so");
  CHECK(r.registry.plugins().size() == 1);
}

TEST_CASE("malformed descriptors are refused with a reason, registering nothing") {
  Mutable m;
  Registered r;
  SUBCASE("too small") {
    m.plugin.struct_size = 8;
    CHECK_FALSE(r.registry.add_plugin(&m.plugin, "/p/x.so", r.diagnostics));
    CHECK(r.diagnostics.at(0).message.find("smaller than") != std::string::npos);
  }
  SUBCASE("no create function") {
    m.components[2].create = nullptr;
    CHECK_FALSE(r.registry.add_plugin(&m.plugin, "/p/x.so", r.diagnostics));
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message ==
          "plugin 'testkit' (/p/x.so): component 'tag_cleaner' has no create function");
  }
  SUBCASE("unknown kind") {
    m.components[0].kind = 42;
    CHECK_FALSE(r.registry.add_plugin(&m.plugin, "/p/x.so", r.diagnostics));
    CHECK(r.diagnostics.at(0).message.find("unknown kind 42") != std::string::npos);
  }
  SUBCASE("no name") {
    m.components[1].name = nullptr;
    CHECK_FALSE(r.registry.add_plugin(&m.plugin, "/p/x.so", r.diagnostics));
    CHECK(r.diagnostics.at(0).message == "plugin 'testkit' (/p/x.so): component #2 has no name");
  }
  SUBCASE("a filter without process") {
    m.components[1].process = nullptr;
    CHECK_FALSE(r.registry.add_plugin(&m.plugin, "/p/x.so", r.diagnostics));
    CHECK(r.diagnostics.at(0).message.find("is a filter but has no process function") !=
          std::string::npos);
  }
  SUBCASE("a component struct too small for the fields the host reads") {
    m.components[4].struct_size = 16;
    CHECK_FALSE(r.registry.add_plugin(&m.plugin, "/p/x.so", r.diagnostics));
    CHECK(r.diagnostics.at(0).message.find("component #5 has a descriptor of 16 bytes") !=
          std::string::npos);
  }
  CHECK(r.registry.components().empty());
}
