// Damaged inputs fail loudly at read time, naming the file and what is wrong.
#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

using namespace loom::io;
using namespace loom::io::testing;

namespace {

struct Damaged {
  loom_codec codec;
  const char* name;
};

const Damaged kCompressed[] = {
    {LOOM_CODEC_GZIP, "data.jsonl.gz"},
    {LOOM_CODEC_ZSTD, "data.jsonl.zst"},
    {LOOM_CODEC_BZIP2, "data.jsonl.bz2"},
};

std::string compressed(loom_codec codec, const std::string& text) {
  std::string out;
  compress_frame(codec, 0, text, out);
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a truncated compressed file is an error naming the file and saying truncated") {
  ScratchDir scratch;
  const std::string text = sample_text(1'500'000, 5);
  for (const auto& damaged : kCompressed) {
    CAPTURE(damaged.name);
    const std::string whole = compressed(damaged.codec, text);
    for (const std::size_t keep : {whole.size() / 2, whole.size() - 1, std::size_t{5}}) {
      CAPTURE(keep);
      const std::string path = scratch.file(damaged.name);
      write_file(path, whole.substr(0, keep));
      const std::string message = io_error_message([&] { read_all(path); });
      CHECK(contains(message, path));
      CHECK(contains(message, "truncated"));
      CHECK(contains(message, std::to_string(keep)));
    }
  }
}

TEST_CASE("a truncated second frame is detected too") {
  ScratchDir scratch;
  for (const auto& damaged : kCompressed) {
    CAPTURE(damaged.name);
    const std::string first = compressed(damaged.codec, sample_text(100'000, 1));
    const std::string second = compressed(damaged.codec, sample_text(100'000, 2));
    const std::string path = scratch.file(damaged.name);
    write_file(path, first + second.substr(0, second.size() - 10));
    const std::string message = io_error_message([&] { read_all(path, LOOM_CODEC_AUTO, 1000); });
    CHECK(contains(message, path));
    CHECK(contains(message, "truncated"));
  }
}

TEST_CASE("corrupt compressed data is an error naming the file and saying corrupt") {
  ScratchDir scratch;
  const std::string text = sample_text(600'000, 9);
  for (const auto& damaged : kCompressed) {
    CAPTURE(damaged.name);
    std::string bytes = compressed(damaged.codec, text);
    for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] ^= 0x5a;
    const std::string path = scratch.file(damaged.name);
    write_file(path, bytes);
    const std::string message = io_error_message([&] { read_all(path); });
    CHECK(contains(message, path));
    CHECK(contains(message, "corrupt"));
  }
}

TEST_CASE("data that is not compressed at all is reported as corrupt") {
  ScratchDir scratch;
  for (const auto& damaged : kCompressed) {
    CAPTURE(damaged.name);
    const std::string path = scratch.file(damaged.name);
    write_file(path, "{\"text\": \"this was never compressed\"}\n");
    const std::string message = io_error_message([&] { read_all(path); });
    CHECK(contains(message, path));
    CHECK(contains(message, "corrupt"));
  }
}

TEST_CASE("bytes after the end of a compressed stream are not silently ignored") {
  ScratchDir scratch;
  for (const auto& damaged : kCompressed) {
    CAPTURE(damaged.name);
    const std::string valid = compressed(damaged.codec, sample_text(10'000, 4));
    const std::string path = scratch.file(damaged.name);
    write_file(path, valid + "trailing garbage");
    const std::string message = io_error_message([&] { read_all(path); });
    CHECK(contains(message, path));
    CHECK(contains(message, "after the end"));
    CHECK(contains(message, std::to_string(valid.size())));
  }
}

TEST_CASE("a missing input file names the path and the system's reason") {
  ScratchDir scratch;
  const std::string path = scratch.file("absent.jsonl.zst");
  const std::string message = io_error_message([&] { open_input(path); });
  CHECK(contains(message, path));
  CHECK(contains(message, "No such file"));
}

TEST_CASE("reading a folder as a file names the path") {
  ScratchDir scratch;
  const std::string message = io_error_message([&] { read_all(scratch.path().string()); });
  CHECK(contains(message, scratch.path().string()));
}

TEST_CASE("a truncated gzip file first hands over what was decoded before the cut") {
  ScratchDir scratch;
  const std::string text = sample_text(200'000, 3);
  const std::string whole = compressed(LOOM_CODEC_GZIP, text);
  const std::string path = scratch.file("cut.jsonl.gz");
  write_file(path, whole.substr(0, whole.size() / 2));
  std::unique_ptr<Input> input = open_input(path);
  std::string buffer(text.size(), '\0');
  const std::size_t got = input->read(buffer.data(), buffer.size());
  CHECK(got > 0);
  CHECK(got < text.size());
  CHECK(buffer.substr(0, got) == text.substr(0, got));
  const std::string message = io_error_message([&] { input->read(buffer.data(), buffer.size()); });
  CHECK(contains(message, "truncated"));
}
