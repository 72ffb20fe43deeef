#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "io_test_support.hpp"

using loom::testing::BatchInput;
using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::list_files;
using loom::testing::Meta;
using loom::testing::MetaValue;
using loom::testing::OptionMap;
using loom::testing::read_file;
using loom::testing::TempDir;
using loom::testing::write_file;

namespace {

Instance sink(const OptionMap& options) {
  return Instance(io_test::component("jsonl_sink"), options);
}

Document doc(std::string text, Meta meta = {}) {
  Document d;
  d.text = std::move(text);
  d.meta = std::move(meta);
  return d;
}

std::vector<std::string> lines_of(const std::string& bytes) {
  std::vector<std::string> lines;
  std::istringstream in(bytes);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return out;
}

std::string hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// Records that exercise every escaping and number-formatting rule of json.dumps.
const char* const tricky_jsonl =
    R"({"text":"plain ascii","url":"http://example.com/a?b=c&d","n":1})"
    "\n"
    R"({"text":"caf\u00e9 na\u00efve \u4e2d\u6587 \ud83d\ude00 \ud834\udd1e \uffff","lang":"fr"})"
    "\n"
    R"({"text":"q \" bs \\ sl / nl \n cr \r tab \t b \b f \f nul \u0000 bel \u0007 us \u001f del \u007f","x":null})"
    "\n"
    "{\"text\":\"raw utf8 \xc3\xa9 \xc3\xbc \xf0\x9f\x98\x80 \xe2\x9c\x93 \xc2\x80\",\"b\":true,"
    "\"c\":false}\n"
    R"({"text":"floats","f1":0.1,"f2":1e-05,"f3":1e16,"f4":31.452380952380953,"f5":1.0,)"
    R"("f6":-0.0,"f7":123456789012345680000.0,"f8":1e-4,"f9":2.5e-300,)"
    R"("f10":1.7976931348623157e308,"f11":5e-324,"f12":100.0,"f13":1e15,"f14":0.000123,)"
    R"("f15":1E+2,"f16":1e400,"f17":-1e-400,"f18":9007199254740993.0})"
    "\n"
    R"({"text":"ints","i1":0,"i2":-1,"i3":9223372036854775807,"i4":-9223372036854775808,)"
    R"("i5":18446744073709551615,"i6":123456789012345678901234567890,"i7":-0})"
    "\n"
    R"({"text":"nested","a":[1, 2.5, "\u00e9", null, true, false, {"c": 1e16, "d": [], "e": {}}],)"
    R"("o":{"k\u00e9y": "v\"al", "n": [0.1, -0.0, 1e400]}})"
    "\n"
    R"({"text":"","empty":"","key_\u00e9\ud83d\ude00":"v","ctrl\n":"\u001b"})"
    "\n";

// json.dumps of each input record as {"text": ..., "meta": {rest}}, flat with `flat`, and with
// the meta object or fields first with `meta_first` / `meta_first_flat`.
const char* const python_dumps = R"(
import json, sys
src, dst, layout = sys.argv[1], sys.argv[2], sys.argv[3]
def text_after_lang(r, text):
    obj = {}
    for k, v in r.items():
        obj[k] = v
        if k == 'lang':
            obj['text'] = text
    obj.setdefault('text', text)
    return obj
utf8 = layout.endswith('utf8')
with open(src, 'rb') as f, open(dst, 'w', encoding='utf-8', newline='\n') as out:
    for line in f:
        if not line.strip():
            continue
        r = json.loads(line)
        text = r.pop('text')
        obj = {
            'nested': lambda: {'text': text, 'meta': r},
            'flat': lambda: {'text': text, **r},
            'meta_first': lambda: {'meta': r, 'text': text},
            'meta_first_flat': lambda: {**r, 'text': text},
            'text_after_lang_utf8': lambda: text_after_lang(r, text),
        }[layout]()
        out.write(json.dumps(obj, ensure_ascii=not utf8) + '\n')
)";

std::vector<Document> read_back(const std::string& path) {
  return Instance(io_test::component("jsonl_source"), {{"paths", path}}).read_all();
}

}  // namespace

