// Helpers shared by the io tests: scratch folders, deterministic sample data, whole-stream reads.
#pragma once

#include "io/io.hpp"

#include <loom/testing/files.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace loom::io::testing {

// A fresh folder under the system temp dir, removed with everything in it (the SDK's TempDir).
class ScratchDir : public loom::testing::TempDir {
 public:
  ScratchDir() : TempDir("io") {}
  std::string file(const std::string& relative) const { return *this / relative; }
};

// Text lines with random words and some random letters: compresses, but not so well that the
// compressed form fits in one 1 MiB read buffer.
inline std::string sample_text(std::size_t bytes, unsigned seed = 7) {
  static const char* const words[] = {"loom",  "dataset", "token", "the",    "of",    "crawl",
                                      "shard", "quality", "x",     "filter", "weave", "thread"};
  std::mt19937 random(seed);
  std::string text;
  text.reserve(bytes + 64);
  while (text.size() < bytes) {
    const unsigned choice = random() % 16;
    if (choice < 12) {
      text += words[choice];
    } else {
      for (int i = 0; i < 6; ++i) text += static_cast<char>('a' + random() % 26);
    }
    text += (random() % 11 == 0) ? '\n' : ' ';
  }
  text.resize(bytes);
  return text;
}

inline void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream.write(content.data(), static_cast<std::streamsize>(content.size()));
}

inline std::string read_file(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

inline std::string read_all(Input& input, std::size_t chunk_bytes = std::size_t{1} << 20) {
  std::string buffer(chunk_bytes, '\0');
  std::string content;
  while (const std::size_t count = input.read(buffer.data(), buffer.size())) {
    content.append(buffer.data(), count);
  }
  return content;
}

inline std::string read_all(const std::string& uri, loom_codec codec = LOOM_CODEC_AUTO,
                            std::size_t chunk_bytes = std::size_t{1} << 20) {
  auto input = open_input(uri, codec);
  return read_all(*input, chunk_bytes);
}

// The message of the IoError `action` throws; empty (and a failed check) if it throws none.
template <typename Action>
std::string io_error_message(Action&& action) {
  try {
    action();
  } catch (const IoError& error) {
    return error.what();
  }
  return {};
}

inline bool have_tool(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// Standard output of a shell command, and whether it exited with status 0.
inline std::string command_output(const std::string& command, bool* succeeded = nullptr) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) {
    if (succeeded) *succeeded = false;
    return output;
  }
  char buffer[65536];
  std::size_t count;
  while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, count);
  const int status = ::pclose(pipe);
  if (succeeded) *succeeded = status == 0;
  return output;
}

// `text` in reads of at most 1000 bytes, then an IoError if `fail_at_end`.
class ScriptedInput final : public Input {
 public:
  ScriptedInput(std::string text, bool fail_at_end)
      : text_(std::move(text)), fail_at_end_(fail_at_end) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    const std::size_t count = std::min({capacity, std::size_t{1000}, text_.size() - position_});
    if (count == 0 && fail_at_end_) throw IoError("cannot download 'x': connection reset");
    std::copy_n(text_.data() + position_, count, buffer);
    position_ += count;
    return count;
  }
  std::uint64_t raw_position() const override { return position_; }

 private:
  std::string text_;
  bool fail_at_end_;
  std::size_t position_ = 0;
};

}  // namespace loom::io::testing
