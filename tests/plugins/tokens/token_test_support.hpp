// Shared by the tokens plugin's tests: the GPT-NeoX-20B tokenizer from ../shared, JSON lines
// of plain or gzip files, and temporary tokenizer.json files.
#pragma once

#include <doctest/doctest.h>
#include <simdjson.h>
#include <zlib.h>
#include <tokenizer.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace token_tests {

namespace fs = std::filesystem;

inline fs::path shared_dir() { return fs::path(LOOM_SHARED_DIR); }
inline fs::path neox_path() {
  return shared_dir() / "tokenizers" / "gpt-neox-20b" / "tokenizer.json";
}

// The GPT-NeoX-20B tokenizer, loaded once; null (and the caller skips) when ../shared is absent.
inline std::shared_ptr<const loom::tokens::Tokenizer> neox() {
  static const auto tokenizer =
      fs::exists(neox_path()) ? loom::tokens::Tokenizer::load(neox_path().string()) : nullptr;
  return tokenizer;
}

// Every line of a plain or gzip-compressed file (zlib reads both).
inline std::vector<std::string> read_lines(const fs::path& path) {
  std::vector<std::string> lines;
  gzFile in = gzopen(path.c_str(), "rb");
  REQUIRE_MESSAGE(in != nullptr, "cannot open " << path);
  std::string current;
  char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(in, buffer, sizeof buffer)) > 0) {
    for (int i = 0; i < n; ++i) {
      if (buffer[i] == '\n') {
        lines.push_back(std::move(current));
        current.clear();
      } else {
        current += buffer[i];
      }
    }
  }
  gzclose(in);
  if (!current.empty()) lines.push_back(std::move(current));
  return lines;
}

// A temporary file removed when it goes out of scope (also when a check fails).
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content)
      : path_(fs::temp_directory_path() / (std::to_string(std::random_device{}()) + "-" + name)) {
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() {
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

inline std::vector<std::uint32_t> encode(const loom::tokens::Tokenizer& tokenizer,
                                         std::string_view text) {
  std::vector<std::uint32_t> ids;
  tokenizer.encoder()->encode(text, ids);
  return ids;
}

}  // namespace token_tests
