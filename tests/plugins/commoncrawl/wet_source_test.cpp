// wet_source on WET text written by the tests: cc_net's parsing rules (stripped lines, universal
// newlines, positional headers, WARC/1.0 framing) and each kind of dropped record.
#include "wet_reading.hpp"

#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <string>
#include <vector>

using loom::testing::Document;
using loom::testing::MetaValue;
using wet_test::conversion_record;
using wet_test::read_wet;
using wet_test::warcinfo_record;

namespace {

std::string write_wet(const std::string& name, const std::string& content) {
  static const loom::testing::TempDir dir;
  loom::testing::write_file(dir / name, content);
  return dir / name;
}

std::string meta_string(const Document& doc, const std::string& key) {
  const MetaValue* v = doc.find(key);
  REQUIRE(v != nullptr);
  return v->s;
}

std::int64_t meta_int(const Document& doc, const std::string& key) {
  const MetaValue* v = doc.find(key);
  REQUIRE(v != nullptr);
  return v->i;
}

}  // namespace

TEST_CASE("a conversion record becomes a document with cc_net's fields in cc_net's order") {
  const std::string block =
      "  The Title \t\n"
      "first line\n"
      "\xc2\xa0  indented line\xe3\x80\x80\n"  // U+00A0 and U+3000 are stripped like spaces
      "\n"
      "last line\n";
  const std::string path = write_wet(
      "order.warc.wet",
      warcinfo_record() + conversion_record("https://Example.org:8080/a?b#c", block, true));
  const auto read = read_wet({{"paths", path}, {"min_chars", "1"}});
  REQUIRE(read.docs.size() == 1);
  const Document& doc = read.docs[0];
  CHECK(doc.text == "first line\nindented line\n\nlast line");
  CHECK(doc.keys() == std::vector<std::string>{"url", "date_download", "digest", "length", "nlines",
                                               "source_domain", "title", "cc_segment"});
  CHECK(meta_string(doc, "url") == "https://Example.org:8080/a?b#c");
  CHECK(meta_string(doc, "date_download") == "2023-01-26T22:21:08Z");
  CHECK(meta_string(doc, "digest") == "sha1:2WURD74BLDCLPV6INBQEQ6OOJRQDPJBA");
  CHECK(meta_int(doc, "length") == static_cast<std::int64_t>(block.size()));
  // The block ends "last line\n" + "\r\n\r\n": the two final empty lines are removed, the
  // empty line inside is kept.
  CHECK(meta_int(doc, "nlines") == 4);
  CHECK(meta_string(doc, "source_domain") == "Example.org:8080");
  CHECK(meta_string(doc, "title") == "The Title");
  CHECK(meta_string(doc, "cc_segment") == "order.warc.wet");
  CHECK(doc.record == 1);  // the warcinfo record is record 0
  CHECK(doc.offset == warcinfo_record().size());
  CHECK(read.skipped.at("not_conversion") == 1);
}

TEST_CASE("lines break at \\n, \\r\\n and a lone \\r, as Python's universal newlines do") {
  // Old layout (no language header): Content-Length is headers[8].
  const std::string record =
      "WARC/1.0\rWARC-Type: conversion\nWARC-Target-URI: http://a.example/x\r\n"
      "WARC-Date: 2019-03-18T00:00:00Z\rWARC-Record-ID: <urn:uuid:1>\r"
      "WARC-Refers-To: <urn:uuid:2>\rWARC-Block-Digest: sha1:AAAA\r"
      "Content-Type: text/plain\rContent-Length: 5\r\r"
      "Title\rone\r\ntwo\x0bstill two\xe2\x80\xa8\nthree\n\r\n\r\n";
  const auto read = read_wet({{"paths", write_wet("newlines.wet", record)}, {"min_chars", "1"}});
  REQUIRE(read.docs.size() == 1);
  // \v and U+2028 are not line breaks when reading a file (only str.splitlines() splits there),
  // but strip() removes them at the ends of a line.
  CHECK(read.docs[0].text == "one\ntwo\x0bstill two\nthree");
  CHECK(meta_int(read.docs[0], "length") == 5);
  CHECK(meta_int(read.docs[0], "nlines") == 3);
  CHECK(meta_string(read.docs[0], "title") == "Title");
}

TEST_CASE("records are framed by WARC/1.0 lines, not by Content-Length") {
  std::string lying = conversion_record("http://lie.example/", "Title\nshort body\n");
  const std::string::size_type at = lying.find("Content-Length: ");
  lying.replace(at, lying.find("\r\n", at) - at, "Content-Length: 3");
  const std::string path =
      write_wet("lying.wet", lying + conversion_record("http://next.example/", "T\nnext\n"));
  loom::testing::clear_log();
  const auto read = read_wet({{"paths", path}, {"min_chars", "1"}});
  REQUIRE(read.docs.size() == 2);
  CHECK(read.docs[0].text == "short body");
  CHECK(meta_int(read.docs[0], "length") == 3);  // the header's value, as cc_net keeps it
  CHECK(read.docs[1].text == "next");
  // The mismatch is reported once per file, naming the first record that has one.
  CHECK(loom::testing::log_count(path + ": 1 conversion record whose Content-Length differs") == 1);
  CHECK(loom::testing::log_count("record 1, Content-Length 3, block 17 bytes") == 1);
}

