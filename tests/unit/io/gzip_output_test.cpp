// gzip output through igzip (levels 1 to 3, the default) and zlib (4 to 9): valid gzip that an
// independent decoder (zlib's inflate) and the gzip tool read, the same bytes however the input
// was split into writes, and levels that the user can pick.
#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <string>
#include <vector>

using namespace loom::io;
using namespace loom::io::testing;

namespace {

// zlib's inflate, not ISA-L (which the engine's gzip input uses): a second opinion on validity.
// Reads every member of a multi-member file.
std::string zlib_gunzip(const std::string& compressed) {
  std::string plain;
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  char buffer[65536];
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    const int status = inflate(&stream, Z_NO_FLUSH);
    plain.append(buffer, sizeof buffer - stream.avail_out);
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      REQUIRE(inflateReset(&stream) == Z_OK);  // the next member
      continue;
    }
    if (status != Z_OK) {
      inflateEnd(&stream);
      FAIL("zlib could not inflate the gzip data: status ", status);
    }
  }
  inflateEnd(&stream);
  return plain;
}

// Writes `text` to a streamed gzip output in pieces of the given sizes (cycled).
std::string streamed_gzip(const ScratchDir& scratch, const std::string& text, int level,
                          const std::vector<std::size_t>& pieces) {
  const std::string path = scratch.file("stream-" + std::to_string(level) + ".gz");
  auto output = Output::open(path, LOOM_CODEC_GZIP, level);
  std::size_t position = 0;
  for (std::size_t i = 0; position < text.size(); ++i) {
    const std::size_t count = std::min(pieces[i % pieces.size()], text.size() - position);
    output->write(std::string_view(text).substr(position, count));
    position += count;
  }
  output->commit();
  return read_file(path);
}

}  // namespace

TEST_CASE("streamed gzip output has the same bytes however the input was split") {
  ScratchDir scratch;
  // Over 3 MiB so that the encoder's fixed blocks (1 MiB) are crossed several times.
  const std::string text = sample_text(3'300'000, 5);
  for (const int level : {1, 2, 3, 6}) {
    CAPTURE(level);
    const std::string whole = streamed_gzip(scratch, text, level, {text.size()});
    CHECK(whole.size() < text.size() / 2);
    CHECK(zlib_gunzip(whole) == text);
    CHECK(streamed_gzip(scratch, text, level, {1, 7, 4096, 65537}) == whole);
    CHECK(streamed_gzip(scratch, text, level, {(1u << 20) - 1, 3, (1u << 20) + 5}) == whole);
    CHECK(streamed_gzip(scratch, text, level, {2'500'000, 10}) == whole);
  }
}

TEST_CASE("gzip frames are valid single members that zlib and the gzip tool read") {
  ScratchDir scratch;
  const std::string text = sample_text(700'000, 9);
  std::string frames;
  std::string expected;
  for (const int level : {0, 1, 2, 3, 4, 9}) {
    CAPTURE(level);
    std::string frame;
    compress_frame(LOOM_CODEC_GZIP, level, text, frame);
    CHECK(frame.size() < text.size() / 2);
    CHECK(static_cast<unsigned char>(frame[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(frame[1]) == 0x8b);
    CHECK(zlib_gunzip(frame) == text);
    std::string again;
    compress_frame(LOOM_CODEC_GZIP, level, text, again);
    CHECK(again == frame);  // deterministic, even with the encoder reused by this thread
    frames += frame;
    expected += text;
  }
  std::string empty;
  compress_frame(LOOM_CODEC_GZIP, 0, "", empty);
  CHECK(!empty.empty());
  CHECK(zlib_gunzip(empty).empty());

  const std::string path = scratch.file("levels.jsonl.gz");
  write_file(path, frames);
  CHECK(read_all(path) == expected);
  if (have_tool("gzip")) {
    bool succeeded = false;
    CHECK(command_output("gzip -dc '" + path + "' 2>/dev/null", &succeeded) == expected);
    CHECK(succeeded);
  } else {
    MESSAGE("skipping the gzip CLI check: tool not installed");
  }
}

TEST_CASE("the default gzip level is igzip's level 3, and levels trade speed for ratio") {
  const std::string text = sample_text(1'000'000, 13);
  std::string by_default, level3, level1, level9;
  compress_frame(LOOM_CODEC_GZIP, 0, text, by_default);
  compress_frame(LOOM_CODEC_GZIP, 3, text, level3);
  compress_frame(LOOM_CODEC_GZIP, 1, text, level1);
  compress_frame(LOOM_CODEC_GZIP, 9, text, level9);
  CHECK(by_default == level3);
  CHECK(level3 != level1);
  CHECK(level9.size() < level3.size());
  CHECK(level3.size() <= level1.size());
}
