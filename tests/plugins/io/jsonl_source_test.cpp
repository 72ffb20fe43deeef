#include <filesystem>
#include <string>
#include <vector>

#include "io_test_support.hpp"

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::MetaValue;
using loom::testing::OptionMap;
using loom::testing::TempDir;
using loom::testing::write_file;

namespace {

Instance source(const OptionMap& options) {
  return Instance(io_test::component("jsonl_source"), options);
}

// Reads `content` as one file and returns the error the source raised (or fails the test).
loom::Error read_error(const std::string& content, OptionMap extra = {}) {
  TempDir dir;
  std::string path = dir / "bad.jsonl";
  write_file(path, content);
  extra.emplace_back("paths", "[" + path + "]");
  Instance src(io_test::component("jsonl_source"), extra);
  try {
    src.read_all();
  } catch (const loom::Error& e) {
    CHECK(std::string(e.what()).find(path) != std::string::npos);
    return e;
  }
  FAIL("the source accepted bad input");
  return loom::Error("unreachable");
}

}  // namespace

TEST_CASE("fields maps input fields to meta names in the order of the mapping") {
  TempDir dir;
  std::string path = dir / "c4.jsonl";
  write_file(path, R"({"text":"first","timestamp_unused":1,"url":"http://a","date":"2019-04-25"})"
                   "\n"
                   R"({"date":"2019-04-26","text":"second","url":"http://b"})"
                   "\n");
  Instance src = source({{"paths", path}, {"fields", "{timestamp: date, url: url}"}});
  std::vector<Document> docs = src.read_all();
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == "first");
  CHECK(docs[0].keys() == std::vector<std::string>{"timestamp", "url"});
  CHECK(*docs[0].find("timestamp") == MetaValue("2019-04-25"));
  CHECK(*docs[0].find("url") == MetaValue("http://a"));
  CHECK(docs[1].text == "second");
  CHECK(docs[1].keys() == std::vector<std::string>{"timestamp", "url"});
  CHECK(*docs[1].find("timestamp") == MetaValue("2019-04-26"));
}

TEST_CASE("a record missing a mapped field is an error, a null or left out, as configured") {
  const std::string content = R"({"text":"a","url":"http://a"})"
                              "\n";
  SUBCASE("error by default, naming the input field and its meta name") {
    loom::Error e = read_error(content, {{"fields", "{timestamp: date, url: url}"}});
    CHECK(std::string(e.what()).find(":1: missing field 'date' (mapped to meta 'timestamp'") !=
          std::string::npos);
  }
  TempDir dir;
  std::string path = dir / "partial.jsonl";
  write_file(path, content);
  SUBCASE("null") {
    Instance src = source(
        {{"paths", path}, {"fields", "{timestamp: date, url: url}"}, {"missing_fields", "null"}});
    std::vector<Document> docs = src.read_all();
    REQUIRE(docs.size() == 1);
    CHECK(docs[0].keys() == std::vector<std::string>{"timestamp", "url"});
    CHECK(docs[0].find("timestamp")->type == LOOM_VALUE_NULL);
  }
  SUBCASE("omit") {
    Instance src = source(
        {{"paths", path}, {"fields", "{timestamp: date, url: url}"}, {"missing_fields", "omit"}});
    std::vector<Document> docs = src.read_all();
    REQUIRE(docs.size() == 1);
    CHECK(docs[0].keys() == std::vector<std::string>{"url"});
  }
}

