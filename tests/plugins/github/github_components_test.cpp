#include <doctest/doctest.h>

#include <loom/testing/harness.hpp>
#include <string>
#include <vector>

#include "github_test_support.hpp"

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::Meta;
using loom::testing::MetaValue;

namespace {

Document row(std::string text, Meta meta) {
  Document d{std::move(text)};
  d.meta = std::move(meta);
  return d;
}

std::vector<std::string> verdicts(const std::vector<Document>& docs) {
  std::vector<std::string> out;
  for (const Document& d : docs) out.push_back(d.dropped ? d.drop_reason : "kept");
  return out;
}

}  // namespace

TEST_CASE("the github plugin provides its components with the right kinds") {
  const auto& p = github_plugin();
  CHECK(p.component("license_filter").kind == LOOM_KIND_FILTER);
  CHECK(p.component("github_path_filter").kind == LOOM_KIND_FILTER);
  CHECK(p.component("github_quality").kind == LOOM_KIND_FILTER);
  CHECK(p.component("content_hash").kind == LOOM_KIND_CLEANER);
  CHECK(p.component("copyright_strip").kind == LOOM_KIND_CLEANER);
  CHECK(p.component("github_metadata").kind == LOOM_KIND_CLEANER);
}

TEST_CASE("license_filter keeps mit/bsd/apache prefixes and names the dropped license") {
  Instance filter(github_plugin().component("license_filter"), {});
  std::vector<Document> docs = {row("a", {{"license", "mit"}}),
                                row("b", {{"license", "bsd-3-clause"}}),
                                row("c", {{"license", "apache-2.0"}}),
                                row("d", {{"license", "gpl-2.0"}}),
                                row("e", {{"license", "MIT"}}),
                                row("f", {{"license", MetaValue::null()}}),
                                row("g", {}),
                                row("h", {{"license", std::int64_t{3}}})};
  CHECK(verdicts(filter.process(docs)) ==
        std::vector<std::string>{"kept", "kept", "kept", "license_gpl-2.0", "license_MIT",
                                 "license_missing", "license_missing", "license_not_a_string"});
  Instance custom(github_plugin().component("license_filter"),
                  {{"allowed_prefixes", "[gpl]"}, {"field", "lic"}});
  CHECK(verdicts(custom.process({row("x", {{"lic", "gpl-3.0"}}), row("y", {{"lic", "mit"}})})) ==
        std::vector<std::string>{"kept", "license_mit"});
  CHECK_THROWS(loom::testing::check_options(github_plugin().component("license_filter"),
                                            {{"allowed_prefixes", "[]"}}));
}

TEST_CASE("github_path_filter drops *.crt and only the root LICENSE") {
  Instance filter(github_plugin().component("github_path_filter"), {});
  std::vector<Document> docs = {row("", {{"path", "certs/ca.crt"}}), row("", {{"path", "LICENSE"}}),
                                row("", {{"path", "sub/LICENSE"}}), row("", {{"path", "a.CRT"}}),
                                row("", {{"path", "LICENSE.md"}})};
  CHECK(verdicts(filter.process(docs)) ==
        std::vector<std::string>{"excluded_suffix", "excluded_path", "kept", "kept", "kept"});
  CHECK_THROWS_WITH(filter.process({row("", {})}), doctest::Contains("'path'"));
}

