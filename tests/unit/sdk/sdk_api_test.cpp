// The C++ plugin layer on its own, against the SDK's in-memory host: typed metadata reads and
// writes, option values stepped through by struct_size, list options, and option_error.
#include <loom/testing/harness.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

namespace {

struct OneDoc {
  loom::testing::detail::HarnessBatch batch;
  OneDoc() {
    loom::testing::host_table();  // installs the in-memory host for loom::host()
    batch.docs.emplace_back();
  }
  loom::Doc doc() { return loom::Batch(reinterpret_cast<loom_batch*>(&batch))[0]; }
};

struct ListOptions {
  std::int64_t count = 1;
  loom::IntList sizes = {5, 9};
  loom::FloatList weights;
  static constexpr auto fields =
      std::tuple(loom::field("count", &ListOptions::count, "a number"),
                 loom::field("sizes", &ListOptions::sizes, "shingle sizes").range(1, 64),
                 loom::field("weights", &ListOptions::weights, "one weight per size").range(0, 1));
  void validate() const {
    if (!weights.empty() && weights.size() != sizes.size())
      throw loom::option_error(&ListOptions::weights, "one weight per size");
  }
};

// Writes the options it was created with into each document, as text.
class ListCleaner : public loom::Cleaner {
 public:
  static constexpr const char* name = "list_cleaner";
  static constexpr const char* summary = "shows its options (test)";
  using Options = ListOptions;
  explicit ListCleaner(const Options& o) : options_(o) {}
  void process(loom::Batch& batch) override {
    std::string text;
    for (std::int64_t size : options_.sizes) text += std::to_string(size) + " ";
    text += "/";
    for (double weight : options_.weights) text += " " + std::to_string(weight);
    for (loom::Doc doc : batch) doc.set_text(text);
  }

 private:
  Options options_;
};

std::string shown(const loom_component& c, const loom::testing::OptionMap& options) {
  loom::testing::Instance instance(c, options);
  return instance.process({loom::testing::Document{"x"}}).at(0).text;
}

const loom_component& list_cleaner() {
  static const loom::detail::PluginDescriptor<ListCleaner> descriptor("lists", "1", "MIT");
  return descriptor.components[0];
}

}  // namespace

TEST_CASE("set_meta takes any integer or floating type without a cast") {
  OneDoc one;
  loom::Doc doc = one.doc();
  doc.set_meta("int", 1);
  doc.set_meta("size", std::size_t{42});
  doc.set_meta("unsigned", 7u);
  doc.set_meta("short", static_cast<short>(-3));
  doc.set_meta("float", 0.5f);
  doc.set_meta("double", 2.25);
  doc.set_meta("bool", true);
  doc.set_meta("text", "hello");
  doc.set_meta("string", std::string("world"));
  CHECK(doc.meta_int("int") == 1);
  CHECK(doc.meta_int("size") == 42);
  CHECK(doc.meta_int("unsigned") == 7);
  CHECK(doc.meta_int("short") == -3);
  CHECK(doc.meta_float("float") == 0.5);
  CHECK(doc.meta_float("double") == 2.25);
  CHECK(doc.meta_bool("bool") == true);
  CHECK(doc.meta_string("text") == "hello");
  CHECK(doc.meta_string("string") == "world");
  CHECK(doc.meta("int")->type == LOOM_VALUE_INT);
  CHECK(doc.meta("float")->type == LOOM_VALUE_FLOAT);
  CHECK(doc.meta_count() == 9);
}

TEST_CASE("typed meta reads: absent is empty, another type is an error naming the field") {
  OneDoc one;
  loom::Doc doc = one.doc();
  doc.set_meta("n", 3);
  doc.set_meta("name", "x");
  doc.set_meta("nothing", loom::Value::null());
  CHECK_FALSE(doc.meta_int("missing").has_value());
  CHECK_FALSE(doc.meta_string("nothing").has_value());
  CHECK(doc.meta_float("n") == 3.0);  // an integer is a number too
  CHECK_THROWS_WITH_AS(static_cast<void>(doc.meta_int("name")),
                       "meta field 'name' is a string, expected an integer", loom::Error);
  CHECK_THROWS_WITH_AS(static_cast<void>(doc.meta_string("n")),
                       "meta field 'n' is an integer, expected a string", loom::Error);
}

TEST_CASE("an unsigned value past the signed 64-bit range is refused, not wrapped") {
  OneDoc one;
  loom::Doc doc = one.doc();
  const std::uint64_t big = std::uint64_t{1} << 63;
  CHECK_THROWS_AS(doc.set_meta("big", big), loom::Error);
  CHECK_FALSE(doc.meta("big").has_value());
  doc.set_meta("max", static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  CHECK(doc.meta_int("max") == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("options are read at the host's stride, even when its values are larger") {
  struct FutureValue {
    loom_option_value value;
    std::uint64_t future_fields[2];
  };
  const std::int64_t sizes[] = {3, 4};
  const double weights[] = {0.25, 0.75};
  FutureValue values[3]{};
  for (FutureValue& v : values) {
    v.value.struct_size = sizeof(FutureValue);
    v.future_fields[0] = v.future_fields[1] = ~std::uint64_t{0};
  }
  values[0].value.i = 11;
  values[1].value.ints = sizes;
  values[1].value.count = 2;
  values[2].value.floats = weights;
  values[2].value.count = 2;
  const ListOptions o = loom::detail::options_from<ListOptions>(&values[0].value, 3);
  CHECK(o.count == 11);
  CHECK(o.sizes == loom::IntList{3, 4});
  CHECK(o.weights == loom::FloatList{0.25, 0.75});
}

TEST_CASE("integer and float list options: declared, defaulted, bound and bounded per item") {
  const loom_component& c = list_cleaner();
  REQUIRE(c.option_count == 3);
  const loom_option_spec& sizes = *loom_option_spec_at(c.options, 1);
  CHECK(sizes.type == LOOM_OPTION_INT_LIST);
  CHECK(std::string(sizes.default_value) == "[5, 9]");
  CHECK(sizes.has_min == 1);
  CHECK(loom_option_spec_at(c.options, 2)->type == LOOM_OPTION_FLOAT_LIST);
  CHECK(std::string(loom_option_spec_at(c.options, 2)->default_value) == "[]");

  CHECK(shown(c, {}) == "5 9 /");
  CHECK(shown(c, {{"sizes", "[1, 64]"}, {"weights", "[0, 1]"}}) == "1 64 / 0.000000 1.000000");
  CHECK(shown(c, {{"sizes", "7"}}) == "7 /");

  CHECK_THROWS_WITH(loom::testing::check_options(c, {{"sizes", "[4, 65]"}}),
                    "option 'sizes': 65 is out of range");
  CHECK_THROWS_WITH(loom::testing::check_options(c, {{"weights", "[0.5, x]"}}),
                    "option 'weights' expects a number, got 'x'");
}

TEST_CASE("option_error names the option and carries its index for the engine") {
  const loom_component& c = list_cleaner();
  try {
    loom::testing::check_options(c, {{"weights", "[0.5]"}});
    FAIL("validate() accepted one weight for two sizes");
  } catch (const loom::Error& e) {
    CHECK(std::string(e.what()) == "option 'weights': one weight per size");
    CHECK(e.record() == 2);
    CHECK(e.code() == LOOM_ERR_CONFIG);
  }
}
