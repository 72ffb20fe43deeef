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
  std::uint64_t line = 0;  // where the row starts in Posts.xml (1-based)
};

// Pulls bytes of the Posts.xml document; returns 0 at the end, throws on failure.
using ByteSource = std::function<std::size_t(char* buffer, std::size_t capacity)>;

// A byte source for `path`: the Posts.xml member when the path ends in .7z, else the file itself
// (decompressed by the host by extension).
ByteSource open_posts_bytes(const std::string& path);

// Calls on_row for every <row> child of the root element, in document order. Entities are never
// expanded from a DTD (an XML bomb is refused by libxml2's limits) and no network is touched.
// Throws std::runtime_error naming `name`, the line and the parser's message on malformed XML.
void read_post_rows(const std::string& name, ByteSource bytes,
                    const std::function<void(PostRow&&)>& on_row);

}  // namespace loom::stackexchange
