// Declared drop reasons and meta fields (ABI 1.3): read from the descriptor, matched with their
// '*' patterns, refused when malformed, absent for older layouts, and enforced by a run when the
// checks are on (debug builds, or LOOM_CHECK_DECLARED=1 as here).
#include "runtime/declared_drops.hpp"
#include "plugin/registry.hpp"
#include "runtime/executor.hpp"
#include "validate/bound_graph.hpp"

#include <doctest/doctest.h>
#include <loom/plugin.hpp>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

class Numbers : public loom::Source {
 public:
  static constexpr const char* name = "dd_numbers";
  static constexpr const char* summary = "documents 0..99 in one shard";
  using Options = loom::NoOptions;
  static constexpr std::array<loom::Declared, 0> drop_reasons{};
  explicit Numbers(const Options&) {}
  std::vector<std::string> shards() override { return {"numbers"}; }
  std::unique_ptr<loom::ShardReader> open(std::string_view, std::uint64_t) override {
    struct Reader : loom::ShardReader {
      bool read(loom::Batch& batch, std::size_t) override {
        for (int i = 0; i < 100; ++i) {
          loom::Doc doc = batch.append();
          doc.set_text(std::to_string(i));
          doc.set_origin(static_cast<std::uint64_t>(i), 0);
        }
        return true;
      }
    };
    return std::make_unique<Reader>();
  }
};

// Declares "multiple_of_*" but drops multiples of 7 as "lucky": the run must stop on it.
class DropSevens : public loom::Filter {
 public:
  static constexpr const char* name = "dd_drop_sevens";
  static constexpr const char* summary = "drops multiples of 7 for a reason it did not declare";
  using Options = loom::NoOptions;
  static constexpr loom::Declared drop_reasons[] = {{"multiple_of_*", "multiple_of_<n>"},
                                                    {"negative", "below zero"}};
  static constexpr loom::Declared meta_fields[] = {{"parity", "even or odd"}};
  explicit DropSevens(const Options&) {}
  void process(loom::Batch& batch) override {
    for (loom::Doc doc : batch) {
      const int n = std::stoi(std::string(doc.text()));
      if (n % 5 == 0)
        doc.drop("multiple_of_5");
      else if (n % 7 == 0)
        doc.drop("lucky");
    }
  }
};

class Discard : public loom::Sink {
 public:
  static constexpr const char* name = "dd_discard";
  static constexpr const char* summary = "writes nothing";
  using Options = loom::NoOptions;
  explicit Discard(const Options&) {}
  void write(loom::Batch&, std::unique_ptr<loom::SinkToken>) override {}
};

loom::Registry& registry() {
  static loom::Registry instance;
  static const loom::detail::PluginDescriptor<Numbers, DropSevens, Discard> plugin(
      "declared_drops_test", "1.0", "Apache-2.0");
  static bool added = false;
  if (!added) {
    std::vector<loom::Diagnostic> diagnostics;
    REQUIRE(instance.add_plugin(&plugin.plugin, "libloom_declared_drops_test.so", diagnostics));
    added = true;
  }
  return instance;
}

}  // namespace

TEST_CASE("the descriptor's declarations are read, '*' matching any suffix") {
  const loom::ComponentInfo* filter = registry().find("dd_drop_sevens");
  REQUIRE(filter != nullptr);
  REQUIRE(filter->drop_reasons.has_value());
  REQUIRE(filter->drop_reasons->size() == 2);
  CHECK((*filter->drop_reasons)[0].name == "multiple_of_*");
  CHECK((*filter->drop_reasons)[1].description == "below zero");
  REQUIRE(filter->meta_fields.has_value());
  CHECK((*filter->meta_fields)[0].name == "parity");
  CHECK(loom::is_declared(*filter->drop_reasons, "multiple_of_5"));
  CHECK(loom::is_declared(*filter->drop_reasons, "negative"));
  CHECK_FALSE(loom::is_declared(*filter->drop_reasons, "lucky"));
  CHECK_FALSE(loom::is_declared(*filter->drop_reasons, "multiple"));

  const loom::ComponentInfo* source = registry().find("dd_numbers");
  REQUIRE(source != nullptr);
  REQUIRE(source->drop_reasons.has_value());  // declared empty: never drops
  CHECK(source->drop_reasons->empty());
  CHECK_FALSE(source->meta_fields.has_value());  // not declared
  const loom::ComponentInfo* sink = registry().find("dd_discard");
  REQUIRE(sink != nullptr);
  CHECK_FALSE(sink->drop_reasons.has_value());
}

TEST_CASE("a malformed list is refused; a descriptor older than ABI 1.3 declares nothing") {
  const loom::ComponentInfo* filter = registry().find("dd_drop_sevens");
  REQUIRE(filter != nullptr);
  loom_component broken = *filter->component;
  broken.name = "dd_broken";
  broken.drop_reasons = nullptr;
  broken.drop_reason_count = 2;
  loom::DeclaredNames drops, meta;
  const std::string problem =
      loom::read_declared_names(broken, "component 'dd_broken'", drops, meta);
  CHECK(problem.find("component 'dd_broken' declares 2 drop reasons but no list") !=
        std::string::npos);

  loom_declared_name unnamed{sizeof(loom_declared_name), 0, nullptr, "no name"};
  const loom_declared_name* list[] = {&unnamed};
  broken.drop_reasons = list;
  broken.drop_reason_count = 1;
  CHECK(loom::read_declared_names(broken, "component 'dd_broken'", drops, meta)
            .find("drop reason #1 has no name") != std::string::npos);

  loom_component old = *filter->component;
  old.struct_size = static_cast<std::uint32_t>(LOOM_SIZE_THROUGH(loom_component, observe));
  CHECK(loom::read_declared_names(old, "old", drops, meta).empty());
  CHECK_FALSE(drops.has_value());
  CHECK_FALSE(meta.has_value());
}

TEST_CASE("with the checks on, a run stops on an undeclared drop reason, naming the component") {
  setenv("LOOM_CHECK_DECLARED", "1", 1);  // read once, before the first check in this process
  REQUIRE(loom::checks_declared_drops());
  std::vector<loom::Diagnostic> diagnostics;
  loom::GraphSpec spec = loom::load_graph_text("test.yaml", R"(
version: 1
sources:
  numbers: { type: dd_numbers }
filters:
  sevens: { type: dd_drop_sevens, inputs: [numbers] }
sinks:
  out: { type: dd_discard, inputs: [sevens] }
)",
                                               {}, diagnostics);
  REQUIRE_FALSE(loom::has_errors(diagnostics));
  loom::BoundGraph bound = loom::validate_graph(spec, registry(), diagnostics);
  REQUIRE_FALSE(loom::has_errors(diagnostics));
  loom::runtime::ExecutionSettings settings;
  settings.threads = 2;
  loom::RunStats stats;
  CHECK_FALSE(loom::runtime::execute(bound, settings, stats, diagnostics));
  REQUIRE(loom::has_errors(diagnostics));
  std::string text;
  for (const loom::Diagnostic& d : diagnostics) text += d.message + "\n";
  CHECK(text.find("node 'sevens' (dd_drop_sevens") != std::string::npos);
  CHECK(text.find("reason 'lucky', which component 'dd_drop_sevens' does not declare "
                  "(declared: multiple_of_*, negative)") != std::string::npos);
}
