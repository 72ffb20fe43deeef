// wet_source on a 100 MB record: skipped as record_too_large while memory stays bounded, and
// the records after it are still read.
#include "wet_reading.hpp"

#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>

#include <sys/resource.h>

#include <fstream>
#include <string>

using wet_test::conversion_record;
using wet_test::read_wet;

namespace {

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// A WET file whose first record has a body of `body_bytes` (one line, or many when `lines`),
// followed by a normal record. Written in pieces so the test itself never holds it.
std::string write_big_record(const loom::testing::TempDir& dir, std::size_t body_bytes,
                             bool lines) {
  const std::string path = dir / (lines ? "many_lines.wet" : "one_line.wet");
  std::ofstream out(path, std::ios::binary);
  out << "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://big.example/\r\n"
         "WARC-Date: 2023-01-26T22:21:08Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
         "WARC-Refers-To: <urn:uuid:2>\r\nWARC-Block-Digest: sha1:BIG\r\n"
         "Content-Type: text/plain\r\nContent-Length: "
      << body_bytes << "\r\n\r\nBig title\n";
  std::string piece(1 << 20, 'x');
  if (lines)
    for (std::size_t i = 99; i < piece.size(); i += 100) piece[i] = '\n';
  for (std::size_t written = 0; written < body_bytes; written += piece.size()) out << piece;
  out << "\n\r\n\r\n" << conversion_record("http://after.example/", "T\nafter the big one\n");
  return path;
}

}  // namespace

TEST_CASE("a 100 MB record is skipped without being held in memory") {
  const loom::testing::TempDir dir;
  for (bool lines : {false, true}) {
    CAPTURE(lines);
    const std::string path = write_big_record(dir, std::size_t{100} << 20, lines);
    const long before = peak_rss_kib();
    loom::testing::clear_log();
    const auto read = read_wet({{"paths", path}, {"min_chars", "1"}});
    const long grown_mib = (peak_rss_kib() - before) / 1024;
    REQUIRE(read.docs.size() == 1);
    CHECK(read.docs[0].text == "after the big one");
    CHECK(read.docs[0].record == 1);
    CHECK(read.skipped.at("record_too_large") == 1);
    CHECK(loom::testing::log_count(path + ": record 1 (byte 0") == 1);
    // The default max_record_bytes is 64 MiB: at most that much of the record is kept.
    CHECK(grown_mib < 96);
    std::filesystem::remove(path);
  }
}

TEST_CASE("max_record_bytes bounds what one record may hold") {
  const loom::testing::TempDir dir;
  const std::string path = write_big_record(dir, std::size_t{8} << 20, true);
  const long before = peak_rss_kib();
  const auto read = read_wet({{"paths", path}, {"min_chars", "1"}, {"max_record_bytes", "65536"}});
  CHECK((peak_rss_kib() - before) / 1024 < 6);
  REQUIRE(read.docs.size() == 1);
  CHECK(read.skipped.at("record_too_large") == 1);
  const auto whole = read_wet({{"paths", path}, {"min_chars", "1"}});
  REQUIRE(whole.docs.size() == 2);  // under the default limit the same record is a document
  CHECK(whole.docs[0].text.size() > (std::size_t{7} << 20));
}
