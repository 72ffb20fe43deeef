// The wikitext_clean component: language from the option or meta, drops, errors.
#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::OptionMap;

namespace {

const loom_component& wikitext_clean() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_wikitext.so");
  return plugin.component("wikitext_clean");
}

Document page(std::string text, const char* language) {
  Document d;
  d.text = std::move(text);
  if (language != nullptr) d.meta.emplace_back("language", language);
  return d;
}

}  // namespace

TEST_CASE("the language comes from meta.language unless the option sets it") {
  Instance from_meta(wikitext_clean(), {});
  std::vector<Document> out = from_meta.process(
      {page("[[Datei:x.png|cap]]Text", "de"), page("[[Datei:x.png|cap]]Text", "en")});
  REQUIRE(out.size() == 2);
  CHECK(out[0].text == "Text");     // Datei is a German File alias
  CHECK(out[1].text == "capText");  // but not an English one
  Instance fixed(wikitext_clean(), {{"language", "de"}});
  out = fixed.process({page("[[Datei:x.png|cap]]Text", "en")});
  CHECK(out[0].text == "Text");
}

TEST_CASE("pages left empty are dropped, unless drop_empty is false") {
  Instance cleaner(wikitext_clean(), {});
  std::vector<Document> out = cleaner.process({page("{{Infobox}}<ref>x</ref>", "en")});
  REQUIRE(out.size() == 1);
  CHECK(out[0].dropped);
  CHECK(out[0].drop_reason == "empty_text");
  Instance keeping(wikitext_clean(), {{"drop_empty", "false"}});
  out = keeping.process({page("{{Infobox}}", "en")});
  CHECK_FALSE(out[0].dropped);
  CHECK(out[0].text.empty());
}

TEST_CASE("a page without a language and no language option is an input error") {
  Instance cleaner(wikitext_clean(), {});
  CHECK_THROWS(cleaner.process({page("text", nullptr)}));
}

TEST_CASE("malformed markup never throws") {
  Instance cleaner(wikitext_clean(), {{"drop_empty", "false"}});
  for (const char* text : {"{{", "[[", "<ref", "{|", "'''''", "<!--", "&#", "[[File:", "</br",
                           "{{{{{}}}}}}}", "<nowiki>", "[http://", "==\n=="}) {
    CAPTURE(text);
    CHECK_NOTHROW(cleaner.process({page(text, "en")}));
  }
}

TEST_CASE("a page the parser refuses is dropped as parser_error, like the HF script's") {
  std::string bomb;
  for (int i = 0; i < 50000; ++i) bomb += "[[a|";
  Instance cleaner(wikitext_clean(), {});
  std::vector<Document> out = cleaner.process({page(bomb, "en"), page("fine", "en")});
  REQUIRE(out.size() == 2);
  CHECK(out[0].dropped);
  CHECK(out[0].drop_reason == "parser_error");
  CHECK(out[1].text == "fine");
}
