// Option specs and values cross the boundary as arrays stepped through by struct_size: plugins of
// an older layout (ABI 1.1) and with longer specs load and read their values right, and arrays a
// reader cannot step through are refused (sdk/VERSIONING.md).
#include "abi_fixtures.hpp"
#include "plugin/registry.hpp"
#include "testkit_components.hpp"
#include "validate/bound_graph.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

using loom::testing::abi_fixture;
using loom::testing::all_text;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A graph around one fixture filter, validated against the fixture and the testkit's source and
// sink; `with` is the filter's options block.
struct FixtureGraph {
  loom::Registry registry;
  std::vector<loom::Diagnostic> diagnostics;
  loom::GraphSpec spec;
  loom::BoundGraph graph;

  std::string component;

  FixtureGraph(const std::string& fixture, const std::string& with)
      : component("abi_" + fixture + "_filter") {
    registry.add_plugin(&testkit::descriptor().plugin, "/plugins/libloom_testkit.so", diagnostics);
    REQUIRE(registry.load_file(abi_fixture("good", fixture), diagnostics));
    // The filter's options start on line 12.
    const std::string text =
        "version: 1\n"
        "plugins: [testkit]\n"
        "sources:\n"
        "  read: { type: fixture_source, with: { paths: [a] } }\n"
        "sinks:\n"
        "  out: { type: fixture_sink, inputs: [check], with: { path: o } }\n"
        "filters:\n"
        "  check:\n"
        "    type: " +
        component +
        "\n"
        "    inputs: [read]\n"
        "    with:\n" +
        with;
    spec = loom::load_graph_text("g.yaml", text, {}, diagnostics);
    graph = loom::validate_graph(spec, registry, diagnostics);
  }
  const loom::ComponentInfo& filter() const { return *registry.find(component); }
};

std::string stride_text(std::size_t stride) {
  const std::string s = std::to_string(stride);
  return "strides " + s + " " + s + " " + s;
}

}  // namespace

