#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <filesystem>
#include <fstream>
#include <string>
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

std::string write_file(const std::string& name, const std::string& content) {
  const auto dir = std::filesystem::temp_directory_path() / "loom_stackexchange_test";
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
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

TEST_CASE("a truncated 7z is an error naming the file") {
  const std::string path = write_file("truncated.7z", std::string("7z\xbc\xaf\x27\x1c\x00\x04", 8));
  CHECK_THROWS_WITH(read(path, "rp_v1"), doctest::Contains("truncated.7z"));
}