TEST_CASE("python style matches json.dumps byte for byte on tricky records") {
  if (!io_test::have_python()) {
    MESSAGE("python3 not found: skipping the json.dumps comparison");
    return;
  }
  for (std::string layout :
       {"nested", "flat", "meta_first", "meta_first_flat", "text_after_lang_utf8"}) {
    CAPTURE(layout);
    TempDir dir;
    std::string input = dir / "tricky.jsonl";
    write_file(input, tricky_jsonl);
    std::vector<Document> docs = read_back(input);
    REQUIRE(docs.size() == 8);

    const bool text_after = layout.starts_with("text_after");
    const bool flat = layout.ends_with("flat") || text_after;
    Instance out = sink({{"path", dir / "out/{shard}.jsonl"},
                         {"meta_field", flat ? "\"\"" : "meta"},
                         {"meta_first", layout.starts_with("meta_first") ? "true" : "false"},
                         {"json_style", text_after ? "python_utf8" : "python"},
                         {"text_after", text_after ? "lang" : "\"\""}});
    out.run_sink({BatchInput{input, 0, docs}});
    io_test::run_python(dir, python_dumps, input + " " + (dir / "expected.jsonl") + " " + layout);

    std::string expected = read_file(dir / "expected.jsonl");
    std::string actual = read_file(dir / "out/tricky.jsonl");
    std::vector<std::string> expected_lines = lines_of(expected);
    std::vector<std::string> actual_lines = lines_of(actual);
    REQUIRE(actual_lines.size() == expected_lines.size());
    for (std::size_t i = 0; i < expected_lines.size(); ++i)
      CHECK(actual_lines[i] == expected_lines[i]);
    CHECK(actual == expected);
  }
}

TEST_CASE("python_utf8 style spaces JSON meta values as json.dumps does and keeps UTF-8") {
  TempDir dir;
  sink({{"path", dir / "u.jsonl"},
        {"json_style", "python_utf8"},
        {"meta_field", "''"},
        {"text_after", "title"}})
      .run_sink({BatchInput{"s",
                            0,
                            {doc("caf\xc3\xa9\n\x01",
                                 {{"title", "\xe4\xb8\xad"},
                                  {"line_ids", MetaValue::json("[0,1,{\"k\":\"\xc3\xa9\"}]")}})}}});
  CHECK(read_file(dir / "u.jsonl") ==
        "{\"title\": \"\xe4\xb8\xad\", \"text\": \"caf\xc3\xa9\\n\\u0001\", "
        "\"line_ids\": [0, 1, {\"k\": \"\xc3\xa9\"}]}\n");
}

TEST_CASE("text_after needs top-level meta fields") {
  const loom_component& c = io_test::component("jsonl_sink");
  CHECK_THROWS_WITH(loom::testing::check_options(c, {{"path", "o.jsonl"}, {"text_after", "title"}}),
                    doctest::Contains("meta_field: ''"));
  CHECK_NOTHROW(loom::testing::check_options(
      c, {{"path", "o.jsonl"}, {"text_after", "title"}, {"meta_field", "''"}}));
}

TEST_CASE("python style writes floats exactly as Python's repr, for many random doubles") {
  if (!io_test::have_python()) {
    MESSAGE("python3 not found: skipping the float repr comparison");
    return;
  }
  std::vector<double> values = {0.0,
                                -0.0,
                                0.1,
                                1e-05,
                                1e-4,
                                1e16,
                                1e15,
                                9999999999999998.0,
                                1e17,
                                123456789.125,
                                5e-324,
                                2.2250738585072014e-308,
                                1.7976931348623157e308,
                                std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  std::mt19937_64 random(20240611);
  for (int i = 0; i < 3000; ++i) {
    std::uint64_t bits = random();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    values.push_back(d);
  }
  std::uniform_int_distribution<int> digits(0, 1'000'000), power(-12, 22);
  for (int i = 0; i < 2000; ++i) values.push_back(digits(random) * std::pow(10.0, power(random)));

  TempDir dir;
  std::string hex_lines;
  std::vector<Document> docs;
  for (double v : values) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", v);
    hex_lines += std::string(buf) + "\n";
    docs.push_back(doc("", {{"x", MetaValue(v)}}));
  }
  write_file(dir / "floats.hex", hex_lines);
  sink({{"path", dir / "floats.jsonl"}}).run_sink({BatchInput{"floats", 0, docs}});
  io_test::run_python(dir, R"(
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], 'w', newline='\n') as out:
    for line in f:
        out.write(json.dumps({'text': '', 'meta': {'x': float.fromhex(line.strip())}}) + '\n')
)",
                      (dir / "floats.hex") + " " + (dir / "expected.jsonl"));
  std::vector<std::string> expected = lines_of(read_file(dir / "expected.jsonl"));
  std::vector<std::string> actual = lines_of(read_file(dir / "floats.jsonl"));
  REQUIRE(actual.size() == expected.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (actual[i] != expected[i] && ++mismatches <= 10) CHECK(actual[i] == expected[i]);
  }
  CHECK(mismatches == 0);
}

