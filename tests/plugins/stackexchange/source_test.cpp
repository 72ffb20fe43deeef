#include <doctest/doctest.h>

#include <archive.h>
#include <archive_entry.h>
#include <loom/testing/harness.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;

namespace {

const loom_component& source() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_stackexchange.so");
  return plugin.component("stackexchange_source");
}

// One folder per test process (ctest runs test cases side by side), removed when it exits.
std::string write_file(const std::string& name, const std::string& content) {
  static const loom::testing::TempDir dir;
  loom::testing::write_file(dir / name, content);
  return dir / name;
}

const std::string posts =
    "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n"
    "  <row Id=\"1\" PostTypeId=\"1\" Score=\"3\" Title=\"Why?\" Body=\"&lt;p&gt;Q&lt;/p&gt;\" />\n"
    "  <row Id=\"2\" PostTypeId=\"2\" ParentId=\"1\" Score=\"10\" Body=\"ten\" />\n"
    "  <row Id=\"3\" PostTypeId=\"2\" ParentId=\"1\" Score=\"9\" Body=\"nine\" />\n"
    "  <row Id=\"4\" PostTypeId=\"2\" ParentId=\"1\" Score=\"-1\" Body=\"minus\" />\n"
    "  <row Id=\"5\" PostTypeId=\"2\" ParentId=\"1\" Score=\"9\" Body=\"nine again\" />\n"
    "  <row Id=\"6\" PostTypeId=\"5\" Body=\"tag wiki, no title\" />\n"
    "  <row Id=\"7\" PostTypeId=\"1\" Title=\"Alone &amp; unanswered\" Body=\"\" />\n"
    "</posts>\n";

std::vector<Document> read(const std::string& path, const std::string& order) {
  Instance src(source(), {{"paths", "[" + path + "]"}, {"answer_order", order}});
  return src.read_all();
}

}  // namespace

// Python compares the strings: "9" > "10" > "-1" ('1' sorts after '-').
TEST_CASE("rp_v1 orders answers by descending score strings, stably") {
  auto docs = read(write_file("demo.stackexchange.com.xml", posts), "rp_v1");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == "Q: Why? Q\nA: nine\nA: nine again\nA: ten\nA: minus");
  CHECK(*docs[0].find("url") == MetaValue("https://demo.stackexchange.com/questions/1"));
  CHECK(*docs[0].find("question_score") == MetaValue("3"));
  CHECK(docs[1].text == "Q: Alone & unanswered ");
  CHECK(*docs[1].find("question_score") == MetaValue(std::int64_t{0}));
}

TEST_CASE("numeric orders answers by score value") {
  auto docs = read(write_file("demo.stackexchange.com.xml", posts), "numeric");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == "Q: Why? Q\nA: ten\nA: nine\nA: nine again\nA: minus");
}

TEST_CASE("malformed XML is an error naming the file and line") {
  const std::string path =
      write_file("broken.xml", "<?xml version=\"1.0\"?>\n<posts>\n  <row Id=\"1\" Title=\"a\n");
  CHECK_THROWS_WITH(read(path, "rp_v1"), doctest::Contains("broken.xml"));
}

TEST_CASE("an entity expansion bomb is refused, not expanded") {
  // each entity refers ten times to the previous one: 16 * 10^10 bytes if expanded
  std::string bomb;
  bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE posts [\n<!ENTITY a \"aaaaaaaaaaaaaaaa\">\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'k'; ++c) {
    std::string refs;
    for (int i = 0; i < 10; ++i) refs += std::string("&") + prev + ";";
    bomb += std::string("<!ENTITY ") + c + " \"" + refs + "\">\n";
    prev = c;
  }
  bomb += "]>\n<posts>\n  <row Id=\"1\" Title=\"&k;\" Body=\"x\" />\n</posts>\n";
  const std::string path = write_file("bomb.xml", bomb);
  CHECK_THROWS_WITH(read(path, "rp_v1"), doctest::Contains("bomb.xml"));
}

