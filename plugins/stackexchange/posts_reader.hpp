// Streams the <row .../> elements of a StackExchange Posts.xml, from a plain (or .gz/.zst/.bz2)
// file or from the Posts.xml member of a site's .7z dump.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace loom::stackexchange {

struct PostRow {
  std::optional<std::string> id;
  std::optional<std::string> parent_id;
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<std::string> score;
  std::uint64_t line = 0;  // the line of the row's start tag in Posts.xml (1-based; its end)
};

// Pulls bytes of the Posts.xml document; returns 0 at the end, throws on failure.
using ByteSource = std::function<std::size_t(char* buffer, std::size_t capacity)>;

// A byte source for `path`: the Posts.xml member when the path ends in .7z, else the file itself
// (decompressed by the host by extension).
ByteSource open_posts_bytes(const std::string& path);

// Pulls the <row> children of the root element, in document order. Entities are never expanded
// from a DTD (an XML bomb is refused by libxml2's limits) and no network is touched.
class PostRowReader {
 public:
  PostRowReader(std::string name, ByteSource bytes);
  ~PostRowReader();
  PostRowReader(const PostRowReader&) = delete;
  PostRowReader& operator=(const PostRowReader&) = delete;

  // The next row, or false at the end of the document. Throws loom::Error naming `name`, the
  // line and the parser's message on malformed XML, or the byte source's failure.
  bool next(PostRow& row);

  struct State;  // the parser and its callbacks' context (defined in posts_reader.cpp)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace loom::stackexchange
