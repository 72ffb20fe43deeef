#include "posts_pieces.hpp"

#include <algorithm>
#include <cstring>
#include <exception>

namespace loom::stackexchange {
namespace {

constexpr std::size_t read_step = std::size_t{1} << 20;
constexpr std::size_t max_prolog = std::size_t{1} << 20;

// memchr, not std::count: glibc's is vectorized, and rows are long.
std::uint64_t newlines(std::string_view text) {
  std::uint64_t n = 0;
  const char* at = text.data();
  const char* const end = at + text.size();
  while (const void* found = std::memchr(at, '\n', static_cast<std::size_t>(end - at))) {
    ++n;
    at = static_cast<const char*>(found) + 1;
  }
  return n;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Serves the concatenation of a few byte ranges to the XML reader without copying them together.
class Concatenation {
 public:
  Concatenation(std::string_view a, std::string_view b, std::string_view c) : parts_{a, b, c} {}

  std::size_t read(char* buffer, std::size_t capacity) {
    std::size_t n = 0;
    while (n < capacity && part_ < 3) {
      const std::string_view rest = parts_[part_].substr(offset_);
      const std::size_t take = std::min(rest.size(), capacity - n);
      if (take != 0) std::memcpy(buffer + n, rest.data(), take);  // an empty part may be null
      n += take;
      offset_ += take;
      if (offset_ == parts_[part_].size()) {
        ++part_;
        offset_ = 0;
      }
    }
    return n;
  }

 private:
  std::string_view parts_[3];
  std::size_t part_ = 0, offset_ = 0;
};

}  // namespace

std::size_t find_row_start(std::string_view text, std::size_t from) {
  std::size_t at = std::max<std::size_t>(from, 1);
  while (at < text.size()) {
    const void* found = std::memchr(text.data() + at - 1, '\n', text.size() - (at - 1));
    if (found == nullptr) return std::string_view::npos;
    const std::size_t line =
        static_cast<std::size_t>(static_cast<const char*>(found) - text.data()) + 1;
    std::size_t tag = line;
    while (tag < text.size() && is_blank(text[tag])) ++tag;
    if (text.size() - tag < 5) return std::string_view::npos;  // incomplete: more bytes decide
    if (text.compare(tag, 4, "<row") == 0 && is_blank(text[tag + 4])) return line;
    at = line + 1;
  }
  return std::string_view::npos;
}

PostsSplitter::PostsSplitter(std::string name, ByteSource bytes)
    : name_(std::move(name)), bytes_(std::move(bytes)) {}

bool PostsSplitter::fill(std::size_t at_least) {
  while (!ended_ && pending_.size() < at_least) {
    const std::size_t had = pending_.size();
    pending_.resize(had + read_step);
    const std::size_t n = bytes_(pending_.data() + had, read_step);
    pending_.resize(had + n);
    if (n == 0) ended_ = true;
  }
  return !ended_;
}

bool PostsSplitter::start() {
  std::size_t first_row = std::string_view::npos;
  while ((first_row = find_row_start(pending_, 1)) == std::string_view::npos) {
    if (ended_ || pending_.size() > max_prolog) return false;
    fill(pending_.size() + 1);
  }
  prolog_ = pending_.substr(0, first_row);
  pending_.erase(0, first_row);
  prolog_lines_ = newlines(prolog_);
  pending_line_ = prolog_lines_ + 1;
  // The root's start tag is the prolog's last tag (when the prolog parses to no row, below).
  const std::size_t open = prolog_.rfind('<');
  if (open == std::string::npos) return false;
  std::size_t name_end = open + 1;
  while (name_end < prolog_.size() && std::strchr(" \t\r\n/>", prolog_[name_end]) == nullptr)
    ++name_end;
  const std::string root = prolog_.substr(open + 1, name_end - open - 1);
  if (root.empty() || std::strchr("!?", root[0]) != nullptr) return false;
  closing_ = "</" + root + ">";
  PostsBlock nothing;
  PostsPiece empty;
  empty.first_line = pending_line_;
  try {
    return parse(nothing, empty).empty();
  } catch (const std::exception&) {
    return false;
  }
}

ByteSource PostsSplitter::unread_from_start() {
  struct Replay {
    std::string read;
    std::size_t served = 0;
    ByteSource rest;
  };
  auto replay = std::make_shared<Replay>(Replay{prolog_ + pending_, 0, std::move(bytes_)});
  prolog_.clear();
  pending_.clear();
  return [replay](char* buffer, std::size_t capacity) {
    if (replay->served == replay->read.size()) return replay->rest(buffer, capacity);
    const std::size_t n = std::min(capacity, replay->read.size() - replay->served);
    std::memcpy(buffer, replay->read.data() + replay->served, n);
    replay->served += n;
    return n;
  };
}

PostsBlock PostsSplitter::next_block(std::size_t block_bytes, std::size_t pieces) {
  PostsBlock block;
  fill(block_bytes);
  if (pending_.empty()) return block;
  std::size_t cut = std::string_view::npos;
  while ((cut = find_row_start(pending_, block_bytes)) == std::string_view::npos && !ended_)
    fill(pending_.size() + 1);  // a row longer than the block: read on to the next row start
  if (cut == std::string_view::npos) cut = pending_.size();
  // The block keeps the buffer; only the part past the cut (less than a row or a read) is copied.
  block.bytes = std::move(pending_);
  pending_ = block.bytes.substr(cut);
  block.bytes.resize(cut);
  const bool last = ended_ && pending_.empty();

  std::vector<std::size_t> starts{0};
  for (std::size_t i = 1; i < pieces; ++i) {
    const std::size_t at =
        find_row_start(block.bytes, std::max(cut / pieces * i, starts.back() + 1));
    if (at == std::string_view::npos) break;
    starts.push_back(at);
  }
  std::uint64_t line = pending_line_;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    PostsPiece piece;
    piece.begin = starts[i];
    piece.end = i + 1 < starts.size() ? starts[i + 1] : cut;
    piece.first_line = line;
    piece.last = last && piece.end == cut;
    line += newlines(std::string_view(block.bytes).substr(piece.begin, piece.end - piece.begin));
    block.pieces.push_back(piece);
  }
  pending_line_ = line;
  return block;
}

std::vector<PostRow> PostsSplitter::parse(const PostsBlock& block, const PostsPiece& piece) const {
  const std::string_view text =
      std::string_view(block.bytes).substr(piece.begin, piece.end - piece.begin);
  auto input =
      std::make_shared<Concatenation>(prolog_, text, piece.last ? std::string_view() : closing_);
  PostRowReader reader(
      name_, [input](char* buffer, std::size_t capacity) { return input->read(buffer, capacity); });
  // The piece's first byte is on line prolog_lines_ + 1 of what the reader sees.
  const std::uint64_t shift = piece.first_line - (prolog_lines_ + 1);
  std::vector<PostRow> rows;
  PostRow row;
  while (reader.next(row)) {
    row.line += shift;
    rows.push_back(std::move(row));
    row = PostRow();
  }
  return rows;
}

}  // namespace loom::stackexchange