TEST_SUITE("abi") {
  TEST_CASE("a plugin of ABI 1.1 gets its option values at the 1.1 layout") {
    CHECK(loom::legacy_option_value_size < sizeof(loom_option_value));
    FixtureGraph passing("legacy_options", "      threshold: 10\n      label: short\n");
    INFO(all_text(passing.diagnostics));
    CHECK(passing.diagnostics.empty());
    CHECK(passing.filter().option_value_stride() == loom::legacy_option_value_size);

    FixtureGraph failing(
        "legacy_options",
        "      threshold: 2\n      label: abcdef\n      words: [one, two, three]\n");
    REQUIRE(failing.diagnostics.size() == 1);
    const loom::Diagnostic& d = failing.diagnostics[0];
    CHECK(contains(d.message, "label 'abcdef' is longer than threshold 2 (" +
                                  stride_text(loom::legacy_option_value_size) +
                                  "; label given: 1; words: one two three)"));
    // A 1.1 plugin's err.record meant nothing in validate(): the error points at `with:`.
    CHECK(d.mark.line == 11);
  }

  TEST_CASE("an ABI 1.1 plugin's defaults arrive at its layout too") {
    FixtureGraph g("legacy_options", "      label: abcd\n");
    REQUIRE(g.diagnostics.size() == 1);
    CHECK(contains(g.diagnostics[0].message, "label 'abcd' is longer than threshold 3 (" +
                                                 stride_text(loom::legacy_option_value_size) +
                                                 "; label given: 1; words: alpha beta)"));
  }

  TEST_CASE("option specs longer than the host's are read at their own stride") {
    FixtureGraph g("longer_options", "      label: abcdef\n      threshold: 5\n");
    REQUIRE(g.diagnostics.size() == 1);
    const loom::ComponentInfo& info = g.filter();
    CHECK(info.component->options->struct_size > sizeof(loom_option_spec));
    REQUIRE(info.options.size() == 3);
    CHECK(std::string(info.options[0].name) == "threshold");
    CHECK(std::string(info.options[0].default_value) == "3");
    CHECK(info.options[0].has_min == 1);
    CHECK(std::string(info.options[1].name) == "label");
    CHECK(info.options[1].required == 1);
    CHECK(std::string(info.options[2].name) == "words");
    CHECK(std::string(info.options[2].default_value) == "[alpha, beta]");
    // Copied to the host's layout, so every engine reader may index them.
    CHECK(info.options[2].struct_size == sizeof(loom_option_spec));

    CHECK(contains(g.diagnostics[0].message, "label 'abcdef' is longer than threshold 5 (" +
                                                 stride_text(sizeof(loom_option_value)) +
                                                 "; label given: 1; words: alpha beta)"));
    // Since ABI 1.2 err.record names the option at fault: the error points at its own line.
    CHECK(g.diagnostics[0].mark.line == 12);
    CHECK(g.diagnostics[0].mark.column == 7);
  }

  TEST_CASE("a plugin steps through values larger than its own struct (a newer host)") {
    loom::Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    REQUIRE(registry.load_file(abi_fixture("good", "longer_options"), diagnostics));
    const loom::ComponentInfo* info = registry.find("abi_longer_options_filter");
    REQUIRE(info != nullptr);

    struct FutureValue {
      loom_option_value value;
      std::uint64_t future_fields[3];
    };
    const loom_str words[] = {{"x", 1}, {"yz", 2}};
    FutureValue values[3]{};
    for (FutureValue& v : values) {
      v.value.struct_size = sizeof(FutureValue);
      std::memset(v.future_fields, 0xAB, sizeof v.future_fields);
    }
    values[0].value.i = 1;
    values[1].value.s = loom_str{"long label", 10};
    values[1].value.present = 1;
    values[2].value.items = words;
    values[2].value.count = 2;
    loom_error err{};
    err.struct_size = sizeof err;
    err.record = -1;
    REQUIRE(info->component->validate(&values[0].value, 3, &err) != 0);
    const std::string s = std::to_string(sizeof(FutureValue));
    CHECK(std::string(err.message) == "label 'long label' is longer than threshold 1 (strides " +
                                          s + " " + s + " " + s + "; label given: 1; words: x yz)");
    CHECK(err.record == 1);
  }

  TEST_CASE("option specs shorter than ABI 1.0's are refused without reading them") {
    loom::Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    CHECK_FALSE(registry.load_file(abi_fixture("bad", "shorter_options"), diagnostics));
    REQUIRE(diagnostics.size() == 1);
    const std::string text = all_text(diagnostics);
    CHECK(contains(text, "libloom_abi_shorter_options.so"));
    CHECK(contains(text, "component 'abi_shorter_options_filter': option #1 has a descriptor of " +
                             std::to_string(offsetof(loom_option_spec, enum_values)) +
                             " bytes, smaller than the " +
                             std::to_string(sizeof(loom_option_spec)) + " bytes"));
    CHECK(registry.plugins().empty());
  }

  TEST_CASE("option specs of two sizes in one array are refused") {
    loom::Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    CHECK_FALSE(registry.load_file(abi_fixture("bad", "mixed_options"), diagnostics));
    REQUIRE(diagnostics.size() == 1);
    const std::string size = std::to_string(sizeof(loom_option_spec));
    const std::string larger = std::to_string(sizeof(loom_option_spec) + 8);
    CHECK(contains(diagnostics[0].message, "option #3 has a descriptor of " + larger +
                                               " bytes, but option #1 has " + size));
    CHECK(registry.find("abi_mixed_options_filter") == nullptr);
  }

  TEST_CASE("a list-of-numbers option needs ABI 1.2") {
    static loom_option_spec spec{};
    spec.struct_size = sizeof spec;
    spec.type = LOOM_OPTION_INT_LIST;
    spec.name = "sizes";
    spec.default_value = "[1]";
    static loom_component component{};
    component.struct_size = sizeof component;
    component.kind = LOOM_KIND_FILTER;
    component.name = "int_list_filter";
    component.options = &spec;
    component.option_count = 1;
    component.create = [](const loom_host*, const loom_option_value*, std::size_t, void**,
                          loom_error*) { return 0; };
    component.destroy = [](void*) {};
    component.process = [](void*, loom_batch*, loom_error*) { return 0; };
    static const loom_component* const components[] = {&component};
    static loom_plugin plugin{};
    plugin.struct_size = sizeof plugin;
    plugin.abi_major = 1;
    plugin.name = "lists";
    plugin.version = "1";
    plugin.license = "MIT";
    plugin.components = components;
    plugin.component_count = 1;

    for (std::uint32_t minor : {1u, 2u}) {
      CAPTURE(minor);
      plugin.abi_minor = minor;
      loom::Registry registry;
      std::vector<loom::Diagnostic> diagnostics;
      const bool loaded = registry.add_plugin(&plugin, "/p/libloom_lists.so", diagnostics);
      CHECK(loaded == (minor >= 2));
      if (!loaded)
        CHECK(contains(all_text(diagnostics),
                       "option 'sizes' has type 8, which needs Loom ABI "
                       "1.2, but the plugin was built for ABI 1.1"));
    }
  }
}
