// normalize_for_dedup's single pass over UTF-8 (with its 16-byte ASCII blocks) and normalize's
// ASCII path must equal the general path over code points, on random text built to hit every
// branch (block boundaries, controls, whitespace at the ends, case mappings that change the
// UTF-8 length, U+0130, U+03A3, unicode punct, digits of other scripts, characters Python 3.11
// does not know, invalid UTF-8) and on the real text of the shared corpus.
#include <doctest/doctest.h>
#include <zlib.h>
#include <ccnet_text/normalizer.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using namespace loom::ccnet;

namespace {

// Pieces random lines are made of; ASCII letters and spaces are the most frequent, as in text.
const std::vector<std::string> kPieces = {"a",
                                          "Z",
                                          "q",
                                          "M",
                                          " ",
                                          " ",
                                          "  ",
                                          "0",
                                          "7",
                                          ".",
                                          ",",
                                          "-",
                                          "\t",
                                          "\r",
                                          "\x1c",
                                          "\x1f",
                                          "\x7f",
                                          "\x01",
                                          "the quick ",
                                          "BROWN fox ",
                                          "0123456789abcdef",
                                          "Hello World 2021, ",
                                          "\u00a0",
                                          "\u0085",
                                          "\u3000",
                                          "\u2029",
                                          "\u1680",  // whitespace and controls
                                          "\u00e9",
                                          "\u00c9",
                                          "\u00df",
                                          "\u0130",
                                          "\u03a3",
                                          "\u03c3",
                                          "\u039f\u0394",  // case
                                          "\u023a",
                                          "\u2c65",
                                          "\u212a",
                                          "\u212b",
                                          "\u1e9e",
                                          "\u0410\u0411",
                                          "\u0587",
                                          "\uff0c",
                                          "\u3002",
                                          "\u201c",
                                          "\u2014",
                                          "\u2026",
                                          "\uff11",
                                          "\u00b4",
                                          "\u25ba",  // punct
                                          "\u0663",
                                          "\u096b",
                                          "\uff10",
                                          "\U0001d7ce",  // \d
                                          "\U00011f50",
                                          "\U0001fa75",
                                          "\U0001f600",
                                          "\u4e2d\u6587",
                                          "\u0301",
                                          "\u00ad",  // misc
                                          "\xff",
                                          "\xc3",
                                          "\xe2\x82",
                                          "\xf0\x9f",
                                          "\xed\xa0\x80",
                                          "\xc0\xaf"};  // invalid

std::string random_line(std::mt19937& rng) {
  std::uniform_int_distribution<std::size_t> count(0, 40), piece(0, kPieces.size() - 1);
  std::string line;
  for (std::size_t n = count(rng); n > 0; --n) line += kPieces[piece(rng)];
  return line;
}

void check_equal_paths(std::string_view line) {
  std::string fast, general;
  normalize_for_dedup(line, fast);
  normalize_for_dedup_general(line, general);
  if (fast != general) {
    INFO("line: " << line);
    REQUIRE(fast == general);
  }
  REQUIRE(dedup_line_hash(line) == line_hash(general));
  normalize(line, fast);
  normalize_general(line, general);
  if (fast != general) {
    INFO("line: " << line);
    REQUIRE(fast == general);
  }
}

std::string read_file(const fs::path& path) {
  // gzread reads plain files as they are and concatenated gzip members as one stream.
  gzFile file = gzopen(path.c_str(), "rb");
  REQUIRE_MESSAGE(file != nullptr, "cannot open " << path);
  std::string text;
  char chunk[1 << 16];
  int n = 0;
  while ((n = gzread(file, chunk, sizeof chunk)) > 0)
    text.append(chunk, static_cast<std::size_t>(n));
  gzclose(file);
  REQUIRE_MESSAGE(n == 0, "cannot read " << path);
  return text;
}

}  // namespace

TEST_CASE("the fast paths equal the general path on random text") {
  std::mt19937 rng(20261206);
  for (int i = 0; i < 30000; ++i) check_equal_paths(random_line(rng));
  // Pure ASCII of every byte value, so the ASCII paths see every control and block position.
  std::uniform_int_distribution<int> byte(0, 127), length(0, 70);
  for (int i = 0; i < 30000; ++i) {
    std::string line(static_cast<std::size_t>(length(rng)), ' ');
    for (char& c : line) c = static_cast<char>(byte(rng) % 4 == 0 ? ' ' : byte(rng));
    check_equal_paths(line);
  }
}

TEST_CASE("the fast paths equal the general path on every line of the shared corpus text") {
  const fs::path corpus = fs::path(LOOM_SHARED_DIR) / "corpus";
  if (!fs::exists(corpus)) {
    MESSAGE("SKIPPED: " << corpus << " not found");
    return;
  }
  std::size_t lines = 0, files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    const std::string name = entry.path().filename().string();
    const bool text = name.ends_with(".txt") || name.ends_with(".wet.gz") ||
                      name.ends_with(".warc.gz") || name.ends_with(".jsonl.gz") ||
                      name.ends_with(".json.gz") || name.ends_with(".xml");
    if (!entry.is_regular_file() || !text) continue;
    ++files;
    const std::string content = read_file(entry.path());
    std::string_view rest = content;
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find('\n'), rest.size());
      check_equal_paths(rest.substr(0, end));
      ++lines;
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
  }
  MESSAGE(lines << " lines of " << files << " files");
  CHECK(lines > 10000);
}
