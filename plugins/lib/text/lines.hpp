// Lines and substrings as Python's str methods see them, on UTF-8 without decoding the text.
#pragma once

#include <cstddef>
#include <string_view>

namespace loom::textlib {

// Bytes of the str.splitlines() line break starting at p (0 if none): \n \r \v \f \x1c \x1d
// \x1e U+0085 U+2028 U+2029, and \r\n as one break of 2 bytes.
inline std::size_t line_break_at(const char* p, const char* end) {
  const auto c = static_cast<unsigned char>(*p);
  if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) return 1;
  if (c == '\r') return (end - p >= 2 && p[1] == '\n') ? 2 : 1;
  if (c == 0xc2) return (end - p >= 2 && static_cast<unsigned char>(p[1]) == 0x85) ? 2 : 0;
  if (c == 0xe2 && end - p >= 3 && static_cast<unsigned char>(p[1]) == 0x80) {
    const auto c2 = static_cast<unsigned char>(p[2]);
    return c2 == 0xa8 || c2 == 0xa9 ? 3 : 0;
  }
  return 0;
}

// Calls on_line(std::string_view) for each element of text.splitlines(): the lines without their
// breaks; no line after a final break; none for an empty text.
template <class OnLine>
void for_each_python_line(std::string_view text, OnLine&& on_line) {
  const char* p = text.data();
  const char* const end = p + text.size();
  const char* line = p;
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    // Only these bytes can start a break; everything else is skipped by one compare.
    if (c > 0x1e && c != 0xc2 && c != 0xe2) {
      ++p;
      continue;
    }
    const std::size_t n = line_break_at(p, end);
    if (n == 0) {
      ++p;
      continue;
    }
    on_line(std::string_view(line, static_cast<std::size_t>(p - line)));
    p += n;
    line = p;
  }
  if (line < end) on_line(std::string_view(line, static_cast<std::size_t>(end - line)));
}

// Calls on_piece(std::string_view) for each element of re.split(r"\n{min_run,}", text): the text
// cut at runs of at least min_run (>= 1) '\n'; pieces may be empty (a text that starts or ends
// with such a run); an empty text is one empty piece. Gopher's paragraphs are min_run 2 (of the
// stripped text), its lines min_run 1.
template <class OnPiece>
void for_each_newline_run_split(std::string_view text, std::size_t min_run, OnPiece&& on_piece) {
  std::size_t start = 0;
  for (std::size_t at = text.find('\n'); at != std::string_view::npos;) {
    std::size_t run_end = at;
    while (run_end < text.size() && text[run_end] == '\n') ++run_end;
    if (run_end - at >= min_run) {
      on_piece(text.substr(start, at - start));
      start = run_end;
    }
    at = text.find('\n', run_end);
  }
  on_piece(text.substr(start));
}

// text.count(byte) for a byte that is rare in text ('#', '\n'): memchr jumps between them.
std::size_t count_byte(std::string_view text, char byte);

// str.count(needle): non-overlapping occurrences, left to right.
std::size_t count_non_overlapping(std::string_view text, std::string_view needle);

}  // namespace loom::textlib
