#include "line_reader.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace loom::commoncrawl {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

std::size_t find_byte(const char* buffer, std::size_t from, std::size_t end, char byte) {
  const void* hit = std::memchr(buffer + from, byte, end - from);
  return hit == nullptr ? end : static_cast<std::size_t>(static_cast<const char*>(hit) - buffer);
}

}  // namespace

void append_bounded(std::vector<char>& bytes, std::string_view piece, std::size_t limit) {
  const std::size_t needed = bytes.size() + piece.size();
  if (needed > bytes.capacity()) {
    // Past half the limit, go straight to it: one more doubling step just under the limit
    // would copy (and touch) it twice.
    std::size_t grown = 2 * bytes.capacity();
    if (grown > limit / 2) grown = limit;
    bytes.reserve(std::max(needed, grown));
  }
  bytes.insert(bytes.end(), piece.begin(), piece.end());
}

LineReader::LineReader(ByteSource source, std::size_t max_line_bytes)
    : source_(std::move(source)),
      max_line_bytes_(max_line_bytes),
      buffer_(std::make_unique<char[]>(kChunkBytes)) {}

bool LineReader::refill() {
  if (at_end_) return false;
  buffer_offset_ += end_;
  begin_ = end_ = 0;
  const std::size_t n = source_(buffer_.get(), kChunkBytes);
  if (n == 0) {
    at_end_ = true;
    return false;
  }
  end_ = n;
  next_lf_ = find_byte(buffer_.get(), 0, end_, '\n');
  next_cr_ = find_byte(buffer_.get(), 0, end_, '\r');
  return true;
}

void LineReader::find_breaks() {
  if (next_lf_ < begin_) next_lf_ = find_byte(buffer_.get(), begin_, end_, '\n');
  if (next_cr_ < begin_) next_cr_ = find_byte(buffer_.get(), begin_, end_, '\r');
}

bool LineReader::next(Line& line) {
  if (after_cr_) {  // a "\r\n" split across two reads is one line break
    after_cr_ = false;
    if (begin_ == end_) refill();
    if (begin_ < end_ && buffer_[begin_] == '\n') {
      ++begin_;
      find_breaks();
    }
  }
  line.offset = buffer_offset_ + begin_;
  line.too_long = false;
  bool carrying = false;
  carry_.clear();
  while (true) {
    if (begin_ == end_ && !refill()) {
      if (!carrying) return false;
      line.text = {carry_.data(), carry_.size()};
      line.end = buffer_offset_ + end_;
      return true;
    }
    const std::size_t brk = std::min(next_lf_, next_cr_);
    const std::size_t piece_end = brk;
    const char* piece = buffer_.get() + begin_;
    const std::size_t piece_size = piece_end - begin_;
    if (carrying || brk == end_) {
      const std::size_t room =
          max_line_bytes_ > carry_.size() ? max_line_bytes_ - carry_.size() : 0;
      // A line over the limit is reported by its start only (its content is never used).
      if (piece_size > room) line.too_long = true;
      if (!line.too_long) append_bounded(carry_, {piece, piece_size}, max_line_bytes_);
    }
    if (brk == end_) {  // no line break in the rest of this read
      carrying = true;
      begin_ = end_;
      continue;
    }
    line.text = carrying ? std::string_view(carry_.data(), carry_.size())
                         : std::string_view(piece, piece_size);
    if (!carrying && piece_size > max_line_bytes_) {
      line.too_long = true;
      line.text = line.text.substr(0, max_line_bytes_);
    }
    begin_ = brk + 1;
    if (buffer_[brk] == '\r') {
      if (begin_ < end_) {
        if (buffer_[begin_] == '\n') ++begin_;
      } else {
        after_cr_ = true;
      }
    }
    line.end = buffer_offset_ + begin_;
    find_breaks();
    return true;
  }
}

}  // namespace loom::commoncrawl
