// bzip2 decoded block by block on several threads (bzip2_block_decoder.cpp) must give the bytes
// the stream decoder gives on one, for single-stream files of many blocks and for multistream
// files, at any read size, and report damage and cuts as the stream decoder does.
#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>
#include <oneapi/tbb/task_arena.h>

#include <string>
#include <vector>

using namespace loom::io;
using namespace loom::io::testing;

namespace {

// Reads the file inside an arena of `threads` threads, where make_bzip2_decoder picks its
// decoder (the block decoder from two threads on).
std::string read_on(int threads, const std::string& path, std::size_t chunk) {
  oneapi::tbb::task_arena arena(threads);
  return arena.execute([&] { return read_all(path, LOOM_CODEC_AUTO, chunk); });
}

std::string error_on(int threads, const std::string& path) {
  oneapi::tbb::task_arena arena(threads);
  return arena.execute([&] { return io_error_message([&] { read_all(path); }); });
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("bzip2 of many blocks and many streams reads the same on 1, 2 and 4 threads") {
  ScratchDir scratch;
  // Level 1: 100 kB blocks, so 1.5 MB is ~15 blocks in one stream.
  const std::string one_stream_text = sample_text(1'500'000, 3);
  std::string one_stream;
  compress_frame(LOOM_CODEC_BZIP2, 1, one_stream_text, one_stream);
  // Multistream, as Wikipedia's dumps: streams of a few blocks, an empty one among them.
  std::string streams_text, streams;
  for (unsigned i = 0; i < 9; ++i) {
    const std::string piece = i == 4 ? std::string() : sample_text(20'000 + i * 60'000, 10 + i);
    compress_frame(LOOM_CODEC_BZIP2, 1 + i % 9, piece, streams);
    streams_text += piece;
  }
  for (const auto& [name, file, text] : {std::tuple{"one.xml.bz2", one_stream, one_stream_text},
                                         std::tuple{"multi.xml.bz2", streams, streams_text}}) {
    CAPTURE(name);
    const std::string path = scratch.file(name);
    write_file(path, file);
    for (const std::size_t chunk : {std::size_t{1} << 20, std::size_t{4096}, std::size_t{777}}) {
      CAPTURE(chunk);
      CHECK(read_on(1, path, chunk) == text);
      CHECK(read_on(2, path, chunk) == text);
      CHECK(read_on(4, path, chunk) == text);
    }
  }
}

TEST_CASE("bzip2 on several threads: damage, a cut and trailing bytes are named as on one") {
  ScratchDir scratch;
  const std::string text = sample_text(1'500'000, 4);
  std::string file;
  compress_frame(LOOM_CODEC_BZIP2, 1, text, file);
  const std::string path = scratch.file("dump.xml.bz2");

  SUBCASE("a damaged block") {
    std::string damaged = file;
    for (std::size_t i = file.size() / 2; i < file.size() / 2 + 16; ++i) damaged[i] ^= 0x21;
    write_file(path, damaged);
    for (const int threads : {1, 2}) {
      const std::string message = error_on(threads, path);
      CHECK(contains(message, path));
      CHECK(contains(message, "corrupt"));
    }
  }
  SUBCASE("the stream's combined CRC does not match its blocks'") {
    std::string damaged = file;
    damaged[file.size() - 2] ^= 0x01;  // inside the last 32 bits: the stored combined CRC
    write_file(path, damaged);
    for (const int threads : {1, 2}) {
      const std::string message = error_on(threads, path);
      CHECK(contains(message, "corrupt"));
      CHECK(contains(message, "bad block or checksum"));
    }
  }
  SUBCASE("cut inside a block, and inside the end-of-stream marker") {
    for (const std::size_t keep : {file.size() / 3, file.size() - 3}) {
      write_file(path, file.substr(0, keep));
      for (const int threads : {1, 2}) {
        const std::string message = error_on(threads, path);
        CHECK(contains(message, "truncated"));
        CHECK(contains(message, std::to_string(keep)));
      }
    }
  }
  SUBCASE("a block that never ends is damage, not a window growing with the file") {
    // A stream header and a block magic, then 9 MB of the bytes 0-12 repeated, whose bits hold
    // neither magic at any offset.
    std::string endless = file.substr(0, 10);
    for (std::size_t i = 0; i < 9'000'000; ++i) endless += static_cast<char>(i % 13);
    write_file(path, endless);
    const std::string message = error_on(2, path);
    CHECK(contains(message, "corrupt"));
    CHECK(contains(message, "near compressed byte 4"));
  }
  SUBCASE("bytes after the stream") {
    write_file(path, file + "not bzip2 at all");
    for (const int threads : {1, 2}) {
      const std::string message = error_on(threads, path);
      CHECK(contains(message, "unexpected data after the end of the bzip2 stream"));
      CHECK(contains(message, std::to_string(file.size())));
    }
  }
}

namespace {

struct ReadUntilError {
  std::string text;  // what was handed over before the error
  std::string message;
};

ReadUntilError read_until_error(int threads, const std::string& path) {
  oneapi::tbb::task_arena arena(threads);
  return arena.execute([&] {
    ReadUntilError out;
    out.message = io_error_message([&] {
      auto input = open_input(path, LOOM_CODEC_AUTO);
      std::string buffer(std::size_t{1} << 16, '\0');
      while (const std::size_t count = input->read(buffer.data(), buffer.size()))
        out.text.append(buffer.data(), count);
    });
    return out;
  });
}

}  // namespace

TEST_CASE("bzip2 on several threads: damage in any block, also at a round's end, stops there") {
  // Rounds of 4 blocks per thread are decoded while the caller reads the round before; a block
  // that fails at the end of a round is collected again with the next one. Damage in each part
  // of a ~15-block stream must give, on 2 and 4 threads (rounds of 8 and 16 blocks), the same
  // corruption error naming the same block, after text that is a true prefix of the original.
  // (How much of the text before it reaches the caller also depends on the read-ahead in front
  // of the decoder, so the prefix's length is not compared.)
  ScratchDir scratch;
  const std::string text = sample_text(1'500'000, 5);
  std::string file;
  compress_frame(LOOM_CODEC_BZIP2, 1, text, file);
  const std::string path = scratch.file("damaged.xml.bz2");
  std::size_t nonempty_prefixes = 0;
  for (int part = 1; part < 20; ++part) {
    CAPTURE(part);
    std::string damaged = file;
    const std::size_t at = file.size() * static_cast<std::size_t>(part) / 20;
    for (std::size_t i = at; i < at + 16; ++i) damaged[i] ^= 0x21;
    write_file(path, damaged);
    const ReadUntilError two = read_until_error(2, path);
    const ReadUntilError four = read_until_error(4, path);
    CHECK(contains(two.message, "corrupt"));
    CHECK(contains(two.message, path));
    CHECK(two.message == four.message);
    CHECK(text.compare(0, two.text.size(), two.text) == 0);  // a prefix of the original
    CHECK(two.text.size() < text.size());
    nonempty_prefixes += two.text.empty() ? 0 : 1;
  }
  CHECK(nonempty_prefixes >= 15);  // the damage was met after text was handed over
}
