#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;

namespace {

const loom_component& html_text() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_stackexchange.so");
  return plugin.component("html_text");
}

std::string text_of(const std::string& html, bool mark_list_items = true) {
  Instance cleaner(html_text(), {{"mark_list_items", mark_list_items ? "true" : "false"}});
  Document d;
  d.text = html;
  std::vector<Document> out = cleaner.process({d});
  REQUIRE(out.size() == 1);
  return out[0].text;
}

}  // namespace

// Expected values follow BeautifulSoup 4.11 + lxml (libxml2 2.9.14) semantics: libxml2's HTML
// parser, bs4's whitespace-only string collapsing, get_text() skipping comments and script/style.
// The "</p>\n\n<p>" case is confirmed by the golden StackExchange output; the golden parity test
// covers the rest of the corpus.
TEST_CASE("tags go, entities are decoded") {
  CHECK(text_of("<p>a &amp; b &lt;c&gt; &#x41;&#66; &eacute;</p>") == "a & b <c> AB \xc3\xa9");
  CHECK(text_of("Title <p>Body</p>\n") == "Title Body\n");
}

TEST_CASE("whitespace-only strings collapse to one newline or space, except inside pre") {
  // golden coffee.stackexchange.com question 1, answer 1617: "</p>\n\n<p>" gives one "\n".
  CHECK(text_of("<p>a</p>\n\n<p>b</p>") == "a\nb");
  CHECK(text_of("<p>a</p>  <p>b</p>") == "a b");
  CHECK(text_of("<pre>x</pre><pre>\n\n</pre>") == "x\n\n");
  CHECK(text_of("<p>a  \n\n b</p>") == "a  \n\n b");
}

TEST_CASE("list items become \"\\n*\" only with mark_list_items; ul is untouched") {
  CHECK(text_of("<ol><li>one</li><li>two</li></ol>") == "*\n*one\n*two");
  CHECK(text_of("<ul><li>one</li></ul>", false) == "one");
}

TEST_CASE("comments, script and style text are left out; unknown tags vanish") {
  CHECK(text_of("a<!-- hidden -->b") == "ab");
  CHECK(text_of("<p>x<script>var y = 1;</script><style>p{}</style>z</p>") == "xz");
  CHECK(text_of("Use List<T> here") == "Use List here");
}

TEST_CASE("broken HTML does not throw") {
  CHECK_NOTHROW(text_of("<p><b>unclosed <i>tags &bogus; &#xFFFFFFF; <"));
  CHECK(text_of("") == "");
}
