#include <text/python_whitespace.hpp>

#include <algorithm>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

std::size_t non_ascii_whitespace_at(const char* p, const char* end) {
  const auto c = static_cast<unsigned char>(*p);
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
  // A code point starts at every byte that is not a continuation byte (10xxxxxx), i.e. at every
  // byte above -65 as a signed char. SSE2 (every x86-64 has it) compares 16 bytes at a time and
  // sums the 0/-1 results per byte lane for up to 255 blocks, then across lanes with psadbw:
  // std::popcount on 8-byte words was a libgcc call, the build not assuming the POPCNT
  // instruction.
  const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t size = utf8.size();
  std::size_t count = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i last_continuation = _mm_set1_epi8(-65);
  while (size - i >= 16) {
    const std::size_t blocks = std::min<std::size_t>((size - i) / 16, 255);
    __m128i lanes = _mm_setzero_si128();
    for (std::size_t b = 0; b < blocks; ++b, i += 16) {
      const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
      lanes = _mm_sub_epi8(lanes, _mm_cmpgt_epi8(block, last_continuation));
    }
    const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
    count += static_cast<std::size_t>(_mm_cvtsi128_si64(sums)) +
             static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  for (; i < size; ++i) count += static_cast<signed char>(bytes[i]) > -65 ? 1 : 0;
  return count;
}

}  // namespace loom::textlib