TEST_CASE("an empty fields map keeps every other field, typed, in input order") {
  TempDir dir;
  std::string path = dir / "all.jsonl";
  write_file(path, R"({"s":"x","text":"t","i":-42,"f":0.5,"b":true,"n":null,)"
                   R"("a":[1, 2, {"k": "v w"}],"o":{"x": [true]},"big":18446744073709551616})"
                   "\n");
  std::vector<Document> docs = source({{"paths", path}}).read_all();
  REQUIRE(docs.size() == 1);
  const Document& d = docs[0];
  CHECK(d.text == "t");
  CHECK(d.keys() == std::vector<std::string>{"s", "i", "f", "b", "n", "a", "o", "big"});
  CHECK(*d.find("s") == MetaValue("x"));
  CHECK(*d.find("i") == MetaValue(-42));
  CHECK(*d.find("f") == MetaValue(0.5));
  CHECK(*d.find("b") == MetaValue(true));
  CHECK(*d.find("n") == MetaValue::null());
  // Nested values are kept as compact JSON; spaces inside strings survive.
  CHECK(*d.find("a") == MetaValue::json(R"([1,2,{"k":"v w"}])"));
  CHECK(*d.find("o") == MetaValue::json(R"({"x":[true]})"));
  // Too big for int64: kept exactly as its token.
  CHECK(*d.find("big") == MetaValue::json("18446744073709551616"));
}

TEST_CASE("text is unescaped, including surrogate pairs") {
  TempDir dir;
  std::string path = dir / "esc.jsonl";
  write_file(path, R"({"text":"a\"b\\c\nd\t\u00e9\ud83d\ude00/\/"})"
                   "\n");
  std::vector<Document> docs = source({{"paths", path}}).read_all();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].text == "a\"b\\c\nd\t\xc3\xa9\xf0\x9f\x98\x80//");
}

TEST_CASE("blank lines are skipped but counted; CRLF and a last line without newline work") {
  TempDir dir;
  std::string path = dir / "lines.jsonl";
  const std::string line0 = "{\"text\":\"zero\"}\r\n";
  const std::string blank = "\n  \r\n";
  const std::string line3 = "{\"text\":\"three\"}\n";
  const std::string line4 = "{\"text\":\"four\"}";  // no final newline
  write_file(path, line0 + blank + line3 + line4);
  std::vector<Document> docs = source({{"paths", path}}).read_all();
  REQUIRE(docs.size() == 3);
  CHECK(docs[0].text == "zero");
  CHECK(docs[0].record == 0);
  CHECK(docs[0].offset == 0);
  CHECK(docs[1].text == "three");
  CHECK(docs[1].record == 3);
  CHECK(docs[1].offset == line0.size() + blank.size());
  CHECK(docs[2].text == "four");
  CHECK(docs[2].record == 4);
  CHECK(docs[2].offset == line0.size() + blank.size() + line3.size());
  CHECK(docs[2].shard == path);
}

TEST_CASE("a glob gives one shard per file, sorted; small targets give several batches") {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 50; ++i) lines += "{\"text\":\"doc " + std::to_string(i) + "\"}\n";
  write_file(dir / "b.jsonl", lines);
  write_file(dir / "a.jsonl", "{\"text\":\"from a\"}\n");
  write_file(dir / "other.txt", "not matched");
  Instance src = source({{"paths", "[\"" + (dir / "*.jsonl") + "\"]"}});
  std::vector<std::string> shards = src.shards();
  REQUIRE(shards.size() == 2);
  CHECK(shards[0] == dir / "a.jsonl");
  CHECK(shards[1] == dir / "b.jsonl");

  auto batches = src.read_shard(shards[1], 1, /*target_bytes=*/40);
  CHECK(batches.size() > 1);
  std::size_t total = 0;
  for (const auto& b : batches)
    for (const auto& d : b) CHECK(d.text == "doc " + std::to_string(total++));
  CHECK(total == 50);
}

