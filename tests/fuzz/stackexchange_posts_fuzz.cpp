// stackexchange_source's Posts.xml row reader, fed in chunks whose size the first byte picks.
// Checks: only loom::Errors naming the file escape, rows come with non-decreasing lines, and
// every attribute is valid UTF-8.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "fuzz_support.hpp"
#include "posts_reader.hpp"

using namespace loom;

namespace {

void check_utf8(const std::optional<std::string>& s, const char* what) {
  if (s) fuzz::require(fuzz::valid_utf8(*s), std::string(what) + " is not valid UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = std::size_t{1} + data[0] * std::size_t{7};
  const std::string_view xml = fuzz::as_text(data + 1, size - 1);
  std::size_t offset = 0;
  stackexchange::ByteSource bytes = [&](char* buffer, std::size_t capacity) {
    const std::size_t n = std::min({chunk, capacity, xml.size() - offset});
    std::memcpy(buffer, xml.data() + offset, n);
    offset += n;
    return n;
  };
  fuzz::only_loom_errors(
      [&] {
        stackexchange::PostRowReader reader("fuzz-Posts.xml", bytes);
        stackexchange::PostRow row;
        std::uint64_t line = 0;
        while (reader.next(row)) {
          fuzz::require(row.line >= line, "row lines go backwards");
          line = row.line;
          check_utf8(row.id, "an Id");
          check_utf8(row.parent_id, "a ParentId");
          check_utf8(row.title, "a Title");
          check_utf8(row.body, "a Body");
          check_utf8(row.score, "a Score");
        }
      },
      "fuzz-Posts.xml");
  return 0;
}
