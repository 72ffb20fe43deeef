#include <text/python_whitespace.hpp>

#include <bit>
#include <cstdint>
#include <cstring>

namespace loom::textlib {
namespace {

bool is_ascii_space(unsigned char c) {
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
}

// The 3-byte whitespace characters, given their bytes.
bool is_three_byte_space(unsigned char a, unsigned char b, unsigned char c) {
  if (a == 0xe1) return b == 0x9a && c == 0x80;  // U+1680
  if (a == 0xe2 && b == 0x80)                    // U+2000-U+200A, U+2028, U+2029, U+202F
    return (c >= 0x80 && c <= 0x8a) || c == 0xa8 || c == 0xa9 || c == 0xaf;
  if (a == 0xe2) return b == 0x81 && c == 0x9f;  // U+205F
  if (a == 0xe3) return b == 0x80 && c == 0x80;  // U+3000
  return false;
}

}  // namespace

std::size_t whitespace_at(const char* p, const char* end) {
  const auto c = static_cast<unsigned char>(*p);
  if (c < 0x80) return is_ascii_space(c) ? 1 : 0;
  const std::size_t left = static_cast<std::size_t>(end - p);
  if (c == 0xc2 && left >= 2) {
    const auto b = static_cast<unsigned char>(p[1]);
    return b == 0x85 || b == 0xa0 ? 2 : 0;  // U+0085, U+00A0
  }
  if (c >= 0xe1 && c <= 0xe3 && left >= 3)
    return is_three_byte_space(c, static_cast<unsigned char>(p[1]),
                               static_cast<unsigned char>(p[2]))
               ? 3
               : 0;
  return 0;
}

std::size_t whitespace_before(const char* begin, const char* end) {
  const auto last = static_cast<unsigned char>(end[-1]);
  if (last < 0x80) return is_ascii_space(last) ? 1 : 0;
  const std::size_t size = static_cast<std::size_t>(end - begin);
  if (size >= 2 && static_cast<unsigned char>(end[-2]) == 0xc2 && (last == 0x85 || last == 0xa0))
    return 2;
  if (size >= 3 && is_three_byte_space(static_cast<unsigned char>(end[-3]),
                                       static_cast<unsigned char>(end[-2]), last))
    return 3;
  return 0;
}

std::string_view python_lstrip(std::string_view line) {
  const char* begin = line.data();
  const char* end = begin + line.size();
  while (begin < end) {
    const std::size_t n = whitespace_at(begin, end);
    if (n == 0) break;
    begin += n;
  }
  return {begin, static_cast<std::size_t>(end - begin)};
}

std::string_view python_rstrip(std::string_view line) {
  const char* begin = line.data();
  const char* end = begin + line.size();
  while (begin < end) {
    const std::size_t n = whitespace_before(begin, end);
    if (n == 0) break;
    end -= n;
  }
  return {begin, static_cast<std::size_t>(end - begin)};
}

std::string_view python_strip(std::string_view line) { return python_rstrip(python_lstrip(line)); }

bool python_split_token(std::string_view line, std::size_t n, std::string_view& token) {
  const char* p = line.data();
  const char* end = p + line.size();
  for (std::size_t index = 0;; ++index) {
    while (p < end) {
      const std::size_t space = whitespace_at(p, end);
      if (space == 0) break;
      p += space;
    }
    if (p == end) return false;
    const char* start = p;
    while (p < end && whitespace_at(p, end) == 0) ++p;
    if (index == n) {
      token = {start, static_cast<std::size_t>(p - start)};
      return true;
    }
  }
}

std::size_t count_code_points(std::string_view utf8) {
  // Continuation bytes are 10xxxxxx: bit 7 set, bit 6 clear. Eight bytes at a time.
  constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
  std::size_t continuation = 0;
  std::size_t i = 0;
  for (; i + 8 <= utf8.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, utf8.data() + i, 8);
    continuation += static_cast<std::size_t>(std::popcount(word & ~(word << 1) & high_bits));
  }
  for (; i < utf8.size(); ++i)
    continuation += (static_cast<unsigned char>(utf8[i]) & 0xc0) == 0x80 ? 1 : 0;
  return utf8.size() - continuation;
}

}  // namespace loom::textlib
