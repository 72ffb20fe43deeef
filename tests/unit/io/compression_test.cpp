// Round trips through every codec: streaming outputs, frames, concatenations, and the CLI tools.
#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <thread>
#include <vector>

using namespace loom::io;
using namespace loom::io::testing;

namespace {

struct CodecCase {
  loom_codec codec;
  const char* extension;
  const char* tool;  // decompresses to stdout with -dc
};

const CodecCase kCodecs[] = {
    {LOOM_CODEC_NONE, ".jsonl", nullptr},
    {LOOM_CODEC_GZIP, ".jsonl.gz", "gzip"},
    {LOOM_CODEC_ZSTD, ".jsonl.zst", "zstd"},
    {LOOM_CODEC_BZIP2, ".jsonl.bz2", "bzip2"},
};

// Writes `text` through an Output in uneven pieces, as a sink would.
void write_streaming(const std::string& path, const std::string& text, int level = 0) {
  auto output = Output::open(path, LOOM_CODEC_AUTO, level);
  std::size_t position = 0;
  std::size_t piece = 1;
  while (position < text.size()) {
    const std::size_t count = std::min(piece, text.size() - position);
    output->write(std::string_view(text).substr(position, count));
    position += count;
    piece = piece * 3 + 17;
    if (piece > 3'000'000) piece = 5;
  }
  output->commit();
}

std::string tool_decompress(const char* tool, const std::string& path, bool* succeeded) {
  return command_output(std::string(tool) + " -dc '" + path + "' 2>/dev/null", succeeded);
}

}  // namespace

TEST_CASE("streaming outputs round-trip through every codec, with large and small reads") {
  ScratchDir scratch;
  const std::string text = sample_text(3'500'000);
  for (const auto& codec : kCodecs) {
    CAPTURE(codec.extension);
    const std::string path = scratch.file(std::string("stream") + codec.extension);
    write_streaming(path, text);
    if (codec.codec != LOOM_CODEC_NONE) {
      CHECK(std::filesystem::file_size(path) < text.size());
      // Large enough that decoding crosses several 1 MiB input buffers.
      if (codec.codec != LOOM_CODEC_BZIP2) CHECK(std::filesystem::file_size(path) > (1u << 20));
    }
    CHECK(read_all(path) == text);
    CHECK(read_all(path, LOOM_CODEC_AUTO, 1000) == text);
    auto input = open_input(path);
    CHECK(read_all(*input, 4096) == text);
    CHECK(input->raw_position() == std::filesystem::file_size(path));
  }
}

