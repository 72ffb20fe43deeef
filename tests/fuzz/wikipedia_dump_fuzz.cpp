// wikipedia_dump_source's streaming XML reader, fed in chunks whose size the first byte picks (so
// pages and tags straddle reads). Checks: only loom::Errors naming the dump escape, pages come
// with consecutive indexes and non-decreasing lines, and every string is valid UTF-8.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "dump_reader.hpp"
#include "fuzz_support.hpp"

using namespace loom;

namespace {

void check_utf8(const std::optional<std::string>& s, const char* what) {
  if (s) fuzz::require(fuzz::valid_utf8(*s), std::string(what) + " is not valid UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = std::size_t{1} + data[0] * std::size_t{7};
  const std::string_view dump = fuzz::as_text(data + 1, size - 1);
  std::size_t offset = 0;
  wikipedia::ByteSource bytes = [&](char* buffer, std::size_t capacity) {
    const std::size_t n = std::min({chunk, capacity, dump.size() - offset});
    std::memcpy(buffer, dump.data() + offset, n);
    offset += n;
    return n;
  };
  fuzz::only_loom_errors(
      [&] {
        wikipedia::DumpReader reader("fuzz-dump.xml", bytes);
        std::uint64_t index = 0, line = 0;
        while (auto page = reader.next()) {
          fuzz::require(page->index == index++, "page indexes are not consecutive");
          fuzz::require(page->line >= line, "page lines go backwards");
          line = page->line;
          check_utf8(page->title, "a title");
          check_utf8(page->ns, "a namespace");
          check_utf8(page->id, "an id");
          check_utf8(page->text, "a page text");
        }
      },
      "fuzz-dump.xml");
  return 0;
}
