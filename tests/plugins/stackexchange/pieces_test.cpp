// Posts.xml is parsed in pieces cut at row lines, on the run's threads: the documents, their
// origins and the errors must be those of one serial parse, at any thread count.
#include "same_documents.hpp"

#include <doctest/doctest.h>

#include <tbb/task_arena.h>
#include <loom/testing/harness.hpp>

#include <filesystem>
#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::Instance;

namespace {

namespace fs = std::filesystem;

const loom_component& source() {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_stackexchange.so");
  return plugin.component("stackexchange_source");
}

// Small batches (16 KB), so a site of a few thousand rows is read in many blocks and pieces.
std::vector<Document> read(const fs::path& posts, int threads) {
  std::vector<Document> docs;
  tbb::task_arena arena(threads);
  arena.execute([&] {
    Instance src(source(), {{"paths", "[" + posts.string() + "]"}});
    docs = src.read_all(1 << 14);
  });
  return docs;
}

std::string error_of(const fs::path& posts, int threads) {
  try {
    read(posts, threads);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

// Rows one per line from line 3 on: question q (Id 2q-1) on line 2q+1, its answer on 2q+2.
std::vector<std::string> site_rows(std::size_t questions) {
  std::vector<std::string> rows;
  for (std::size_t q = 1; q <= questions; ++q) {
    const std::string id = std::to_string(2 * q - 1);
    rows.push_back("  <row Id=\"" + id + "\" PostTypeId=\"1\" Score=\"" + std::to_string(q % 7) +
                   "\" Title=\"Question " + std::to_string(q) + "\" Body=\"&lt;p&gt;Body " +
                   std::string(q % 50, 'b') + "&lt;/p&gt;\" />\n");
    rows.push_back("  <row Id=\"" + std::to_string(2 * q) + "\" PostTypeId=\"2\" ParentId=\"" + id +
                   "\" Body=\"answer " + std::to_string(q) + "\" />\n");
  }
  return rows;
}

// As the dumps are laid out (read in pieces), or with the root's start tag on the first row's
// line (no row line follows a prolog, so the source parses it serially). Same lines in both.
std::string site_xml(const std::vector<std::string>& rows, bool dump_layout) {
  std::string xml = "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  xml += dump_layout ? "<posts>\n" : "\n<posts>";
  for (const std::string& row : rows) xml += row;
  return xml + "</posts>\n";
}

fs::path write(const loom::testing::TempDir& dir, const std::string& name, const std::string& xml) {
  loom::testing::write_file(dir / name, xml);
  return dir / name;
}

}  // namespace

TEST_CASE("each document's offset is its question's line in Posts.xml, at one and two threads") {
  const loom::testing::TempDir dir("stackexchange_pieces_lines");
  const fs::path posts = write(dir, "lines.example.xml", site_xml(site_rows(3000), true));
  for (int threads : {1, 2}) {
    INFO(threads << " threads");
    const auto docs = read(posts, threads);
    REQUIRE(docs.size() == 3000);
    for (std::size_t i = 0; i < docs.size(); ++i) {
      INFO("document " << i);
      REQUIRE(docs[i].offset == 2 * (i + 1) + 1);
      REQUIRE(docs[i].text.find("\nA: answer " + std::to_string(i + 1)) != std::string::npos);
    }
  }
}

TEST_CASE("pieces read the same as one serial parse, at one and two threads") {
  const loom::testing::TempDir dir("stackexchange_pieces_same");
  const auto rows = site_rows(3000);
  loom::testing::clear_log();
  const auto serial = read(write(dir, "site.example.xml", site_xml(rows, false)), 1);
  REQUIRE(serial.size() == 3000);
  CHECK(loom::testing::log_count("parsed on one thread") == 1);
  const fs::path pieces = write(dir, "site.example.xml", site_xml(rows, true));
  check_same(serial, read(pieces, 1));
  check_same(serial, read(pieces, 2));
  CHECK(loom::testing::log_count("parsed on one thread") == 1);  // the pieces stood on their own
}

// A comment holding row lines is cut wherever a row line starts: those pieces do not parse on
// their own, and the rows inside the comment must not become posts.
TEST_CASE("row lines inside a comment are not rows, wherever the pieces are cut") {
  const loom::testing::TempDir dir("stackexchange_pieces_comment");
  auto rows = site_rows(3000);
  for (std::size_t at = 2500; at < rows.size(); at += 700)
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(at),
                "  <!-- withdrawn:\n  <row Id=\"999999\" Title=\"commented out\" Body=\"x\" />\n"
                "  <row Id=\"999998\" Title=\"also out\" Body=\"y\" />\n  -->\n");
  // Longer than a block (16 KB): a block's end falls inside it.
  std::string withdrawn = "  <!-- withdrawn:\n";
  for (int i = 0; i < 500; ++i)
    withdrawn += "  <row Id=\"" + std::to_string(900000 + i) + "\" Title=\"commented out\" />\n";
  rows.insert(rows.begin() + 2000, withdrawn + "  -->\n");
  const auto serial = read(write(dir, "site.example.xml", site_xml(rows, false)), 1);
  REQUIRE(serial.size() == 3000);
  for (const Document& doc : serial) REQUIRE(doc.text.find("commented out") == std::string::npos);
  const fs::path pieces = write(dir, "site.example.xml", site_xml(rows, true));
  for (int threads : {1, 2}) {
    loom::testing::clear_log();
    check_same(serial, read(pieces, threads));
    // Once, at the first cut inside a comment: from there on the parse is serial.
    CHECK(loom::testing::log_count("do not parse in pieces; parsed on one thread from there") == 1);
  }
}

TEST_CASE("a malformed row deep in the file is the serial parse's error: file, line, cause") {
  const loom::testing::TempDir dir("stackexchange_pieces_malformed");
  auto rows = site_rows(3000);
  rows[4000] = "  <row Id=\"4001\" PostTypeId=\"1\" Title=\"a < b\" Body=\"x\" />\n";  // line 4003
  const fs::path serial_path = write(dir, "broken.example.xml", site_xml(rows, false));
  const std::string serial = error_of(serial_path, 1);
  CHECK(serial.find(serial_path.string() + ":4003: malformed XML: ") == 0);
  const fs::path pieces = write(dir, "broken.example.xml", site_xml(rows, true));
  CHECK(error_of(pieces, 1) == serial);
  CHECK(error_of(pieces, 2) == serial);
}

TEST_CASE("a document cut short after many rows is the serial parse's error") {
  const loom::testing::TempDir dir("stackexchange_pieces_cut");
  const auto rows = site_rows(3000);
  std::string serial_xml = site_xml(rows, false), pieces_xml = site_xml(rows, true);
  serial_xml.resize(serial_xml.size() * 2 / 3);
  pieces_xml.resize(pieces_xml.size() * 2 / 3);
  const fs::path serial_path = write(dir, "cut.example.xml", serial_xml);
  const std::string serial = error_of(serial_path, 1);
  CHECK(serial.find(serial_path.string() + ":") == 0);
  const fs::path pieces = write(dir, "cut.example.xml", pieces_xml);
  CHECK(error_of(pieces, 1) == serial);
  CHECK(error_of(pieces, 2) == serial);
}
