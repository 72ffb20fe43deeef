#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;
using loom::testing::OptionMap;

namespace {

const loom_component& source() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_wikipedia.so");
  return plugin.component("wikipedia_dump_source");
}

// One folder per test process (ctest runs test cases side by side), removed when it exits.
std::string write_file(const std::string& name, const std::string& content) {
  static const loom::testing::TempDir dir;
  loom::testing::write_file(dir / name, content);
  return dir / name;
}

std::string page(const std::string& title, const std::string& ns, const std::string& id,
                 const std::string& inner) {
  return "  <page>\n    <title>" + title + "</title>\n    <ns>" + ns + "</ns>\n    <id>" + id +
         "</id>\n" + inner + "  </page>\n";
}

std::string revision(const std::string& text) {
  return "    <revision>\n      <id>9" +
         std::string(
             "</id>\n      <text bytes=\"1\" "
             "xml:space=\"preserve\">") +
         text + "</text>\n    </revision>\n";
}

std::string dump(const std::string& pages) {
  return "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\" version=\"0.10\" "
         "xml:lang=\"en\">\n  <siteinfo>\n    <sitename>Wikipedia</sitename>\n  </siteinfo>\n" +
         pages + "</mediawiki>\n";
}

std::vector<Document> read(const std::string& path, const OptionMap& extra = {}) {
  OptionMap options{{"paths", "[" + path + "]"}};
  options.insert(options.end(), extra.begin(), extra.end());
  Instance src(source(), options);
  return src.read_all();
}

