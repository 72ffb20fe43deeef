// Pieces both normalizer paths share (normalizer.cpp's general path over code points and
// dedup_normalizer.cpp's single pass over UTF-8), so the two cannot drift apart.
#pragma once

#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace loom::ccnet::detail {

// text_normalizer.UNICODE_PUNCT: the replacement of each "unicode punct" character, or nullptr.
// (U+FF11, the fullwidth digit one, maps to '"', an upstream slip; being `\d` it never gets here.)
inline const char* punct_replacement(char32_t c) {
  switch (c) {
    case 0xFF0C: return ",";
    case 0x3002: return ".";
    case 0x3001: return ",";
    case 0x201E:
    case 0x201D:
    case 0x201C:
    case 0x00AB:
    case 0x00BB:
    case 0xFF11:
    case 0x300D:
    case 0x300C:
    case 0x300A:
    case 0x300B: return "\"";
    case 0x00B4: return "'";
    case 0x2236:
    case 0xFF1A: return ":";
    case 0xFF1F: return "?";
    case 0xFF01: return "!";
    case 0xFF08: return "(";
    case 0xFF09: return ")";
    case 0xFF1B: return ";";
    case 0x2013: return "-";
    case 0x2014: return " - ";
    case 0xFF0E: return ". ";
    case 0xFF5E: return "~";
    case 0x2019: return "'";
    case 0x2026: return "...";
    case 0x2501: return "-";
    case 0x3008: return "<";
    case 0x3009: return ">";
    case 0x3010: return "[";
    case 0x3011: return "]";
    case 0xFF05: return "%";
    case 0x25BA: return "-";
    default: return nullptr;
  }
}

// text_normalizer.NON_PRINTING_CHARS_RE: U+0000-U+001F and U+007F-U+009F.
inline bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// One ASCII character after lower() and the digit and control passes: A-Z lowered, 0-9 to '0',
// controls dropped. Writes at `out` and returns the end.
inline char* map_ascii(char c, char* out) {
  if (c >= 'A' && c <= 'Z') {
    *out++ = static_cast<char>(c + 32);
  } else if (c >= '0' && c <= '9') {
    *out++ = '0';
  } else if (!is_control(static_cast<unsigned char>(c))) {
    *out++ = c;
  }
  return out;
}

// map_ascii on the 16 bytes at `in`, written to the 16 at `out`, when none of them is a control
// character or non-ASCII (then each maps to one byte): returns a mask of the output bytes that are
// not ' ' (bit k for out[k]), for str.strip()'s trailing side; -1, with nothing written, otherwise.
inline int map_ascii_block_nonspace(const char* in, char* out) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
  // Signed compares: bytes >= 0x80 are negative, so "below 0x20" catches them too.
  const __m128i special =
      _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
  if (_mm_movemask_epi8(special) != 0) return -1;
  const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  const __m128i lowered = _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(32)));
  const __m128i mapped =
      _mm_or_si128(_mm_andnot_si128(digit, lowered), _mm_and_si128(digit, _mm_set1_epi8('0')));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), mapped);
  return _mm_movemask_epi8(_mm_cmpeq_epi8(mapped, _mm_set1_epi8(' '))) ^ 0xFFFF;
#else
  (void)in;
  (void)out;
  return -1;
#endif
}

// The same, for callers that need no mask: whether the block was written.
inline bool map_ascii_block(const char* in, char* out) {
  return map_ascii_block_nonspace(in, out) >= 0;
}

// One past the last byte of out[0, 16) that a nonspace mask marks, or nullptr when none is.
inline char* after_last_nonspace(char* out, int nonspace) {
  return nonspace == 0 ? nullptr : out + (32 - __builtin_clz(static_cast<unsigned>(nonspace)));
}

}  // namespace loom::ccnet::detail