TEST_CASE("python style escapes random Unicode text exactly as json.dumps") {
  if (!io_test::have_python()) {
    MESSAGE("python3 not found: skipping the string escaping comparison");
    return;
  }
  std::mt19937 random(7);
  // Every range that escapes differently: controls, ASCII, DEL, Latin-1, BMP, astral.
  const std::vector<std::pair<char32_t, char32_t>> ranges = {
      {0x00, 0x1f},    {0x20, 0x7e},     {0x7f, 0x7f},       {0x80, 0xff},
      {0x100, 0xd7ff}, {0xe000, 0xffff}, {0x10000, 0x10ffff}};
  std::uniform_int_distribution<std::size_t> pick_range(0, ranges.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  TempDir dir;
  std::string hex_lines;
  std::vector<Document> docs;
  for (int i = 0; i < 1000; ++i) {
    std::string s;
    for (int n = length(random); n > 0; --n) {
      auto [lo, hi] = ranges[pick_range(random)];
      s += utf8(std::uniform_int_distribution<char32_t>(lo, hi)(random));
    }
    hex_lines += "h" + hex(s) + "\n";
    docs.push_back(doc(s, {{"s", MetaValue(s)}}));
  }
  write_file(dir / "strings.hex", hex_lines);
  sink({{"path", dir / "strings.jsonl"}}).run_sink({BatchInput{"strings", 0, docs}});
  io_test::run_python(dir, R"(
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], 'w', newline='\n') as out:
    for line in f:
        s = bytes.fromhex(line.strip()[1:]).decode('utf-8')
        out.write(json.dumps({'text': s, 'meta': {'s': s}}) + '\n')
)",
                      (dir / "strings.hex") + " " + (dir / "expected.jsonl"));
  CHECK(read_file(dir / "strings.jsonl") == read_file(dir / "expected.jsonl"));
}

TEST_CASE("python style refuses text that is not valid UTF-8, naming the record") {
  TempDir dir;
  Instance out = sink({{"path", dir / "x.jsonl"}});
  try {
    out.write(BatchInput{"s", 0, {doc("fine"), doc("bad \xc3")}});
    FAIL("invalid UTF-8 was written");
  } catch (const loom::Error& e) {
    CHECK(e.record() == 1);
    CHECK(std::string(e.what()).find("UTF-8") != std::string::npos);
  }
}

