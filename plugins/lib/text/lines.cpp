#include <text/lines.hpp>
#include <text/python_whitespace.hpp>

namespace loom::textlib {

std::size_t count_non_overlapping(std::string_view text, std::string_view needle) {
  if (needle.empty()) return count_code_points(text) + 1;  // Python: one match between characters
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size()))
    ++count;
  return count;
}

}  // namespace loom::textlib