TEST_CASE("content_hash is the md5 hex of the raw bytes") {
  Instance hash(github_plugin().component("content_hash"), {});
  auto docs = hash.process({Document{""}, Document{"abc"}, Document{"\xc3\xa9\n"}});
  CHECK(docs[0].find("content_hash")->s == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(docs[1].find("content_hash")->s == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(docs[2].find("content_hash")->s.size() == 32);
}

TEST_CASE("copyright_strip: first block comment only, leading comment lines as an option") {
  Instance strip(github_plugin().component("copyright_strip"), {});
  auto text_after = [&](Instance& s, std::string in) { return s.process({Document{in}})[0].text; };
  CHECK(text_after(strip, "/* Copyright 2020 */\nint x;\n") == "\nint x;\n");
  // The first comment has no copyright: nothing is cut, not even a later copyright comment.
  CHECK(text_after(strip, "/* doc */ /* (c) COPYRIGHT */ x") == "/* doc */ /* (c) COPYRIGHT */ x");
  CHECK(text_after(strip, "#include <a.h>\n// c\n\nint main;\n") == "int main;\n");
  CHECK(text_after(strip, "#!/bin/sh\n# only comments\n") == "");
  Instance keep_lines(github_plugin().component("copyright_strip"),
                      {{"strip_leading_comment_lines", "false"}});
  CHECK(text_after(keep_lines, "#include <a.h>\nint main;\n") == "#include <a.h>\nint main;\n");
  CHECK(text_after(keep_lines, "/* copyright */x") == "x");
}

TEST_CASE("github_metadata orders meta like the reference and writes integer zeros when empty") {
  Instance metadata(github_plugin().component("github_metadata"), {});
  auto docs =
      metadata.process({row("ab\ncd\n", {{"id", "1"}, {"path", "a.py"}, {"content_hash", "h"}}),
                        row("", {{"content_hash", "e"}})});
  CHECK(docs[0].keys() == std::vector<std::string>{"content_hash", "timestamp", "source",
                                                   "line_count", "max_line_length",
                                                   "avg_line_length", "alnum_prop", "id", "path"});
  CHECK(*docs[0].find("line_count") == MetaValue(std::int64_t{2}));
  CHECK(*docs[0].find("avg_line_length") == MetaValue(3.0));
  CHECK(*docs[0].find("alnum_prop") == MetaValue(4.0 / 6.0));
  CHECK(*docs[0].find("source") == MetaValue("github"));
  CHECK(*docs[1].find("avg_line_length") == MetaValue(std::int64_t{0}));
  CHECK(*docs[1].find("alnum_prop") == MetaValue(std::int64_t{0}));
}

TEST_CASE("github_metadata reports invalid UTF-8 and a missing hash with the record") {
  Instance metadata(github_plugin().component("github_metadata"), {});
  for (std::string bad : {"a\xff", "\xc3", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80"})
    CHECK_THROWS_WITH(
        metadata.process({row("ok", {{"content_hash", "h"}}), row(bad, {{"content_hash", "h"}})}),
        doctest::Contains("not valid UTF-8"));
  CHECK_THROWS_WITH(metadata.process({Document{"x"}}), doctest::Contains("content_hash"));
  // Binary-looking but valid UTF-8 (NUL bytes) is just text to the statistics.
  auto docs = metadata.process({row(std::string("a\0b", 3), {{"content_hash", "h"}})});
  CHECK(*docs[0].find("alnum_prop") == MetaValue(2.0 / 3.0));
}

TEST_CASE("github_quality applies the reference's rules in order with its reasons") {
  Instance quality(github_plugin().component("github_quality"), {});
  auto doc = [](std::string text, std::string path, std::int64_t max_line, double avg,
                double alnum) {
    return row(std::move(text), {{"path", std::move(path)},
                                 {"max_line_length", max_line},
                                 {"avg_line_length", avg},
                                 {"alnum_prop", alnum}});
  };
  std::vector<Document> docs = {doc("", "a.py", 0, 0, 0),
                                doc("x", "a.txt", 1, 1, 1),
                                doc("x", "a.PY", 1, 1, 1),
                                doc("x", "src/Makefile", 1, 1, 1),
                                doc("x", "a.py", 1001, 1, 1),
                                doc("x", "a.py", 1000, 100.5, 1),
                                doc("x", "a.py", 1000, 100, 0.2499),
                                doc("x", "a.C", 1000, 100, 0.25)};
  CHECK(verdicts(quality.process(docs)) ==
        std::vector<std::string>{"empty", "extension_whitelist", "extension_whitelist", "kept",
                                 "max_line_length>1000", "avg_line_length>100", "alnum_prop<0.25",
                                 "kept"});
  Instance loose(github_plugin().component("github_quality"),
                 {{"extensions", "[]"}, {"max_avg_line_length", "20.5"}});
  CHECK(verdicts(loose.process({doc("x", "a.txt", 1, 30, 1)})) ==
        std::vector<std::string>{"avg_line_length>20.5"});
}
