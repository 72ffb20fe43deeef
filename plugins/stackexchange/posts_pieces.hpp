// Cuts a Posts.xml into pieces that each parse on their own, so that its rows can be parsed on
// several threads.
//
// Every row of a Stack Exchange dump is one line, `  <row Id=... />`. A piece starts at such a
// row start and ends before another (or at the end of the document); parsed as
//   prolog + piece + "</root>"
// (the prolog being everything before the first row: XML declaration, DOCTYPE, root start tag) a
// piece gives the rows the whole document's parse gives for those bytes, because XML content is
// parsed the same wherever it starts once no entity is declared (the reader refuses declarations)
// and the piece is balanced. A piece that does not parse this way (a cut inside a comment or
// CDATA section, or XML that is really malformed) throws; the caller then parses the document
// serially from the first row of that piece, which gives today's rows and today's error message.
#pragma once

#include "posts_reader.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::stackexchange {

struct PostsPiece {
  std::size_t begin = 0, end = 0;  // in PostsBlock::bytes
  std::uint64_t first_line = 0;    // line of the piece's first byte in Posts.xml (1-based)
  bool last = false;               // holds the end of the document (no closing tag appended)
};

struct PostsBlock {
  std::string bytes;
  std::vector<PostsPiece> pieces;  // in document order; empty: the document has ended
};

class PostsSplitter {
 public:
  PostsSplitter(std::string name, ByteSource bytes);

  // Reads the prolog. False when the document does not have a dump's shape (no row line, a
  // prolog over 1 MB, a root tag that cannot be closed by name, a prolog that does not parse):
  // the caller then parses serially, which reports whatever is wrong.
  bool start();

  // The document's bytes from the start, for a serial parse after start() returned false: those
  // read so far, then the rest of the source. Leaves this splitter empty.
  ByteSource unread_from_start();

  // The next block of about block_bytes (more when a row is longer), cut at a row start and
  // split into up to `pieces` pieces at row starts.
  PostsBlock next_block(std::size_t block_bytes, std::size_t pieces);

  // The rows of `piece` of `block`, their lines counted in Posts.xml. Throws loom::Error when the
  // piece does not parse on its own. Safe to call on several pieces at once.
  std::vector<PostRow> parse(const PostsBlock& block, const PostsPiece& piece) const;

 private:
  bool fill(std::size_t at_least);  // false at the end of the bytes

  std::string name_;
  ByteSource bytes_;
  std::string prolog_;
  std::string closing_;             // "</root>"
  std::uint64_t prolog_lines_ = 0;  // newlines in prolog_
  std::string pending_;             // read, not yet handed out; starts at a row start
  std::uint64_t pending_line_ = 1;  // line of pending_'s first byte
  bool ended_ = false;
};

// The first row start (a line's first non-blank bytes being "<row" and a blank) at or after
// `from`, excluding position 0; npos when none is complete in `text`.
std::size_t find_row_start(std::string_view text, std::size_t from);

}  // namespace loom::stackexchange