// The message of the error reading `path` raises (empty when it reads fine).
std::string error_of(const std::string& path) {
  try {
    read(path);
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("namespace-0 pages with text become documents; others are dropped") {
  const std::string path = write_file(
      "enwiki-20230320-pages-articles-multistream.xml",
      dump(
          page("Alan Turing", "0", "12", revision("'''Alan''' &lt;ref&gt;x&lt;/ref&gt; [[a|b]]")) +
          page("Talk:Alan Turing", "1", "13", revision("talk")) +
          page("Turing", "0", "14",
               "    <redirect title=\"Alan Turing\" />\n" + revision("#REDIRECT [[Alan Turing]]")) +
          page("No revision", "0", "15", "") + page("Empty", "0", "16", revision("")) +
          page("C++ (lang)/x é", "0", "17", revision("  \n"))));
  auto docs = read(path);
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == "'''Alan''' <ref>x</ref> [[a|b]]");
  CHECK(docs[0].keys() == std::vector<std::string>{"title", "url", "language", "timestamp", "id"});
  CHECK(*docs[0].find("title") == MetaValue("Alan Turing"));
  CHECK(*docs[0].find("url") == MetaValue("https://en.wikipedia.org/wiki/Alan%20Turing"));
  CHECK(*docs[0].find("language") == MetaValue("en"));
  CHECK(*docs[0].find("timestamp") == MetaValue("20230320"));
  CHECK(*docs[0].find("id") == MetaValue("12"));
  // whitespace-only text is text (the cleaner may empty it later)
  CHECK(docs[1].text == "  \n");
  // Python's quote(): '/' kept, '+', '(', ' ' and UTF-8 bytes escaped
  CHECK(*docs[1].find("url") ==
        MetaValue("https://en.wikipedia.org/wiki/C%2B%2B%20%28lang%29/x%20%C3%A9"));
}

TEST_CASE("language and dump date: options win over the file name") {
  const std::string path =
      write_file("bgwiki-latest-pages-articles.xml", dump(page("A", "0", "1", revision("a"))));
  auto from_name = read(path);
  REQUIRE(from_name.size() == 1);
  CHECK(*from_name[0].find("language") == MetaValue("bg"));
  CHECK(*from_name[0].find("timestamp") == MetaValue("latest"));
  auto from_options = read(path, {{"language", "de"}, {"dump_date", "20230320"}});
  CHECK(*from_options[0].find("language") == MetaValue("de"));
  CHECK(*from_options[0].find("url") == MetaValue("https://de.wikipedia.org/wiki/A"));
  CHECK(*from_options[0].find("timestamp") == MetaValue("20230320"));
}

TEST_CASE("a file name without language or date needs the options") {
  const std::string path = write_file("articles.xml", dump(page("A", "0", "1", revision("a"))));
  CHECK_THROWS_WITH(read(path), doctest::Contains("set the language option"));
  CHECK_THROWS_WITH(read(path, {{"language", "en"}}), doctest::Contains("dump_date"));
  CHECK(read(path, {{"language", "en"}, {"dump_date", "20230320"}}).size() == 1);
  const std::string odd = write_file("enwiki-wtf_wikipedia-pages-articles.xml",
                                     dump(page("A", "0", "1", revision("a"))));
  CHECK_THROWS_WITH(read(odd), doctest::Contains("dump_date"));
}

TEST_CASE("malformed XML is an error naming the file, line and page") {
  const std::string path = write_file(
      "enwiki-20230320-pages-articles.xml",
      dump(page("Good", "0", "1", revision("a")) + page("Broken", "0", "2", revision("a <b"))));
  const std::string error = error_of(path);
  INFO(error);
  CHECK(contains(error, "enwiki-20230320-pages-articles.xml:20: page 2 ('Broken'): "));
  CHECK(contains(error, "malformed XML"));
}

TEST_CASE("a dump cut inside a page is an error naming the page") {
  const std::string whole = dump(page("Good", "0", "1", revision("a")) +
                                 page("Cut", "0", "2", revision(std::string(200, 'x'))));
  const std::string path =
      write_file("enwiki-20230320-pages-articles.xml", whole.substr(0, whole.size() - 150));
  CHECK_THROWS_WITH(read(path), doctest::Contains("page 2 ('Cut')"));
}

TEST_CASE("a page text made of many text and CDATA nodes is bounded at 10 MB") {
  std::string text;
  for (int i = 0; i < 12; ++i) text += std::string(1'000'000, 'a') + "<![CDATA[b]]>";
  const std::string path = write_file("enwiki-20230320-pages-articles.xml",
                                      dump(page("Huge", "0", "1", revision(text))));
  const std::string error = error_of(path);
  INFO(error);
  CHECK(contains(error, "page 1 ('Huge'): <revision/text> over 10000000 bytes refused"));
}

TEST_CASE("an entity expansion bomb is refused, not expanded") {
  // each entity refers ten times to the previous one: 16 * 10^10 bytes if expanded
  std::string bomb =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [\n<!ENTITY a \"aaaaaaaaaaaaaaaa\">\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c) {
    std::string refs;
    for (int i = 0; i < 10; ++i) refs += std::string("&") + prev + ";";
    bomb += std::string("<!ENTITY ") + c + " \"" + refs + "\">\n";
    prev = c;
  }
  bomb += "]>\n" + dump(page("Bomb", "0", "1", revision("&k;")));
  const std::string path = write_file("enwiki-20230320-pages-articles.xml", bomb);
  const std::string error = error_of(path);
  INFO(error);
  CHECK(contains(error, "enwiki-20230320-pages-articles.xml"));
  // libxml2 may stop it while reading the DTD, before the reader refuses the declaration
  CHECK((contains(error, "document type declaration refused") || contains(error, "entity")));
}

TEST_CASE("an external entity is never fetched") {
  const std::string path =
      write_file("enwiki-20230320-pages-articles.xml",
                 "<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [\n<!ENTITY x SYSTEM "
                 "\"file:///etc/passwd\">\n]>\n" +
                     dump(page("X", "0", "1", revision("&x;"))));
  CHECK_THROWS_WITH(read(path), doctest::Contains("document type declaration refused"));
}

TEST_CASE("a page without <ns> is an error naming it") {
  const std::string path = write_file(
      "enwiki-20230320-pages-articles.xml",
      dump("  <page>\n    <title>Lost</title>\n    <id>1</id>\n" + revision("a") + "  </page>\n"));
  const std::string error = error_of(path);
  INFO(error);
  CHECK(contains(error, "('Lost')"));
  CHECK(contains(error, "no <ns>"));
}

TEST_CASE("pages come out in dump order across small batches") {
  std::string pages;
  for (int i = 0; i < 50; ++i)
    pages += page("P" + std::to_string(i), "0", std::to_string(i), revision(std::string(100, 'p')));
  const std::string path = write_file("dewiki-20230320-pages-articles.xml", dump(pages));
  Instance src(source(), {{"paths", "[" + path + "]"}});
  auto batches = src.read_shard(path, 0, 1000);
  CHECK(batches.size() > 1);
  int expected = 0;
  for (const auto& batch : batches)
    for (const auto& doc : batch) CHECK(*doc.find("id") == MetaValue(std::to_string(expected++)));
  CHECK(expected == 50);
}
