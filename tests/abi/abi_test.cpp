// The plugin boundary as a plugin author sees it: which builds load, which are refused and with
// what message, and how a failing component reports through the C ABI.
#include "abi_fixtures.hpp"
#include "fake_batch.hpp"
#include "plugin/registry.hpp"

#include <doctest/doctest.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

using loom::Registry;
using loom::testing::abi_fixture;
using loom::testing::all_text;

namespace {

std::string version(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string file_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_SUITE("abi") {
  TEST_CASE("a plugin built for the host's ABI loads with its components") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    const std::string path = abi_fixture("good", "current");
    REQUIRE(registry.load_file(path, diagnostics));
    CHECK(diagnostics.empty());

    const loom::ComponentInfo* component = registry.find("abi_current_filter");
    REQUIRE(component != nullptr);
    CHECK(component->kind == loom::NodeKind::filter);
    CHECK(component->thread_safe());
    CHECK_FALSE(component->order_sensitive());
    CHECK(component->has(&loom_component::discard));
    REQUIRE(component->plugin != nullptr);
    CHECK(component->plugin->name == "abi_current");
    CHECK(component->plugin->version == "0.0.7");
    CHECK(component->plugin->license == "MIT");
    CHECK(file_name(component->plugin->file) == "libloom_abi_current.so");
    CHECK(component->plugin->file.front() == '/');
  }

  TEST_CASE("loading the same file twice is a no-op") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    const std::string path = abi_fixture("good", "current");
    REQUIRE(registry.load_file(path, diagnostics));
    CHECK(registry.load_file(path, diagnostics));
    // Through another spelling of the same path, too.
    CHECK(registry.load_file(
        std::string(LOOM_ABI_FIXTURE_DIR) + "/bad/../good/libloom_abi_current.so", diagnostics));
    CHECK(diagnostics.empty());
    CHECK(registry.plugins().size() == 1);
    CHECK(registry.components().size() == 1);
  }

