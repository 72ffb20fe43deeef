#include <text/rpv2_text.hpp>

namespace loom::textlib {
namespace {

// Python's string.punctuation: the ASCII characters that are neither letters, digits nor space.
bool is_ascii_punctuation(unsigned char c) {
  return (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
         (c >= 0x7b && c <= 0x7e);
}

// normalize_rpv2 of ASCII text in one pass: lowercasing and NFD change nothing but A-Z.
void normalize_ascii(std::string_view text, std::string& out) {
  out.resize(text.size());
  char* const begin = out.data();
  char* o = begin;
  bool pending_space = false;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_ascii_punctuation(c)) continue;
    if ((c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20)) {
      pending_space = o != begin;  // leading whitespace is stripped, trailing never written
      continue;
    }
    if (pending_space) *o++ = ' ';
    pending_space = false;
    *o++ = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : ch;
  }
  out.resize(static_cast<std::size_t>(o - begin));
}

}  // namespace

void normalize_rpv2(std::string_view text, std::string& out) {
  if (is_ascii(text)) {
    normalize_ascii(text, out);
    return;
  }
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
