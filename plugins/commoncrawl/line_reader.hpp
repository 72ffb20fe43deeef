// Lines of a byte stream as Python's text mode splits them (universal newlines: "\n", "\r\n" and
// a lone "\r" each end a line), without copying lines that lie inside one read chunk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace loom::commoncrawl {

// Appends `piece`, growing `bytes` to at most `limit` bytes of capacity where it fits: plain
// doubling (std::string even doubles on reserve) would touch up to twice the limit meant to
// bound memory.
void append_bounded(std::vector<char>& bytes, std::string_view piece, std::size_t limit);

// Fills `buffer` with up to `capacity` bytes; returns 0 at the end. Throws on failure.
using ByteSource = std::function<std::size_t(char* buffer, std::size_t capacity)>;

struct Line {
  std::string_view text;     // without its line break; valid until the next call
  std::uint64_t offset = 0;  // stream offset of its first byte
  std::uint64_t end = 0;     // stream offset just past its line break
  bool too_long = false;     // longer than max_line_bytes: `text` holds only its start
};

class LineReader {
 public:
  // Lines longer than max_line_bytes are never held whole (memory stays bounded).
  LineReader(ByteSource source, std::size_t max_line_bytes);

  // The next line; false at the end of the stream. A last line without a line break counts
  // only if it is not empty, as in Python's file iteration.
  bool next(Line& line);
  // Stream offset of the first byte not yet returned (the stream size once next() is false).
  std::uint64_t position() const { return buffer_offset_ + begin_; }

 private:
  bool refill();
  void find_breaks();

  ByteSource source_;
  std::size_t max_line_bytes_;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t next_lf_ = 0;          // index of the next '\n' at or after begin_ (end_ if none)
  std::size_t next_cr_ = 0;          // same for '\r'
  std::uint64_t buffer_offset_ = 0;  // stream offset of buffer_[0]
  bool at_end_ = false;
  bool after_cr_ = false;    // the last line ended with '\r' at the end of the buffer
  std::vector<char> carry_;  // a line that spans reads
};

}  // namespace loom::commoncrawl