TEST_CASE("compact style: no spaces, UTF-8 kept, and it round-trips") {
  TempDir dir;
  std::vector<Document> docs = {
      doc("caf\xc3\xa9 \"q\"\n\x01", {{"a", 1}, {"b", MetaValue::json("[1,2]")}, {"c", 0.5}}),
      doc("x", {{"n", MetaValue::null()}, {"t", true}, {"s", "\xf0\x9f\x98\x80"}})};
  sink({{"path", dir / "c.jsonl"}, {"json_style", "compact"}, {"meta_field", "''"}})
      .run_sink({BatchInput{"s", 0, docs}});
  std::vector<std::string> lines = lines_of(read_file(dir / "c.jsonl"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "{\"text\":\"caf\xc3\xa9 \\\"q\\\"\\n\\u0001\",\"a\":1,\"b\":[1,2],\"c\":0.5}");
  CHECK(lines[1] == "{\"text\":\"x\",\"n\":null,\"t\":true,\"s\":\"\xf0\x9f\x98\x80\"}");

  std::vector<Document> back = read_back(dir / "c.jsonl");
  REQUIRE(back.size() == docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    CHECK(back[i].text == docs[i].text);
    CHECK(back[i].meta == docs[i].meta);
  }
}

TEST_CASE("compact and python styles decode to the same values in Python") {
  if (!io_test::have_python()) {
    MESSAGE("python3 not found: skipping");
    return;
  }
  TempDir dir;
  write_file(dir / "in.jsonl", tricky_jsonl);
  std::vector<Document> docs = read_back(dir / "in.jsonl");
  sink({{"path", dir / "py.jsonl"}}).run_sink({BatchInput{"in", 0, docs}});
  sink({{"path", dir / "compact.jsonl"}, {"json_style", "compact"}})
      .run_sink({BatchInput{"in", 0, docs}});
  io_test::run_python(dir, R"(
import json, sys, math
def same(a, b):
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, float) and a == 0.0:
        return b == 0.0 and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) == type(b) and a == b
py = [json.loads(l) for l in open(sys.argv[1], 'rb')]
compact = [json.loads(l) for l in open(sys.argv[2], 'rb')]
assert len(py) == len(compact) == 8, (len(py), len(compact))
for a, b in zip(py, compact):
    assert same(a, b), (a, b)
)",
                      (dir / "py.jsonl") + " " + (dir / "compact.jsonl"));
}

TEST_CASE("{shard} names files after the input, committed as soon as a later shard arrives") {
  TempDir dir;
  Instance out = sink({{"path", dir / "out/{shard}.jsonl"}});
  out.write(BatchInput{"/data/x/c4-sample.01.json.gz", 0, {doc("a0")}});
  out.write(BatchInput{"/data/x/c4-sample.01.json.gz", 0, {doc("a1")}});
  CHECK_FALSE(std::filesystem::exists(dir / "out/c4-sample.01.jsonl"));
  out.write(BatchInput{"https://host/y/c4-sample.02.jsonl.zst?sig=1", 1, {doc("b0")}});
  CHECK(read_file(dir / "out/c4-sample.01.jsonl") ==
        "{\"text\": \"a0\", \"meta\": {}}\n{\"text\": \"a1\", \"meta\": {}}\n");
  CHECK_FALSE(std::filesystem::exists(dir / "out/c4-sample.02.jsonl"));
  out.finish();
  CHECK(read_file(dir / "out/c4-sample.02.jsonl") == "{\"text\": \"b0\", \"meta\": {}}\n");
  CHECK(list_files(dir / "out") ==
        std::vector<std::string>{"c4-sample.01.jsonl", "c4-sample.02.jsonl"});
}

TEST_CASE("uncompressed batches of any size follow each other exactly") {
  // write() hands each batch's records buffer back for the next prepare(): a small batch after a
  // large one must not carry the large one's bytes, and an empty one must write nothing.
  TempDir dir;
  Instance out = sink({{"path", dir / "out.jsonl"}, {"compression", "none"}});
  std::string expected;
  for (const std::size_t size :
       {std::size_t{300000}, std::size_t{3}, std::size_t{0}, std::size_t{70000}, std::size_t{1}}) {
    std::vector<Document> docs;
    for (std::size_t i = 0; i < 3 && size > 0; ++i) {
      std::string text(size, static_cast<char>('a' + i));
      expected += "{\"text\": \"" + text + "\", \"meta\": {}}\n";
      docs.push_back(doc(std::move(text)));
    }
    out.write(BatchInput{"s", 0, docs});
  }
  out.finish();
  CHECK(read_file(dir / "out.jsonl") == expected);
}

TEST_CASE("two input files with the same name would collide: an error, not an overwrite") {
  TempDir dir;
  Instance out = sink({{"path", dir / "{shard}.jsonl"}});
  out.write(BatchInput{"/a/part.jsonl", 0, {doc("a")}});
  CHECK_THROWS_WITH(out.write(BatchInput{"/b/part.jsonl", 1, {doc("b")}}),
                    doctest::Contains("part.jsonl"));
}