TEST_CASE("shards read one after another see only their own bytes, long lines included") {
  // A finished shard's parse buffer serves the next shard: a short shard after a long one must
  // not see the old bytes, and a buffer grown for a long line is not kept for later shards.
  TempDir dir;
  std::vector<std::vector<std::string>> expected(4);
  std::string lines;
  for (int i = 0; i < 40000; ++i) {  // over 4 MiB: the buffer is refilled
    expected[0].push_back("first shard document number " + std::to_string(i) +
                          std::string(80, 'a' + i % 26));
    lines += "{\"text\":\"" + expected[0].back() + "\"}\n";
  }
  write_file(dir / "a.jsonl", lines);
  expected[1] = {"short", "last line without a newline"};
  write_file(dir / "b.jsonl", "{\"text\":\"short\"}\n{\"text\":\"last line without a newline\"}");
  expected[2] = {std::string(5u << 20, 'y'), "after the long line"};
  write_file(dir / "c.jsonl",
             "{\"text\":\"" + expected[2][0] + "\"}\n{\"text\":\"" + expected[2][1] + "\"}\n");
  expected[3] = {"z"};
  write_file(dir / "d.jsonl", "{\"text\":\"z\"}");
  Instance src = source({{"paths", "[\"" + (dir / "*.jsonl") + "\"]"}});
  const std::vector<std::string> shards = src.shards();
  REQUIRE(shards.size() == 4);
  for (int round = 0; round < 2; ++round) {  // and again, every buffer now a recycled one
    for (std::size_t k = 0; k < shards.size(); ++k) {
      CAPTURE(k);
      std::vector<std::string> texts;
      for (const auto& batch : src.read_shard(shards[k], k))
        for (const auto& d : batch) texts.push_back(d.text);
      CHECK(texts == expected[k]);
    }
  }
}

TEST_CASE("a path that matches nothing is an error naming it") {
  TempDir dir;
  Instance src = source({{"paths", dir / "missing-*.jsonl"}});
  CHECK_THROWS_WITH(src.shards(), doctest::Contains("missing-*.jsonl"));
}

TEST_CASE("lines longer than the read chunk are assembled") {
  TempDir dir;
  std::string path = dir / "long.jsonl";
  std::string big(9u << 20, 'x');
  write_file(path, "{\"text\":\"" + big + "\"}\n{\"text\":\"after\"}\n");
  std::vector<Document> docs = source({{"paths", path}}).read_all();
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == big);
  CHECK(docs[1].text == "after");
  CHECK(docs[1].offset == big.size() + 12);
}

TEST_CASE("a text of a megabyte or more is unescaped straight into the batch, escapes and all") {
  TempDir dir;
  std::string path = dir / "book.jsonl";
  std::string escaped, expected;
  for (int i = 0; i < 60000; ++i) {
    escaped += R"(line \"q\" caf\u00e9 \ud83d\ude00\n)";
    expected += "line \"q\" caf\xc3\xa9 \xf0\x9f\x98\x80\n";
  }
  REQUIRE(escaped.size() > (std::size_t{1} << 20));
  write_file(path, "{\"title\":\"t\",\"text\":\"" + escaped + "\",\"n\":1}\n{\"text\":\"x\"}\n");
  std::vector<Document> docs = source({{"paths", path}}).read_all();
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == expected);
  CHECK(docs[0].keys() == std::vector<std::string>{"title", "n"});
  CHECK(docs[1].text == "x");

  // A bad escape in a large text is the same error as in a small one, and can be skipped.
  const std::string bad = "{\"text\":\"" + escaped + "\\q\"}\n";
  CHECK(std::string(read_error(bad).what()).find("bad.jsonl:1: invalid JSON") != std::string::npos);
  write_file(path, bad + "{\"text\":\"after\"}\n");
  docs = source({{"paths", path}, {"on_error", "skip"}}).read_all();
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].text == "after");
}