  TEST_CASE("a plugin built for a newer minor is refused, naming both versions and the file") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    const std::string path = abi_fixture("bad", "newer_minor");
    CHECK_FALSE(registry.load_file(path, diagnostics, "graph.yaml", {3, 11}));
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].severity == loom::Severity::error);
    CHECK(diagnostics[0].file == "graph.yaml");
    CHECK(diagnostics[0].mark.line == 3);
    CHECK(diagnostics[0].mark.column == 11);
    const std::string text = all_text(diagnostics);
    CHECK(contains(text, version(LOOM_ABI_MAJOR, LOOM_ABI_MINOR + 1)));
    CHECK(contains(text, version(LOOM_ABI_MAJOR, LOOM_ABI_MINOR)));
    CHECK(contains(diagnostics[0].message, "libloom_abi_newer_minor.so"));
    CHECK(registry.find("abi_newer_minor_filter") == nullptr);
  }

  TEST_CASE("a plugin built for another major is refused, naming both versions and the file") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    CHECK_FALSE(registry.load_file(abi_fixture("bad", "newer_major"), diagnostics));
    REQUIRE(diagnostics.size() == 1);
    const std::string text = all_text(diagnostics);
    CHECK(contains(text, version(LOOM_ABI_MAJOR + 1, LOOM_ABI_MINOR)));
    CHECK(contains(text, version(LOOM_ABI_MAJOR, LOOM_ABI_MINOR)));
    CHECK(contains(diagnostics[0].message, "libloom_abi_newer_major.so"));
    CHECK(registry.find("abi_newer_major_filter") == nullptr);
  }

  TEST_CASE("an older minor loads into a newer host but a newer minor does not") {
    // A host newer than every fixture: pretend it is 1.3.
    Registry registry;
    registry.set_host_abi(1, 3);
    std::vector<loom::Diagnostic> diagnostics;
    CHECK(registry.load_file(abi_fixture("bad", "claims_1_1"), diagnostics));
    CHECK(diagnostics.empty());
    REQUIRE(registry.find("abi_claims_1_1_filter") != nullptr);
    CHECK(registry.find("abi_claims_1_1_filter")->plugin->abi_minor == 1);

    CHECK_FALSE(registry.load_file(abi_fixture("bad", "claims_1_4"), diagnostics));
    REQUIRE(diagnostics.size() == 1);
    CHECK(contains(diagnostics[0].message, "1.4"));
    CHECK(contains(all_text(diagnostics), "1.3"));
    CHECK(contains(diagnostics[0].message, "libloom_abi_claims_1_4.so"));
    CHECK(registry.find("abi_claims_1_4_filter") == nullptr);
  }

  TEST_CASE("the real host refuses a plugin that claims minor 1") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    const bool loaded = registry.load_file(abi_fixture("bad", "claims_1_1"), diagnostics);
    CHECK(loaded == (LOOM_ABI_MAJOR == 1 && LOOM_ABI_MINOR >= 1));
    if (!loaded) CHECK(contains(all_text(diagnostics), "1.1"));
  }

  TEST_CASE("a shared library without the entry symbol is refused") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    const std::string path = abi_fixture("bad", "no_entry");
    CHECK_FALSE(registry.load_file(path, diagnostics));
    REQUIRE(diagnostics.size() == 1);
    CHECK(contains(diagnostics[0].message,
                   "libloom_abi_no_entry.so' is not a Loom plugin: it does not export "
                   "loom_plugin_entry"));
    CHECK(registry.plugins().empty());
  }

  TEST_CASE("a file that is not a shared library is refused with the dynamic loader's reason") {
    const std::string path = std::string(LOOM_ABI_FIXTURE_DIR) + "/libloom_not_elf.so";
    {
      std::FILE* f = std::fopen(path.c_str(), "w");
      REQUIRE(f != nullptr);
      std::fputs("this is a text file, not an ELF object, although its name ends in .so\n", f);
      std::fclose(f);
    }
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    CHECK_FALSE(registry.load_file(path, diagnostics));
    REQUIRE(diagnostics.size() == 1);
    CHECK(contains(diagnostics[0].message, "libloom_not_elf.so"));
    CHECK(contains(diagnostics[0].message, "invalid ELF header"));
    std::remove(path.c_str());
  }

  TEST_CASE("a missing file is refused, naming it") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    CHECK_FALSE(registry.load_file("/nonexistent/libloom_nothing.so", diagnostics));
    REQUIRE(diagnostics.size() == 1);
    CHECK(contains(diagnostics[0].message, "/nonexistent/libloom_nothing.so"));
  }

  TEST_CASE("a component with an older, shorter layout loads with the missing fields absent") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    REQUIRE(registry.load_file(abi_fixture("good", "old_component_layout"), diagnostics));
    CHECK(diagnostics.empty());
    const loom::ComponentInfo* component = registry.find("abi_old_component_layout_filter");
    REQUIRE(component != nullptr);
    CHECK(component->component->struct_size < sizeof(loom_component));
    CHECK(component->has(&loom_component::process));
    // The fixture fills these with poison past its struct_size: they must read as absent.
    CHECK_FALSE(component->has(&loom_component::list_shards));
    CHECK_FALSE(component->has(&loom_component::prepare));
    CHECK_FALSE(component->has(&loom_component::discard));
    CHECK(component->kind == loom::NodeKind::filter);
  }

  TEST_CASE("a plugin descriptor shorter than ABI 1.0's is refused without reading past it") {
    // loom_plugin has not grown since 1.0, so a shorter one cannot come from any real SDK; its
    // component list lies past struct_size and is poisoned, so reading it would crash.
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    CHECK_FALSE(registry.load_file(abi_fixture("bad", "old_plugin_layout"), diagnostics));
    REQUIRE(diagnostics.size() == 1);
    CHECK(contains(diagnostics[0].message, "libloom_abi_old_plugin_layout.so"));
    CHECK(contains(diagnostics[0].message,
                   std::to_string(offsetof(loom_plugin, components)) + " bytes"));
    CHECK(registry.plugins().empty());
  }

  TEST_CASE("two plugins providing the same component name: an error naming both files") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    REQUIRE(registry.load_file(abi_fixture("good", "duplicate_a"), diagnostics));
    CHECK_FALSE(registry.load_file(abi_fixture("bad", "duplicate_b"), diagnostics));
    REQUIRE(diagnostics.size() == 1);
    const std::string text = all_text(diagnostics);
    CHECK(contains(text, "abi_duplicate_filter"));
    CHECK(contains(text, "libloom_abi_duplicate_a.so"));
    CHECK(contains(text, "libloom_abi_duplicate_b.so"));
    // The first provider stays in place.
    REQUIRE(registry.find("abi_duplicate_filter") != nullptr);
    CHECK(file_name(registry.find("abi_duplicate_filter")->plugin->file) ==
          "libloom_abi_duplicate_a.so");
  }
}

namespace {

// Option values for a component, by name; options not given get a zero value marked absent.
struct OptionValues {
  std::vector<loom_option_value> values;

  explicit OptionValues(const loom_component& component) : values(component.option_count) {
    for (auto& v : values) v.struct_size = sizeof(loom_option_value);
    for (std::size_t i = 0; i < component.option_count; ++i)
      names.push_back(component.options[i].name);
  }
  loom_option_value& at(const std::string& name) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) {
        values[i].present = 1;
        return values[i];
      }
    FAIL("no option " << name);
    return values.front();
  }
  void set_string(const std::string& name, const char* s) {
    at(name).s = loom_str{s, std::strlen(s)};
  }
  std::vector<std::string> names;
};