TEST_CASE("max_file_bytes rolls over to a new {part} at batch boundaries") {
  TempDir dir;
  Instance out = sink({{"path", dir / "p-{part}.jsonl"}, {"max_file_bytes", "100"}});
  std::string all;
  for (int i = 0; i < 10; ++i) {
    std::string text(40, static_cast<char>('a' + i));
    all += "{\"text\": \"" + text + "\", \"meta\": {}}\n";  // 65 bytes
    out.write(BatchInput{"s", 0, {doc(text)}});
  }
  out.finish();
  std::vector<std::string> files = list_files(dir.path().string());
  CHECK(files == std::vector<std::string>{"p-00000.jsonl", "p-00001.jsonl", "p-00002.jsonl",
                                          "p-00003.jsonl", "p-00004.jsonl"});
  std::string joined;
  for (const auto& f : files) {
    std::string bytes = read_file(dir / f);
    CHECK(bytes.size() == 130);  // two 65-byte records: the second crosses 100
    joined += bytes;
  }
  CHECK(joined == all);
}

TEST_CASE("{meta field} routes documents of one batch to several files, order kept") {
  TempDir dir;
  Instance out = sink({{"path", dir / "{language}/{shard}.jsonl"}});
  out.write(BatchInput{"in.jsonl",
                       0,
                       {doc("one", {{"language", "en"}}), doc("zwei", {{"language", "de"}}),
                        doc("three", {{"language", "en"}}), doc("x", {{"language", "../up"}})}});
  out.finish();
  CHECK(read_file(dir / "en/in.jsonl") ==
        "{\"text\": \"one\", \"meta\": {\"language\": \"en\"}}\n"
        "{\"text\": \"three\", \"meta\": {\"language\": \"en\"}}\n");
  CHECK(read_file(dir / "de/in.jsonl") ==
        "{\"text\": \"zwei\", \"meta\": {\"language\": \"de\"}}\n");
  // A value cannot climb out of the output folder.
  CHECK(std::filesystem::exists(dir / ".._up/in.jsonl"));
}

TEST_CASE("a document without the meta field the path uses is an error naming it") {
  TempDir dir;
  Instance out = sink({{"path", dir / "{language}.jsonl"}});
  try {
    out.write(BatchInput{"in", 0, {doc("a", {{"language", "en"}}), doc("b")}});
    FAIL("missing field accepted");
  } catch (const loom::Error& e) {
    CHECK(e.record() == 1);
    CHECK(std::string(e.what()).find("'language'") != std::string::npos);
  }
}

TEST_CASE("text_field and meta_field rename the output fields") {
  TempDir dir;
  sink({{"path", dir / "o.jsonl"}, {"text_field", "content"}, {"meta_field", "attributes"}})
      .run_sink({BatchInput{"in", 0, {doc("t", {{"k", 2}})}}});
  CHECK(read_file(dir / "o.jsonl") == "{\"content\": \"t\", \"attributes\": {\"k\": 2}}\n");
}

TEST_CASE("options are validated: max_file_bytes needs {part}; placeholders must close") {
  const loom_component& c = io_test::component("jsonl_sink");
  CHECK_THROWS_WITH(
      loom::testing::check_options(c, {{"path", "o.jsonl"}, {"max_file_bytes", "10"}}),
      doctest::Contains("{part}"));
  CHECK_NOTHROW(
      loom::testing::check_options(c, {{"path", "o-{part}.jsonl"}, {"max_file_bytes", "10"}}));
  CHECK_THROWS_WITH(loom::testing::check_options(c, {{"path", "out/{shard.jsonl"}}),
                    doctest::Contains("never closed"));
  CHECK_THROWS_WITH(
      loom::testing::check_options(c, {{"path", "o.jsonl"}, {"json_style", "pretty"}}),
      doctest::Contains("python, python_utf8, compact"));
}

TEST_CASE("without finish() no output file appears, and no temporary file is left") {
  TempDir dir;
  {
    Instance out = sink({{"path", dir / "out/{shard}.jsonl"}});
    out.write(BatchInput{"a.jsonl", 0, {doc("a")}});
  }
  CHECK(list_files(dir / "out").empty());
}
