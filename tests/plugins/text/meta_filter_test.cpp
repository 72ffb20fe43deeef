#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;

namespace {

const loom_component& meta_filter() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_text.so");
  return plugin.component("meta_filter");
}

Document with_language(MetaValue language) {
  Document doc{"text"};
  doc.meta.emplace_back("language", std::move(language));
  return doc;
}

}  // namespace

TEST_CASE("meta_filter is a thread-safe filter") {
  CHECK(meta_filter().kind == LOOM_KIND_FILTER);
  CHECK((meta_filter().flags & LOOM_FLAG_THREAD_SAFE) != 0);
}

TEST_CASE("meta_filter keeps listed values and names why it drops the others") {
  Instance filter(meta_filter(), {{"field", "language"}, {"values", "[en, de]"}});
  std::vector<Document> docs{with_language(MetaValue("de")),
                             with_language(MetaValue("af")),
                             Document{"no meta"},
                             with_language(MetaValue(std::int64_t{1})),
                             with_language(MetaValue("en")),
                             with_language(MetaValue("EN"))};
  std::vector<std::string> verdicts;
  for (const Document& d : filter.process(docs))
    verdicts.push_back(d.dropped ? d.drop_reason : "kept");
  CHECK(verdicts == std::vector<std::string>{"kept", "language_not_listed", "language_missing",
                                             "language_missing", "kept", "language_not_listed"});
}

TEST_CASE("meta_filter needs its field and values") {
  CHECK_THROWS(Instance(meta_filter(), {{"values", "[en]"}}));
  CHECK_THROWS(Instance(meta_filter(), {{"field", "language"}}));
}
