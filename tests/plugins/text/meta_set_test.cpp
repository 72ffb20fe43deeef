#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::Meta;
using loom::testing::MetaValue;
using loom::testing::OptionMap;

namespace {

const loom_component& meta_set() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_text.so");
  return plugin.component("meta_set");
}

Meta apply(const OptionMap& options, Meta meta) {
  Instance cleaner(meta_set(), options);
  Document d;
  d.text = "t";
  d.meta = std::move(meta);
  std::vector<Document> out = cleaner.process({d});
  REQUIRE(out.size() == 1);
  CHECK(out[0].text == "t");
  return out[0].meta;
}

}  // namespace

TEST_CASE("meta_set is a thread-safe cleaner") {
  CHECK(meta_set().kind == LOOM_KIND_CLEANER);
  CHECK((meta_set().flags & LOOM_FLAG_THREAD_SAFE) != 0);
}

TEST_CASE("set appends new fields in option order and keeps the position of existing ones") {
  Meta out = apply({{"set", "{language: en, url: replaced, source: c4}"}},
                   {{"timestamp", "2019"}, {"url", "http://a"}});
  CHECK(out ==
        Meta{{"timestamp", "2019"}, {"url", "replaced"}, {"language", "en"}, {"source", "c4"}});
}

TEST_CASE("values are strings unless typed: true") {
  OptionMap set = {{"set", "{a: 1, b: 2.5, c: true, d: null, e: '007x', f: nan, g: \"-3\"}"}};
  Meta plain = apply(set, {});
  CHECK(plain == Meta{{"a", "1"},
                      {"b", "2.5"},
                      {"c", "true"},
                      {"d", "null"},
                      {"e", "007x"},
                      {"f", "nan"},
                      {"g", "-3"}});
  set.emplace_back("typed", "true");
  Meta typed = apply(set, {});
  CHECK(typed == Meta{{"a", 1},
                      {"b", 2.5},
                      {"c", true},
                      {"d", MetaValue::null()},
                      {"e", "007x"},
                      {"f", "nan"},
                      {"g", -3}});
}

TEST_CASE("rename keeps the position; a missing source field is ignored") {
  Meta out = apply({{"rename", "{date: timestamp, absent: whatever}"}},
                   {{"url", "u"}, {"date", "d"}, {"lang", "l"}});
  CHECK(out == Meta{{"url", "u"}, {"timestamp", "d"}, {"lang", "l"}});
}

TEST_CASE("rename onto an existing field replaces it, at the renamed field's position") {
  Meta out = apply({{"rename", "{b: a}"}}, {{"a", 1}, {"x", 2}, {"b", 3}});
  CHECK(out == Meta{{"x", 2}, {"a", 3}});
}

TEST_CASE("drop removes fields; absent ones are fine") {
  Meta out = apply({{"drop", "[x, nothing]"}}, {{"a", 1}, {"x", 2}, {"b", 3}});
  CHECK(out == Meta{{"a", 1}, {"b", 3}});
}

TEST_CASE("rename, then set, then drop") {
  // rename date->timestamp; set overwrites timestamp in place and adds tmp; drop removes tmp and
  // the renamed-away name, which no longer exists.
  Meta out = apply({{"rename", "{date: timestamp}"},
                    {"set", "{timestamp: fixed, tmp: x}"},
                    {"drop", "[tmp, date]"}},
                   {{"url", "u"}, {"date", "d"}});
  CHECK(out == Meta{{"url", "u"}, {"timestamp", "fixed"}});
}