void* create(const loom::ComponentInfo& info, OptionValues& options) {
  loom_error err = loom::testing::fresh_error();
  void* self = nullptr;
  REQUIRE(info.component->create(&loom::testing::fake_host(), options.values.data(),
                                 options.values.size(), &self, &err) == 0);
  return self;
}

}  // namespace

TEST_SUITE("abi") {
  TEST_CASE("a C++ exception thrown in a component becomes a loom_error at the boundary") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    REQUIRE(registry.load_file(abi_fixture("good", "throwing"), diagnostics));
    const loom::ComponentInfo* info = registry.find("abi_throw_on_third");
    REQUIRE(info != nullptr);

    for (const char* kind : {"loom_error", "runtime_error"}) {
      CAPTURE(kind);
      OptionValues options(*info->component);
      options.set_string("message", "the third document is rejected");
      options.at("throw_at").i = 2;
      options.set_string("exception", kind);
      options.at("ratio").f = 0.5;
      void* self = create(*info, options);

      loom::testing::FakeBatch two({"a", "b"});
      loom_error err = loom::testing::fresh_error();
      CHECK(info->component->process(self, two.raw(), &err) == 0);

      loom::testing::FakeBatch five({"a", "b", "c", "d", "e"});
      err = loom::testing::fresh_error();
      CHECK(info->component->process(self, five.raw(), &err) != 0);
      CHECK(std::string(err.message) == "the third document is rejected");
      if (std::string(kind) == "loom_error") {
        CHECK(err.code == LOOM_ERR_INVALID_INPUT);
        CHECK(err.record == 2);
      } else {
        CHECK(err.code == LOOM_ERR_INTERNAL);
        CHECK(err.record == -1);
      }
      info->component->destroy(self);
    }
  }

  TEST_CASE("a C component returns an error code with a filled loom_error") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    REQUIRE(registry.load_file(abi_fixture("good", "c_error"), diagnostics));
    const loom::ComponentInfo* info = registry.find("abi_poison_filter");
    REQUIRE(info != nullptr);
    OptionValues options(*info->component);
    void* self = create(*info, options);

    loom::testing::FakeBatch clean({"fine", "also fine"});
    loom_error err = loom::testing::fresh_error();
    CHECK(info->component->process(self, clean.raw(), &err) == 0);

    loom::testing::FakeBatch poisoned({"fine", "poison ivy", "poison again"});
    err = loom::testing::fresh_error();
    CHECK(info->component->process(self, poisoned.raw(), &err) != 0);
    CHECK(err.code == LOOM_ERR_INVALID_INPUT);
    CHECK(err.record == 1);
    CHECK(std::string(err.message) == "document 1 is poisoned (10 bytes of text)");
    info->component->destroy(self);
  }
}

TEST_SUITE("abi") {
  TEST_CASE("a C++ component's option schema crosses the boundary as declared") {
    Registry registry;
    std::vector<loom::Diagnostic> diagnostics;
    REQUIRE(registry.load_file(abi_fixture("good", "throwing"), diagnostics));
    const loom::ComponentInfo* info = registry.find("abi_throw_on_third");
    REQUIRE(info != nullptr);
    REQUIRE(info->component->option_count == 5);
    const loom_option_spec* specs = info->component->options;
    auto default_of = [](const loom_option_spec& spec) {
      return spec.default_value == nullptr ? std::string("<none>") : spec.default_value;
    };

    CHECK(std::string(specs[0].name) == "message");
    CHECK(specs[0].type == LOOM_OPTION_STRING);
    CHECK(specs[0].required == 1);
    CHECK(default_of(specs[0]) == "<none>");

    // Declared after a required option: its default must not shift onto another field.
    CHECK(std::string(specs[1].name) == "throw_at");
    CHECK(specs[1].type == LOOM_OPTION_INT);
    CHECK(default_of(specs[1]) == "2");
    CHECK(specs[1].has_min == 1);
    CHECK(specs[1].has_max == 1);
    CHECK(specs[1].min == 0);
    CHECK(specs[1].max == 1000);

    CHECK(std::string(specs[2].name) == "exception");
    CHECK(specs[2].type == LOOM_OPTION_ENUM);
    CHECK(default_of(specs[2]) == "\"loom_error\"");
    REQUIRE(specs[2].enum_count == 2);
    CHECK(std::string(specs[2].enum_values[0]) == "loom_error");
    CHECK(std::string(specs[2].enum_values[1]) == "runtime_error");

    CHECK(std::string(specs[3].name) == "ratio");
    CHECK(specs[3].type == LOOM_OPTION_FLOAT);
    CHECK(default_of(specs[3]) == "0.5");
    CHECK(specs[3].has_min == 1);
    CHECK(specs[3].has_max == 0);

    CHECK(std::string(specs[4].name) == "tags");
    CHECK(specs[4].type == LOOM_OPTION_STRING_LIST);
    CHECK(default_of(specs[4]) == "[\"x\", \"y\"]");
    CHECK(specs[4].required == 0);
  }
}