TEST_CASE("records cc_net cannot parse are dropped and counted by reason") {
  const std::string good = conversion_record("http://ok.example/", "T\nkept\n");
  std::string no_value = conversion_record("http://x.example/", "T\nbody\n");
  no_value.replace(no_value.find("WARC-Date: 2023-01-26T22:21:08Z"), 31, "WARC-Date:");
  // headers[9] exists but is not an integer: int() raises ValueError, no fallback to [8].
  std::string not_int = conversion_record("http://y.example/", "T\nbody\n", true);
  not_int.replace(not_int.find("Content-Type: text/plain\r\n"), 26, "");
  not_int.replace(not_int.find("Content-Length"), 0, "X-Extra: 1\r\nContent-Type: text/plain\r\n");
  const std::string short_headers =
      "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://z.example/\r\n\r\nT\nbody\n";
  const std::string empty_body =
      "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://e.example/\r\n\r\n";
  const std::string bad_url = conversion_record("http://[::1/", "T\nbody\n");
  const std::string request =
      "WARC/1.0\r\nWARC-Type: request\r\nContent-Length: 4\r\n\r\nGET /\r\n\r\n";
  const std::string response =  // binary payloads are never decoded: only conversions count
      "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 6\r\n\r\n\x89PNG\xff\xfe\r\n\r\n";
  const auto read =
      read_wet({{"paths", write_wet("bad.wet", no_value + not_int + short_headers + empty_body +
                                                   bad_url + request + response + good)},
                {"min_chars", "1"}});
  REQUIRE(read.docs.size() == 1);
  CHECK(read.docs[0].text == "kept");
  CHECK(read.skipped.at("bad_header") == 3);
  CHECK(read.skipped.at("empty_record") == 1);
  CHECK(read.skipped.at("bad_url") == 1);
  CHECK(read.skipped.at("not_conversion") == 2);
}

TEST_CASE("min_chars counts code points of raw_content; shorter documents are counted") {
  const std::string path =
      write_wet("short.wet",
                conversion_record("http://a.example/", "T\n" + std::string(299, 'x') + "\n") +
                    conversion_record("http://b.example/", "T\n" + std::string(300, 'y') + "\n") +
                    // 150 two-byte characters: 300 bytes but 150 code points
                    conversion_record(
                        "http://c.example/", "T\n" + [] {
                          std::string s;
                          for (int i = 0; i < 150; ++i) s += "\xc3\xa9";
                          return s;
                        }() + "\n"));
  const auto read = read_wet({{"paths", path}});  // default min_chars: 300, as cc_net mines
  REQUIRE(read.docs.size() == 1);
  CHECK(meta_string(read.docs[0], "url") == "http://b.example/");
  CHECK(read.skipped.at("too_short") == 2);
}

TEST_CASE("invalid UTF-8 in a conversion record: skipped and counted, or an error naming it") {
  const std::string path =
      write_wet("utf8.wet", conversion_record("http://a.example/", "T\nbad \xff byte\n") +
                                conversion_record("http://b.example/", "T\ngood\n"));
  loom::testing::clear_log();
  const auto read = read_wet({{"paths", path}, {"min_chars", "1"}});
  REQUIRE(read.docs.size() == 1);
  CHECK(read.docs[0].text == "good");
  CHECK(read.skipped.at("invalid_utf8") == 1);
  CHECK(loom::testing::log_count(path + ": record 1 (byte 0 of the decompressed stream): not "
                                        "valid UTF-8") == 1);
  CHECK_THROWS_WITH(read_wet({{"paths", path}, {"min_chars", "1"}, {"invalid_utf8", "fail"}}),
                    doctest::Contains((path + ": record 1 (byte 0").c_str()));
}

TEST_CASE("options: paths or dumps is required; unknown enum values are refused") {
  CHECK_THROWS_WITH(read_wet({}), doctest::Contains("`paths`"));
  CHECK_THROWS(read_wet({{"paths", "x.wet"}, {"invalid_utf8", "ignore"}}));
  CHECK_THROWS(read_wet({{"paths", "x.wet"}, {"max_record_bytes", "10"}}));
}

TEST_CASE("a wet.paths listing names segments under url_root, in listing order") {
  static const loom::testing::TempDir root;
  const std::vector<std::string> segments = {
      "crawl-data/CC-MAIN-2099-01/segments/2/wet/b.warc.wet",
      "crawl-data/CC-MAIN-2099-01/segments/1/wet/a.warc.wet"};
  for (std::size_t i = 0; i < segments.size(); ++i) {
    std::filesystem::create_directories(std::filesystem::path(root / segments[i]).parent_path());
    loom::testing::write_file(
        root / segments[i],
        conversion_record("http://s" + std::to_string(i) + ".example/", "T\nsegment\n"));
  }
  loom::testing::write_file(root / "wet.paths", segments[0] + "\n\n  " + segments[1] + "  \n");
  const auto read =
      read_wet({{"paths", root / "wet.paths"}, {"url_root", root / ""}, {"min_chars", "1"}});
  REQUIRE(read.shards == std::vector<std::string>{root / segments[0], root / segments[1]});
  REQUIRE(read.docs.size() == 2);
  CHECK(meta_string(read.docs[0], "cc_segment") == segments[0]);
  CHECK(meta_string(read.docs[1], "cc_segment") == segments[1]);
}