// The probe that found this: one 100 KB entity used 2,000 times in a Body took 28 s and 4.8 GB.
TEST_CASE("an internal entity used many times is refused before any attribute is expanded") {
  std::string posts_xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE posts [\n<!ENTITY big \"" +
                          std::string(100'000, 'x') + "\">\n]>\n<posts>\n  <row Id=\"1\" Body=\"";
  for (int i = 0; i < 2000; ++i) posts_xml += "&big;";
  posts_xml += "\" />\n</posts>\n";
  const std::string path = write_file("amplified.xml", posts_xml);
  std::string error;
  try {
    read(path, "rp_v1");
  } catch (const std::exception& e) {
    error = e.what();
  }
  // The line is the root element's (where the internal subset is complete), not the DOCTYPE's.
  CHECK(error.find(path + ":") == 0);
  CHECK(error.find(": entity declarations refused") != std::string::npos);
}

// The line reported is the root element's, where the internal subset is complete.
TEST_CASE("an internal subset without entities is refused too; an external DOCTYPE is read") {
  const std::string subset = write_file(
      "subset.xml",
      "<?xml version=\"1.0\"?>\n<!DOCTYPE posts [\n<!ELEMENT posts ANY>\n]>\n<posts/>\n");
  CHECK_THROWS_WITH(read(subset, "rp_v1"),
                    doctest::Contains("subset.xml:5: document type declaration with an "
                                      "internal subset refused"));
  std::string external = posts;
  external.insert(external.find("<posts>"), "<!DOCTYPE posts SYSTEM 'posts.dtd'>\n");
  CHECK(read(write_file("external.xml", external), "rp_v1").size() == 2);
}

TEST_CASE("an attribute over libxml2's 10 MB limit is an error naming the file and line") {
  const std::string path = write_file(
      "huge.xml", "<?xml version=\"1.0\"?>\n<posts>\n  <row Id=\"1\" Title=\"t\" Body=\"" +
                      std::string(10'000'001, 'b') + "\" />\n</posts>\n");
  CHECK_THROWS_WITH(read(path, "rp_v1"), doctest::Contains("huge.xml:3: malformed XML"));
}

TEST_CASE("a truncated 7z is an error naming the file") {
  const std::string path = write_file("truncated.7z", std::string("7z\xbc\xaf\x27\x1c\x00\x04", 8));
  CHECK_THROWS_WITH(read(path, "rp_v1"), doctest::Contains("truncated.7z"));
}

namespace {

// A site dump as archive.org ships it: a .7z holding Posts.xml (and other tables).
std::string write_7z(const std::string& name, const std::string& posts_xml) {
  archive* a = archive_write_new();
  archive_write_set_format_7zip(a);
  std::size_t used = 0;
  std::vector<char> buffer(1 << 20);
  REQUIRE(archive_write_open_memory(a, buffer.data(), buffer.size(), &used) == ARCHIVE_OK);
  for (const auto& [member, content] :
       {std::pair<std::string, std::string>{"Users.xml", "<users/>"}, {"Posts.xml", posts_xml}}) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, member.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
    REQUIRE(archive_write_data(a, content.data(), content.size()) ==
            static_cast<la_ssize_t>(content.size()));
    archive_entry_free(entry);
  }
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
  return write_file(name, std::string(buffer.data(), used));
}

}  // namespace

TEST_CASE("a .7z dump reads its Posts.xml member; the site comes from the archive name") {
  const std::string path = write_7z("demo.stackexchange.com.7z", posts);
  auto docs = read(path, "rp_v1");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == "Q: Why? Q\nA: nine\nA: nine again\nA: ten\nA: minus");
  CHECK(*docs[0].find("url") == MetaValue("https://demo.stackexchange.com/questions/1"));
}

TEST_CASE("a 7z cut short is an error naming the file, not a crash") {
  const std::string whole = write_7z("whole.7z", posts);
  std::ifstream in(whole, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string path = write_file("cut.7z", bytes.substr(0, bytes.size() / 2));
  CHECK_THROWS_WITH(read(path, "rp_v1"), doctest::Contains("cut.7z"));
}
