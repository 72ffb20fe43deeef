// Small I/O and perturbation helpers for the per-slice benchmark inputs (make_slices.cpp): gzip
// lines in and out, a deterministic PRNG, a letter permutation that makes a copy of a text a
// different text with the same shape, and a JSON-row rewriter.
#pragma once

#include <zlib.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loom::bench {

// splitmix64: tiny, and the same sequence everywhere (unlike std:: distributions).
struct Random {
  std::uint64_t state;
  std::uint64_t next();
  std::uint64_t below(std::uint64_t n) { return next() % n; }
};

// Maps each ASCII letter to another of the same case (a bijection); every other byte, UTF-8
// sequences and Latin-1 bytes included, is left alone. Two copies of a book under different
// permutations share no words, so SimHash sees different books, yet they keep the original's
// lengths, line structure and character classes, so the work per byte stays realistic.
class LetterPermutation {
 public:
  static LetterPermutation identity();
  static LetterPermutation shuffled(Random& random);
  void apply(std::string& text) const;

 private:
  std::array<unsigned char, 256> map_{};
};

// Whole file into memory; .gz files are decompressed. Throws std::runtime_error naming the file.
std::string read_file(const std::filesystem::path& path);
// The lines of `text`, without their '\n' (a last line without '\n' included).
std::vector<std::string_view> split_lines(std::string_view text);

// A gzip file written at level 6 (gzip's default, what the real dumps use).
class GzWriter {
 public:
  explicit GzWriter(const std::filesystem::path& path);
  ~GzWriter();
  GzWriter(const GzWriter&) = delete;
  GzWriter& operator=(const GzWriter&) = delete;
  void write(std::string_view data);
  void close();

 private:
  std::filesystem::path path_;
  gzFile file_ = nullptr;
};

void write_file(const std::filesystem::path& path, std::string_view data);

// Re-serializes the JSON object `line` the way Python's json.dumps writes it (", " and ": ",
// ensure_ascii), with each string field passed through `change` first (nullopt: unchanged);
// non-string values are written minified. Throws std::runtime_error on invalid JSON.
using StringFieldChange =
    std::function<std::optional<std::string>(std::string_view key, std::string_view value)>;
std::string rewrite_json_row(std::string_view line, const StringFieldChange& change);

}  // namespace loom::bench
