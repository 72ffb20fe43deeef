// text_files_source and simhash_dedup, loaded from libloom_books.so through the SDK harness.
#include <doctest/doctest.h>

#include <oneapi/tbb/task_arena.h>
#include <algorithm>
#include <filesystem>
#include <loom/testing/harness.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "text_file.hpp"

using loom::testing::Document;
using loom::testing::Instance;
using loom::testing::OptionMap;
using loom::testing::TempDir;
using loom::testing::write_file;

namespace {

const loom_component& component(const char* name) {
  static const loom::testing::Plugin plugin =
      loom::testing::Plugin::load(std::string(LOOM_PLUGIN_DIR) + "/libloom_books.so");
  return plugin.component(name);
}

std::vector<Document> read_files(const OptionMap& options) {
  return Instance(component("text_files_source"), options).read_all();
}

const std::filesystem::path shared = LOOM_SHARED_DIR;

// The shared Gutenberg books in the golden's order (sorted by folder, then file name).
std::vector<Document> shared_books() {
  std::string paths = "[";
  for (const char* folder : {"pg16215-jack-sheppard", "pg3261-news-from-nowhere",
                             "pg9198-complete-angler", "pg972-devils-dictionary"})
    paths += (paths.size() > 1 ? ", " : "") + (shared / "corpus/books" / folder / "*.txt").string();
  return read_files({{"paths", paths + "]"}});
}

}  // namespace

TEST_CASE("the components have the kinds and flags the engine needs") {
  CHECK(component("text_files_source").kind == LOOM_KIND_SOURCE);
  CHECK(component("simhash_dedup").kind == LOOM_KIND_DEDUPER);
  CHECK((component("simhash_dedup").flags & LOOM_FLAG_ORDER_SENSITIVE) != 0);
}

TEST_CASE("text files: UTF-8 kept, Latin-1 detected and decoded, one document per file") {
  TempDir dir;
  write_file(dir / "in/a.txt", "caf\xc3\xa9 \xe2\x80\x94 ok\r\n");
  write_file(dir / "in/b.txt", "caf\xe9 na\xefve\n");  // Latin-1
  std::vector<Document> docs = read_files({{"paths", dir / "in/*.txt"}});
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == "caf\xc3\xa9 \xe2\x80\x94 ok\r\n");
  CHECK(docs[1].text == "caf\xc3\xa9 na\xc3\xafve\n");
  REQUIRE(docs[0].find("file") != nullptr);
  CHECK(docs[0].find("file")->s == "a.txt");
  CHECK(read_files({{"paths", dir / "in/b.txt"}, {"encoding", "latin-1"}})[0].text ==
        "caf\xc3\xa9 na\xc3\xafve\n");
  // Forced Latin-1 reads UTF-8 bytes as two characters each.
  CHECK(read_files({{"paths", dir / "in/a.txt"}, {"encoding", "latin-1"}})[0].text.starts_with(
      "caf\xc3\x83\xc2\xa9"));
}

TEST_CASE("files read one after another keep only their own bytes, over 8 MiB of pieces too") {
  // Files are read in 1 MiB pieces kept from file to file (up to 8): a short file after a long
  // one, a file of more pieces than are kept, and one after that must each read exactly.
  TempDir dir;
  const std::vector<std::string> texts = {std::string(2'500'000, 'a') + "end of a", "short b",
                                          std::string(9'500'000, 'c') + "!",
                                          std::string(1'048'576, 'd'), "e"};
  for (std::size_t i = 0; i < texts.size(); ++i)
    write_file(dir / ("in/" + std::to_string(i) + ".txt"), texts[i]);
  const std::vector<Document> docs = read_files({{"paths", dir / "in/*.txt"}});
  REQUIRE(docs.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    CAPTURE(i);
    CHECK(docs[i].text.size() == texts[i].size());
    CHECK(docs[i].text == texts[i]);
  }
}

