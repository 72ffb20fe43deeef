#include <text/lines.hpp>
#include <text/python_whitespace.hpp>

#include <cstring>

namespace loom::textlib {

std::size_t count_byte(std::string_view text, char byte) {
  std::size_t n = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while ((p = static_cast<const char*>(std::memchr(p, byte, static_cast<std::size_t>(end - p))))) {
    ++n;
    ++p;
  }
  return n;
}

std::size_t count_non_overlapping(std::string_view text, std::string_view needle) {
  if (needle.empty()) return count_code_points(text) + 1;  // Python: one match between characters
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size()))
    ++count;
  return count;
}

}  // namespace loom::textlib