TEST_CASE("each kind of bad line is an error naming file, 1-based line and the problem") {
  const std::string good = "{\"text\":\"ok\"}\n";
  SUBCASE("invalid JSON") {
    loom::Error e = read_error(good + "{\"text\":\"a\",}\n");
    CHECK(std::string(e.what()).find(":2: invalid JSON") != std::string::npos);
    CHECK(e.line() == 2);
    CHECK(e.offset() == static_cast<std::int64_t>(good.size()));
  }
  SUBCASE("trailing content after the object") {
    loom::Error e = read_error(good + good + "{\"text\":\"a\"} {\"text\":\"b\"}\n");
    CHECK(std::string(e.what()).find(":3: invalid JSON") != std::string::npos);
    CHECK(e.line() == 3);
  }
  SUBCASE("not an object") {
    loom::Error e = read_error("[1, 2]\n");
    CHECK(std::string(e.what()).find(":1: invalid record: not a JSON object") != std::string::npos);
  }
  SUBCASE("invalid UTF-8") {
    loom::Error e = read_error(good + "\n{\"text\":\"caf\xe9\"}\n");
    CHECK(std::string(e.what()).find(":3: invalid UTF-8") != std::string::npos);
    CHECK(e.line() == 3);
  }
  SUBCASE("missing text field") {
    loom::Error e = read_error("{\"body\":\"no text\"}\n");
    CHECK(std::string(e.what()).find(":1: missing text field 'text'") != std::string::npos);
  }
  SUBCASE("missing custom text field") {
    loom::Error e = read_error(good, {{"text_field", "content"}});
    CHECK(std::string(e.what()).find(":1: missing text field 'content'") != std::string::npos);
  }
  SUBCASE("text field not a string") {
    loom::Error e = read_error(good + "{\"text\":12}\n");
    CHECK(std::string(e.what()).find(":2: text field 'text' is a number, not a string") !=
          std::string::npos);
  }
  SUBCASE("line longer than max_line_bytes") {
    loom::Error e = read_error(good + "{\"text\":\"" + std::string(200, 'y') + "\"}\n",
                               {{"max_line_bytes", "100"}});
    CHECK(std::string(e.what()).find(":2: line longer than max_line_bytes (100)") !=
          std::string::npos);
    CHECK(e.line() == 2);
  }
  SUBCASE("over-long last line without newline is detected before it ends") {
    loom::Error e = read_error(std::string(5u << 20, ' '), {{"max_line_bytes", "1000"}});
    CHECK(std::string(e.what()).find(":1: line longer than max_line_bytes") != std::string::npos);
  }
}

TEST_CASE("on_error: skip drops bad lines, logs each, and reports the count per shard") {
  TempDir dir;
  std::string path = dir / "mixed.jsonl";
  write_file(path, std::string("{\"text\":\"keep 1\"}\n") +                // 1
                       "{broken\n" +                                       // 2
                       "{\"text\":5}\n" +                                  // 3
                       "{\"text\":\"" + std::string(300, 'z') + "\"}\n" +  // 4: too long
                       "{\"no_text\":\"x\"}\n" +                           // 5
                       "{\"text\":\"keep 6\"}\n" +                         // 6
                       "{\"text\":\"bad \xff\"}");                         // 7, no newline
  loom::testing::clear_log();
  std::vector<Document> docs;
  {
    Instance src = source({{"paths", path}, {"on_error", "skip"}, {"max_line_bytes", "200"}});
    docs = src.read_all();
  }
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == "keep 1");
  CHECK(docs[1].text == "keep 6");
  CHECK(docs[1].record == 5);
  CHECK(loom::testing::log_count("(skipped)") == 5);
  for (int line : {2, 3, 4, 5, 7})
    CHECK(loom::testing::log_count(path + ":" + std::to_string(line) + ": ") == 1);
  CHECK(loom::testing::log_count(path + ": skipped 5 bad lines") == 1);
}

TEST_CASE("options are checked: paths is required, on_error is an enum") {
  CHECK_THROWS_WITH(loom::testing::check_options(io_test::component("jsonl_source"), {}),
                    doctest::Contains("paths"));
  CHECK_THROWS_WITH(loom::testing::check_options(io_test::component("jsonl_source"),
                                                 {{"paths", "x"}, {"on_error", "ignore"}}),
                    doctest::Contains("fail, skip"));
}

