// gzip files of many small members (a WET file has one per record): the decoder restarts at each
// member, which may straddle the compressed chunks it reads and the caller's buffer, so every read
// size and every member position must give the same bytes, and a damaged member must be reported
// in zlib's words, naming the file, after the members before it.
#include "io/io.hpp"

#include "io_test_support.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace loom::io;
using namespace loom::io::testing;

namespace {

struct Members {
  std::string expected;                  // the decompressed stream
  std::string file;                      // the gzip members, back to back
  std::vector<std::size_t> starts;       // offset of each member in `file`
  std::vector<std::size_t> text_starts;  // offset of each member's text in `expected`
};

// ~2.5 MB of compressed members of 100 B to 40 KB, so the 1 MiB chunks the decoder reads cut
// some members, and one empty member (it must not end the stream).
Members small_members() {
  Members m;
  for (unsigned i = 0; i < 400; ++i) {
    const std::string piece = i == 17 ? std::string() : sample_text(100 + (i * 7919) % 40'000, i);
    m.starts.push_back(m.file.size());
    m.text_starts.push_back(m.expected.size());
    compress_frame(LOOM_CODEC_GZIP, 1, piece, m.file);  // level 1: large enough to cross chunks
    m.expected += piece;
  }
  return m;
}

}  // namespace

TEST_CASE("a file of small gzip members reads back whole with any read size") {
  ScratchDir scratch;
  const Members m = small_members();
  REQUIRE(m.file.size() > 2 * (std::size_t{1} << 20));
  const std::string path = scratch.file("records.warc.wet.gz");
  write_file(path, m.file);
  for (const std::size_t chunk :
       {std::size_t{1} << 20, std::size_t{65'536}, std::size_t{777}, std::size_t{50'000}}) {
    CAPTURE(chunk);
    CHECK(read_all(path, LOOM_CODEC_AUTO, chunk) == m.expected);
  }
}

TEST_CASE("a damaged small member is reported as corrupt, naming the file, after the ones before") {
  ScratchDir scratch;
  const Members m = small_members();
  const std::size_t member = 250;
  const std::size_t member_end = m.starts[member + 1];
  const std::string path = scratch.file("records.warc.wet.gz");
  SUBCASE("its CRC-32 does not match") {
    std::string damaged = m.file;
    damaged[member_end - 8] = static_cast<char>(damaged[member_end - 8] ^ 0x55);
    write_file(path, damaged);
    const std::string message = io_error_message([&] { read_all(path); });
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find("corrupt") != std::string::npos);
    CHECK(message.find("incorrect data check") != std::string::npos);
  }
  SUBCASE("its deflate data is broken") {
    std::string damaged = m.file;
    for (std::size_t i = m.starts[member] + 10; i < m.starts[member] + 40; ++i) damaged[i] = '\xff';
    write_file(path, damaged);
    const std::string message = io_error_message([&] { read_all(path); });
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find("corrupt") != std::string::npos);
  }
  // The members before the damaged one are handed over before the error.
  std::string damaged = m.file;
  damaged[member_end - 8] = static_cast<char>(damaged[member_end - 8] ^ 0x55);
  write_file(path, damaged);
  auto input = open_input(path);
  std::string got;
  std::vector<char> buffer(4096);
  const std::string message = io_error_message([&] {
    for (std::size_t n; (n = input->read(buffer.data(), buffer.size())) > 0;)
      got.append(buffer.data(), n);
  });
  CHECK(message.find("incorrect data check") != std::string::npos);
  // What the failing read call had decoded is lost with it, at most one buffer.
  CHECK(got.size() + buffer.size() >= m.text_starts[member]);
  CHECK(got.size() <= m.text_starts[member + 1]);
  CHECK(m.expected.compare(0, got.size(), got) == 0);
}
