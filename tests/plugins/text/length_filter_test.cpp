#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;

namespace {

const loom::testing::Plugin& text_plugin() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_text.so");
  return plugin;
}

std::vector<std::string> verdicts(Instance& filter, const std::vector<std::string>& texts) {
  std::vector<Document> docs;
  for (const auto& t : texts) docs.push_back(Document{t});
  std::vector<std::string> out;
  for (const Document& d : filter.process(docs)) out.push_back(d.dropped ? d.drop_reason : "kept");
  return out;
}

}  // namespace

TEST_CASE("length_filter is a thread-safe filter") {
  const loom_component& c = text_plugin().component("length_filter");
  CHECK(c.kind == LOOM_KIND_FILTER);
  CHECK((c.flags & LOOM_FLAG_THREAD_SAFE) != 0);
}

TEST_CASE("length_filter counts Unicode code points, not bytes") {
  Instance filter(text_plugin().component("length_filter"),
                  {{"min_chars", "3"}, {"max_chars", "4"}});
  // "é" is 2 bytes, "中" 3 bytes, "😀" 4 bytes: each is one code point.
  CHECK(verdicts(filter,
                 {"ab", "abc", "abcd", "abcde", "\xc3\xa9\xc3\xa9", "\xc3\xa9\xc3\xa9\xc3\xa9",
                  "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad",
                  "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80x",
                  "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80x"}) ==
        std::vector<std::string>{"too_short", "kept", "kept", "too_long", "too_short", "kept",
                                 "kept", "too_short", "kept", "too_long"});
}

TEST_CASE("length_filter: max_chars 0 means no upper limit; the defaults keep everything") {
  Instance any(text_plugin().component("length_filter"), {});
  CHECK(verdicts(any, {"", std::string(100000, 'x')}) == std::vector<std::string>{"kept", "kept"});
  Instance min_only(text_plugin().component("length_filter"), {{"min_chars", "1"}});
  CHECK(verdicts(min_only, {"", "x"}) == std::vector<std::string>{"too_short", "kept"});
}

TEST_CASE("length_filter rejects min_chars above max_chars and negative bounds") {
  const loom_component& c = text_plugin().component("length_filter");
  CHECK_THROWS_WITH(loom::testing::check_options(c, {{"min_chars", "10"}, {"max_chars", "5"}}),
                    doctest::Contains("min_chars"));
  CHECK_THROWS(loom::testing::check_options(c, {{"min_chars", "-1"}}));
}
