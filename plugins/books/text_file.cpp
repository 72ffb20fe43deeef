#include "text_file.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace loom::books {
namespace {

bool starts_with_ignoring_case(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

bool contains_ignoring_case(std::string_view s, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i)
    if (starts_with_ignoring_case(s.substr(i), needle)) return true;
  return false;
}

std::string_view without_leading(std::string_view line, char c) {
  while (!line.empty() && (line.front() == c || line.front() == ' ')) line.remove_prefix(1);
  return line;
}

bool is_start_marker(std::string_view line) {
  if (starts_with_ignoring_case(line, "*END*THE SMALL PRINT")) return true;
  return line.starts_with("***") &&
         starts_with_ignoring_case(without_leading(line, '*'), "START OF") &&
         contains_ignoring_case(line, "PROJECT GUTENBERG");
}

bool is_end_marker(std::string_view line) {
  if (starts_with_ignoring_case(line, "End of Project Gutenberg") ||
      starts_with_ignoring_case(line, "End of the Project Gutenberg"))
    return true;
  return line.starts_with("***") &&
         starts_with_ignoring_case(without_leading(line, '*'), "END OF") &&
         contains_ignoring_case(line, "PROJECT GUTENBERG");
}

bool is_counted_control(unsigned char u) {
  return u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != '\f' && u != '\v' && u != 0x1a &&
         u != 0x1b;
}

// The control bytes binary_reason counts (those below 0x20 that text does not use).
std::size_t count_binary_controls(std::string_view bytes) {
  std::size_t controls = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time, newlines included: a book's lines put one in about every fourth block,
  // which a test of 8-byte words for "any byte below 0x20" sent byte by byte.
  const auto at_most = [](__m128i v, char limit) {
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(limit)), v)));
  };
  for (; i + 16 <= bytes.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data() + i));
    const unsigned controls_mask = at_most(v, 0x1f);
    if (controls_mask == 0) continue;
    const unsigned tab_to_return = at_most(_mm_sub_epi8(v, _mm_set1_epi8('\t')), '\r' - '\t');
    const unsigned eof_escape = at_most(_mm_sub_epi8(v, _mm_set1_epi8(0x1a)), 1);
    controls +=
        static_cast<std::size_t>(std::popcount(controls_mask & ~tab_to_return & ~eof_escape));
  }
#endif
  for (; i < bytes.size(); ++i)
    controls += is_counted_control(static_cast<unsigned char>(bytes[i]));
  return controls;
}

}  // namespace

std::optional<std::string> binary_reason(std::string_view bytes) {
  const std::size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos)
    return "a NUL byte at offset " + std::to_string(nul) + " (a binary file?)";
  // Text has tabs, newlines and form feeds; a binary file has other control bytes all over.
  const std::size_t controls = count_binary_controls(bytes);
  if (controls > 8 && controls * 100 > bytes.size())
    return std::to_string(controls) + " control bytes in " + std::to_string(bytes.size()) +
           " (more than 1%: a binary file?)";
  return std::nullopt;
}

std::optional<std::size_t> first_invalid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      // Most of a book is ASCII: past an ASCII byte, 16 at a time while none has its high bit
      // set (text with no ASCII between its characters never comes here).
      while (i + 16 <= n) {
        std::uint64_t words[2];
        std::memcpy(words, p + i, 16);
        if (((words[0] | words[1]) & 0x8080808080808080ULL) != 0) break;
        i += 16;
      }
      continue;
    }
    const unsigned char lead = p[i];
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // no overlong forms
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    }
    if (length == 0 || i + length > n || p[i + 1] < low || p[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k)
      if ((p[i + k] & 0xC0) != 0x80) return i;
    i += length;
  }
  return std::nullopt;
}

std::size_t latin1_to_utf8(std::string_view bytes, char* out) {
  char* start = out;
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      *out++ = c;
    } else {
      *out++ = static_cast<char>(0xC0 | (u >> 6));
      *out++ = static_cast<char>(0x80 | (u & 0x3F));
    }
  }
  return static_cast<std::size_t>(out - start);
}

std::string_view strip_gutenberg(std::string_view text) {
  std::size_t begin = 0, end = text.size();
  bool found_start = false;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t newline = text.find('\n', at);
    const std::size_t next = newline == std::string_view::npos ? text.size() : newline + 1;
    const std::string_view line = text.substr(at, next - at);
    if (!found_start && is_start_marker(line)) {
      found_start = true;
      begin = next;
    } else if (is_end_marker(line)) {
      end = at;
      break;
    }
    at = next;
  }
  if (end < begin) end = begin;
  return text.substr(begin, end - begin);
}

}  // namespace loom::books