TEST_CASE(
    "the next shard opened ahead: its own documents, in any reading order; errors at its turn") {
  TempDir dir;
  for (const char* name : {"a", "b", "c"})
    write_file(dir / (std::string(name) + ".jsonl"),
               std::string("{\"text\":\"from ") + name + "\"}\n");
  Instance src = source({{"paths", "[\"" + (dir / "*.jsonl") + "\"]"}});
  const std::vector<std::string> shards = src.shards();
  REQUIRE(shards.size() == 3);
  auto text_of = [&](std::size_t index) {
    auto batches = src.read_shard(shards[index], index, 1 << 20);
    REQUIRE(batches.size() == 1);
    REQUIRE(batches[0].size() == 1);
    return batches[0][0].text;
  };
  // In order (each opening the next), then a second reading from the start, then out of order.
  CHECK(text_of(0) == "from a");
  CHECK(text_of(1) == "from b");
  CHECK(text_of(0) == "from a");
  CHECK(text_of(2) == "from c");
  CHECK(text_of(1) == "from b");
  // A shard that cannot be opened ahead fails when it is read, not when the one before is.
  CHECK(text_of(1) == "from b");  // opens c ahead
  std::filesystem::remove(dir / "c.jsonl");
  CHECK(text_of(1) == "from b");  // c cannot be opened ahead now: no error yet
  CHECK_THROWS_WITH(src.read_shard(shards[2], 2, 1 << 20), doctest::Contains("c.jsonl"));
}

TEST_CASE("lines read the same whatever blocks the host lends, and on an ABI 1.3 host") {
  // The source parses each line where the host lent it and joins only lines that run past a
  // lent block. Blocks of every size put a block's end inside every kind of line: CRLF split
  // between its two bytes, blank lines, an over-long line, a line longer than a block, the last
  // line without a newline.
  TempDir dir;
  const std::string path = dir / "mixed.jsonl";
  const std::string long_text(300'000, 'L');
  const std::vector<std::string> lines = {
      "{\"text\":\"crlf\",\"n\":1}\r\n",
      "\n",
      "  \r\n",
      "{\"text\":\"" + long_text + "\",\"n\":2}\n",
      "{\"text\":\"" + std::string(500'000, 'x') + "\"}\n",  // over max_line_bytes: skipped
      "{broken\n",                                           // skipped
      "{\"text\":\"caf\\u00e9 \\\"q\\\"\",\"n\":3}\r\n",
      "{\"text\":\"last\",\"n\":4}",
  };
  std::string content;
  std::vector<std::uint64_t> offsets;
  for (const std::string& line : lines) {
    offsets.push_back(content.size());
    content += line;
  }
  write_file(path, content);
  const OptionMap options = {{"paths", path}, {"on_error", "skip"}, {"max_line_bytes", "400000"}};

  auto check_docs = [&](const std::vector<Document>& docs) {
    REQUIRE(docs.size() == 4);
    const std::vector<std::string> texts = {"crlf", long_text, "caf\xc3\xa9 \"q\"", "last"};
    const std::vector<std::size_t> line_index = {0, 3, 6, 7};
    for (std::size_t k = 0; k < docs.size(); ++k) {
      CAPTURE(k);
      CHECK(docs[k].text == texts[k]);
      CHECK(docs[k].record == line_index[k]);
      CHECK(docs[k].offset == offsets[line_index[k]]);
      REQUIRE(docs[k].find("n") != nullptr);
      CHECK(docs[k].keys() == std::vector<std::string>{"n"});
    }
  };
  for (const std::size_t block : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7},
                                  std::size_t{64}, std::size_t{4097}, std::size_t{256} << 10}) {
    CAPTURE(block);
    const loom::testing::InputLendBytes lent_blocks(block);
    loom::testing::clear_log();
    check_docs(source(options).read_all());
    CHECK(loom::testing::log_count(path + ":5: line longer than max_line_bytes") == 1);
    CHECK(loom::testing::log_count(path + ":6: invalid JSON") == 1);
  }
  {
    const loom::testing::AsAbi13Host older_host;  // no input_lend: the SDK reads into its own
    check_docs(source(options).read_all());
  }
  // With the default on_error, the over-long line is the error, named by its line and offset.
  const loom::testing::InputLendBytes lent_blocks(5);
  try {
    source({{"paths", path}, {"max_line_bytes", "400000"}}).read_all();
    FAIL("the over-long line was accepted");
  } catch (const loom::Error& e) {
    CHECK(std::string(e.what()).find(path + ":5: line longer than max_line_bytes (400000)") !=
          std::string::npos);
    CHECK(e.line() == 5);
    CHECK(e.offset() == static_cast<std::int64_t>(offsets[4]));
  }
}
