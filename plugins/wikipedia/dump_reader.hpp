// Pulls the <page> elements of a MediaWiki XML dump one at a time with libxml2's streaming
// reader, so memory is bounded by the largest page, never by the dump.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace loom::wikipedia {

// One <page> as the HF wikipedia.py script sees it: the direct children title, ns, id and
// redirect, and the text of the first revision.
struct Page {
  std::optional<std::string> title;
  std::optional<std::string> ns;
  std::optional<std::string> id;
  bool redirect = false;
  std::optional<std::string> text;  // absent when the page has no revision/text element
  std::uint64_t index = 0;          // 0-based position among the dump's pages
  std::uint64_t line = 0;           // where <page> starts (1-based)
};

// Pulls bytes of the (decompressed) dump; returns 0 at the end, throws on failure.
using ByteSource = std::function<std::size_t(char* buffer, std::size_t capacity)>;

class DumpReader {
 public:
  // `name` names the dump in errors.
  DumpReader(std::string name, ByteSource bytes);
  ~DumpReader();
  DumpReader(const DumpReader&) = delete;
  DumpReader& operator=(const DumpReader&) = delete;

  // The next page in document order, or nothing at the end of the dump. Throws loom::Error
  // naming the dump, the line and the page being read on malformed or truncated input, on a
  // failing byte source, and on any document type declaration (a dump has none; refusing it
  // means no entity is ever defined, so nothing can be expanded and no DTD is fetched).
  std::optional<Page> next();

  struct State;  // libxml2's callbacks and the reader (defined in the .cpp)

 private:
  void read_page(Page& page);
  bool advance();  // false at the end of the document
  [[noreturn]] void fail(const std::string& what) const;
  std::string page_parsed_ahead() const;  // ": page 12 ('Title')" or empty

  std::string name_;
  std::unique_ptr<State> state_;
  std::uint64_t pages_ = 0;
};

}  // namespace loom::wikipedia