TEST_CASE("invalid UTF-8 under encoding: utf-8 is an error naming the file and byte") {
  TempDir dir;
  write_file(dir / "bad.txt", "good text\nthen \xff here");
  try {
    read_files({{"paths", dir / "bad.txt"}, {"encoding", "utf-8"}});
    FAIL("expected an error");
  } catch (const std::exception& e) {
    const std::string what = e.what();
    CHECK(what.find("bad.txt") != std::string::npos);
    CHECK(what.find("invalid UTF-8 at byte 15") != std::string::npos);
  }
  loom::testing::clear_log();
  CHECK(read_files({{"paths", dir / "bad.txt"}, {"encoding", "utf-8"}, {"on_error", "skip"}})
            .empty());
  CHECK(loom::testing::log_count("bad.txt: invalid UTF-8") == 1);
}

TEST_CASE("binary, empty and oversized files are refused or skipped, never read as text") {
  TempDir dir;
  write_file(dir / "in/1-binary.txt", std::string("PK\x03\x04\x00\x00"
                                                  "data",
                                                  10));
  write_file(dir / "in/2-empty.txt", "");
  write_file(dir / "in/3-huge.txt", std::string(3 << 20, 'x'));  // one 3 MB line
  write_file(dir / "in/4-ok.txt", "fine\n");
  CHECK_THROWS_WITH_AS(read_files({{"paths", dir / "in/1-binary.txt"}}),
                       doctest::Contains("NUL byte at offset 4"), std::exception);
  CHECK_THROWS_WITH_AS(
      read_files({{"paths", dir / "in/3-huge.txt"}, {"max_file_bytes", "1000000"}}),
      doctest::Contains("larger than max_file_bytes"), std::exception);
  loom::testing::clear_log();
  std::vector<Document> docs = read_files(
      {{"paths", dir / "in/*.txt"}, {"on_error", "skip"}, {"max_file_bytes", "1000000"}});
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].text == "fine\n");
  CHECK(loom::testing::log_count("empty file") == 1);
  CHECK(loom::testing::log_count("1-binary.txt") == 1);
  // Under the default limit the huge single-line file is one document, read whole.
  docs = read_files({{"paths", dir / "in/3-huge.txt"}});
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].text.size() == (3u << 20));
}

TEST_CASE("binary_reason counts the control bytes a byte-by-byte scan counts, anywhere") {
  // Control, text and non-ASCII bytes (those 0x80 above a control too) at every offset within the
  // 16-byte blocks it skips through, and in the tail after the last block.
  const std::string pool =
      "ab \n\t\r\f\v\x01\x08\x0e\x19\x1a\x1b\x1c\x1f\x20\x7f\xc3\x80\x89\x8a\x9a\xff";
  std::mt19937_64 random(31);
  for (int round = 0; round < 200; ++round) {
    std::string bytes(static_cast<std::size_t>(random() % 3000), 'x');
    const std::size_t per_control = 1 + random() % 200;  // from mostly controls to few
    for (char& c : bytes) c = random() % per_control == 0 ? pool[random() % pool.size()] : 'e';
    std::size_t controls = 0;
    for (const char c : bytes) {
      const auto u = static_cast<unsigned char>(c);
      controls += u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != '\f' && u != '\v' &&
                  u != 0x1a && u != 0x1b;
    }
    CAPTURE(round);
    const std::optional<std::string> reason = loom::books::binary_reason(bytes);
    if (controls > 8 && controls * 100 > bytes.size()) {
      REQUIRE(reason.has_value());
      CHECK(reason->starts_with(std::to_string(controls) + " control bytes in "));
    } else {
      CHECK_FALSE(reason.has_value());
    }
  }
}

