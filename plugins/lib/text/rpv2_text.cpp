#include <text/rpv2_text.hpp>

namespace loom::textlib {
namespace {

// Python's string.punctuation: the ASCII characters that are neither letters, digits nor space.
bool is_ascii_punctuation(unsigned char c) {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
         (c >= 0x7b && c <= 0x7e);
}

}  // namespace

void normalize_rpv2(std::string_view text, std::string& out) {
  std::string without_punctuation;
  without_punctuation.reserve(text.size());
  for (const char c : text)
    if (!is_ascii_punctuation(static_cast<unsigned char>(c))) without_punctuation.push_back(c);
  std::string lower;
  lower.reserve(without_punctuation.size());
  append_python_lower(without_punctuation, lower);
  const std::string_view stripped = python_strip(lower);
  std::string collapsed;
  collapsed.reserve(stripped.size());
  const char* p = stripped.data();
  const char* const end = p + stripped.size();
  while (p < end) {
    std::size_t space = whitespace_at(p, end);
    if (space == 0) {
      collapsed.push_back(*p++);
      continue;
    }
    while (space != 0) {
      p += space;
      space = p < end ? whitespace_at(p, end) : 0;
    }
    collapsed.push_back(' ');
  }
  out.clear();
  append_nfd(collapsed, out);
}

}  // namespace loom::textlib