TEST_CASE("an explicit codec overrides the file name") {
  ScratchDir scratch;
  const std::string text = sample_text(200'000);
  const std::string path = scratch.file("no-extension");
  auto output = Output::open(path, LOOM_CODEC_ZSTD);
  output->write(text);
  output->commit();
  CHECK(read_file(path) != text);
  CHECK(read_all(path, LOOM_CODEC_ZSTD) == text);
  CHECK(read_all(path, LOOM_CODEC_NONE) == read_file(path));
}

TEST_CASE("concatenated frames from compress_frame read back as one stream") {
  ScratchDir scratch;
  for (const auto& codec : kCodecs) {
    CAPTURE(codec.extension);
    std::string expected;
    std::string frames;
    for (unsigned i = 0; i < 7; ++i) {
      // Includes an empty frame, which must not end the stream early.
      const std::string piece = i == 3 ? std::string() : sample_text(50'000 + i * 150'000, i);
      compress_frame(codec.codec, 0, piece, frames);
      expected += piece;
    }
    const std::string path = scratch.file(std::string("frames") + codec.extension);
    auto output = Output::open(path);
    output->write_raw(frames);
    output->commit();
    CHECK(read_file(path) == frames);
    CHECK(read_all(path) == expected);
    CHECK(read_all(path, LOOM_CODEC_AUTO, 777) == expected);

    if (codec.tool && have_tool(codec.tool)) {
      bool succeeded = false;
      const std::string decoded = tool_decompress(codec.tool, path, &succeeded);
      CHECK(succeeded);
      CHECK(decoded == expected);
    } else if (codec.tool) {
      MESSAGE("skipping the ", codec.tool, " CLI check: tool not installed");
    }
  }
}

TEST_CASE("compress_frame appends to what is already in the buffer and honours levels") {
  const std::string text = sample_text(300'000, 3);
  for (const auto codec : {LOOM_CODEC_GZIP, LOOM_CODEC_ZSTD, LOOM_CODEC_BZIP2}) {
    CAPTURE(codec);
    std::string fast = "prefix";
    std::string strong;
    compress_frame(codec, 1, text, fast);
    compress_frame(codec, codec == LOOM_CODEC_ZSTD ? 19 : 9, text, strong);
    CHECK(fast.substr(0, 6) == "prefix");
    CHECK(strong.size() < text.size());
    CHECK(fast.size() - 6 < text.size());
    ScratchDir scratch;
    write_file(scratch.file("fast"), fast.substr(6));
    write_file(scratch.file("strong"), strong);
    CHECK(read_all(scratch.file("fast"), codec) == text);
    CHECK(read_all(scratch.file("strong"), codec) == text);
  }
}

TEST_CASE("compress_frame is safe to call from several threads at once") {
  const std::string text = sample_text(400'000, 11);
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        compress_frame(t % 2 ? LOOM_CODEC_ZSTD : LOOM_CODEC_GZIP, 0, text, results[t]);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ScratchDir scratch;
  for (std::size_t t = 0; t < results.size(); ++t) {
    const std::string path = scratch.file("thread" + std::to_string(t));
    write_file(path, results[t]);
    CHECK(read_all(path, t % 2 ? LOOM_CODEC_ZSTD : LOOM_CODEC_GZIP) == text + text + text);
  }
}

TEST_CASE("files concatenated by the CLI tools read back whole (multi-member gzip and friends)") {
  ScratchDir scratch;
  const std::string first = sample_text(700'000, 21);
  const std::string second = sample_text(900'000, 22);
  write_file(scratch.file("first"), first);
  write_file(scratch.file("second"), second);
  for (const auto& codec : kCodecs) {
    if (!codec.tool) continue;
    CAPTURE(codec.tool);
    if (!have_tool(codec.tool)) {
      MESSAGE("skipping: ", codec.tool, " not installed");
      continue;
    }
    const std::string path = scratch.file(std::string("joined") + codec.extension);
    const std::string tool = codec.tool;
    bool succeeded = false;
    command_output(tool + " -c '" + scratch.file("first") + "' > '" + path + "' && " + tool +
                       " -c '" + scratch.file("second") + "' >> '" + path + "'",
                   &succeeded);
    REQUIRE(succeeded);
    CHECK(read_all(path) == first + second);
  }
}

TEST_CASE("outputs mixing streamed writes and raw frames stay decodable") {
  ScratchDir scratch;
  for (const auto& codec : kCodecs) {
    CAPTURE(codec.extension);
    const std::string path = scratch.file(std::string("mixed") + codec.extension);
    const std::string a = sample_text(120'000, 1), b = sample_text(80'000, 2),
                      c = sample_text(50'000, 3);
    auto output = Output::open(path);
    output->write(a);
    std::string frame;
    compress_frame(codec.codec, 0, b, frame);
    output->write_raw(frame);
    output->write(c);
    output->commit();
    CHECK(read_all(path) == a + b + c);
  }
}

TEST_CASE("an empty compressed output is a valid, empty compressed file") {
  ScratchDir scratch;
  for (const auto& codec : kCodecs) {
    CAPTURE(codec.extension);
    const std::string path = scratch.file(std::string("empty") + codec.extension);
    Output::open(path)->commit();
    CHECK(read_all(path).empty());
    if (codec.tool && have_tool(codec.tool)) {
      bool succeeded = false;
      CHECK(tool_decompress(codec.tool, path, &succeeded).empty());
      CHECK(succeeded);
    }
  }
}

TEST_CASE("a zero-byte compressed file reads as empty") {
  ScratchDir scratch;
  for (const char* name : {"zero.gz", "zero.zst", "zero.bz2"}) {
    write_file(scratch.file(name), "");
    CHECK(read_all(scratch.file(name)).empty());
  }
}