namespace {

// Where a UTF-8 check byte by byte, by the table of well-formed sequences (Unicode 15, table 3-7),
// finds the first ill-formed one.
std::optional<std::size_t> first_ill_formed(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto at = [&](std::size_t k) {
      return i + k < bytes.size() ? static_cast<unsigned char>(bytes[i + k]) : 0x100u;
    };
    const auto in = [](unsigned u, unsigned low, unsigned high) { return u >= low && u <= high; };
    const unsigned b0 = at(0);
    std::size_t length = 0;
    if (b0 <= 0x7f) {
      length = 1;
    } else if (in(b0, 0xc2, 0xdf)) {
      length = in(at(1), 0x80, 0xbf) ? 2 : 0;
    } else if (in(b0, 0xe0, 0xef)) {
      const unsigned low = b0 == 0xe0 ? 0xa0 : 0x80, high = b0 == 0xed ? 0x9f : 0xbf;
      length = in(at(1), low, high) && in(at(2), 0x80, 0xbf) ? 3 : 0;
    } else if (in(b0, 0xf0, 0xf4)) {
      const unsigned low = b0 == 0xf0 ? 0x90 : 0x80, high = b0 == 0xf4 ? 0x8f : 0xbf;
      length = in(at(1), low, high) && in(at(2), 0x80, 0xbf) && in(at(3), 0x80, 0xbf) ? 4 : 0;
    }
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("first_invalid_utf8 finds the first ill-formed sequence, in long ASCII runs or not") {
  // Valid and ill-formed pieces (overlong, surrogate, past U+10FFFF, truncated, stray
  // continuation) between ASCII runs long enough to be skipped 16 bytes at a time.
  const std::vector<std::string> pieces = {"\xc3\xa9",
                                           "\xe2\x82\xac",
                                           "\xf0\x9f\x98\x80",
                                           "\xf4\x8f\xbf\xbf",
                                           "\xed\x9f\xbf",
                                           "\xc0\xaf",
                                           "\xe0\x80\xaf",
                                           "\xed\xa0\x80",
                                           "\xf4\x90\x80\x80",
                                           "\xf5\x80",
                                           "\x80",
                                           "\xbf",
                                           "\xc3",
                                           "\xe2\x82",
                                           "\xf0\x9f\x98"};
  std::mt19937_64 random(47);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes;
    const std::size_t piece_count = random() % 4;
    for (std::size_t k = 0; k <= piece_count; ++k) {
      bytes.append(random() % 40, static_cast<char>('a' + random() % 26));
      // Valid pieces far more often, so that an ill-formed one can come late in a long text.
      const std::size_t choice = random() % 8 == 0 ? random() % pieces.size() : random() % 5;
      if (k < piece_count) bytes += pieces[choice];
    }
    CAPTURE(round);
    CAPTURE(bytes);
    CHECK(loom::books::first_invalid_utf8(bytes) == first_ill_formed(bytes));
  }
}

TEST_CASE("strip_gutenberg keeps the text between the START and END marker lines") {
  TempDir dir;
  write_file(
      dir / "g.txt",
      "The Project Gutenberg EBook of X\r\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\r\n"
      "Body line.\r\n\r\nEnd of Project Gutenberg's X\r\n*** END OF THIS ... ***\r\nlicence\r\n");
  CHECK(read_files({{"paths", dir / "g.txt"}, {"strip_gutenberg", "true"}})[0].text ==
        "Body line.\r\n\r\n");
  CHECK(read_files({{"paths", dir / "g.txt"}})[0].text.starts_with("The Project Gutenberg"));
}

TEST_CASE("the shared books: the Latin-1 edition decodes to the golden's text") {
  if (!std::filesystem::exists(shared / "corpus/books")) {
    MESSAGE("SKIPPED: ../shared not found");
    return;
  }
  std::vector<Document> books = shared_books();
  REQUIRE(books.size() == 8);
  // 9198-8.txt is ISO-8859-1: every byte becomes one code point, the non-ASCII ones two bytes.
  const Document& latin1 = books[3];
  CHECK(latin1.find("file")->s == "9198-8.txt");
  const auto file_bytes =
      std::filesystem::file_size(shared / "corpus/books/pg9198-complete-angler/9198-8.txt");
  const auto code_points = std::count_if(latin1.text.begin(), latin1.text.end(),
                                         [](char c) { return (c & 0xC0) != 0x80; });
  CHECK(static_cast<std::uintmax_t>(code_points) == file_bytes);
  CHECK(latin1.text.size() > file_bytes);
  CHECK(books[4].find("file")->s == "9198.txt");  // plain ASCII: read as it is
  CHECK(books[4].text.size() ==
        std::filesystem::file_size(shared / "corpus/books/pg9198-complete-angler/9198.txt"));
}

TEST_CASE("simhash_dedup drops exactly the golden's near-duplicate editions, in any batching") {
  if (!std::filesystem::exists(shared / "corpus/books")) {
    MESSAGE("SKIPPED: ../shared not found");
    return;
  }
  std::vector<Document> books = shared_books();
  REQUIRE(books.size() == 8);
  for (std::size_t batch_size : {1u, 3u, 8u}) {
    CAPTURE(batch_size);
    Instance dedup(component("simhash_dedup"), {{"fingerprint_field", "simhash"}});
    std::vector<Document> out;
    for (std::size_t i = 0; i < books.size(); i += batch_size) {
      std::vector<Document> batch(
          books.begin() + static_cast<std::ptrdiff_t>(i),
          books.begin() + static_cast<std::ptrdiff_t>(std::min(books.size(), i + batch_size)));
      for (Document& d : dedup.process(batch)) out.push_back(std::move(d));
    }
    REQUIRE(out.size() == 8);
    std::vector<std::string> dropped;
    for (const Document& d : out)
      if (d.dropped) {
        dropped.push_back(d.find("file")->s);
        CHECK(d.drop_reason == "simhash_near_dup");
      }
    CHECK(dropped == std::vector<std::string>{"old-nwsnw10.txt", "9198.txt", "old-dvldc10.txt"});
    CHECK(out[0].find("simhash")->s == "77b2e3034336b4dd");
  }
}

TEST_CASE(
    "simhash_dedup keeps the earliest of near-duplicates: reversed input, mirrored verdicts") {
  if (!std::filesystem::exists(shared / "corpus/books")) {
    MESSAGE("SKIPPED: ../shared not found");
    return;
  }
  std::vector<Document> books = shared_books();
  std::reverse(books.begin(), books.end());
  Instance dedup(component("simhash_dedup"), {});
  std::vector<std::string> kept;
  for (const Document& d : dedup.process(books))
    if (!d.dropped) kept.push_back(d.find("file")->s);
  CHECK(kept == std::vector<std::string>{"old-dvldc10.txt", "old-7tcng10.txt", "9198.txt",
                                         "old-nwsnw10.txt", "16215.txt"});
}

TEST_CASE("simhash_dedup: identical texts are near-duplicates; max_distance 0 needs equality") {
  Instance dedup(component("simhash_dedup"), {{"max_distance", "0"}});
  std::vector<Document> docs(3);
  docs[0].text = "The quick brown fox jumps over the lazy dog.";
  docs[1].text = "the QUICK brown fox -- jumps over the lazy dog!";  // same word characters
  docs[2].text = "Something else entirely, with other words in it.";
  std::vector<Document> out = dedup.process(docs);
  CHECK_FALSE(out[0].dropped);
  CHECK(out[1].dropped);
  CHECK_FALSE(out[2].dropped);
}

// process() fingerprints a batch's books side by side on the run's threads and decides in order:
// the verdicts, the fingerprints and the error reported must not depend on the thread count.
TEST_CASE("simhash_dedup: same fingerprints, verdicts and first error on 1, 2 and 3 threads") {
  if (!std::filesystem::exists(shared / "corpus/books")) {
    MESSAGE("SKIPPED: ../shared not found");
    return;
  }
  const std::vector<Document> books = shared_books();
  REQUIRE(books.size() == 8);
  const auto run = [&](int threads) {
    oneapi::tbb::task_arena arena(threads);
    return arena.execute([&] {
      Instance dedup(component("simhash_dedup"), {{"fingerprint_field", "simhash"}});
      std::vector<std::string> verdicts;
      for (const Document& d : dedup.process(books))
        verdicts.push_back(d.find("simhash")->s + (d.dropped ? " dropped" : " kept"));
      return verdicts;
    });
  };
  const std::vector<std::string> one = run(1);
  REQUIRE(one.size() == 8);
  CHECK(std::count_if(one.begin(), one.end(),
                      [](const std::string& v) { return v.ends_with("dropped"); }) == 3);
  for (const int threads : {2, 3}) {
    CAPTURE(threads);
    CHECK(run(threads) == one);
  }

  // Two bad texts in one batch: the earlier one is named, whichever thread failed first.
  std::vector<Document> bad(books.begin(), books.begin() + 4);
  bad[1].text = "ok \xff";
  bad[3].text = "\xfe";
  for (const int threads : {1, 2, 3}) {
    CAPTURE(threads);
    oneapi::tbb::task_arena arena(threads);
    arena.execute([&] {
      Instance dedup(component("simhash_dedup"), {});
      try {
        dedup.process(bad);
        FAIL("expected an error");
      } catch (const std::exception& e) {
        CHECK(std::string(e.what()).find("invalid UTF-8 at byte 3") != std::string::npos);
      }
    });
  }
}
