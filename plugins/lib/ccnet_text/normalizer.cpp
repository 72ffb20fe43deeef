#include <ccnet_text/normalizer.hpp>

#include <ccnet_text/python_unicode.hpp>
#include "normalizer_parts.hpp"

#include <cstdint>
#include <cstring>

namespace loom::ccnet {

namespace pu = python_unicode;

namespace {

using detail::is_control;
using detail::punct_replacement;

bool is_ascii(std::string_view text) {
  // Eight bytes at a time: the compiler turns the loop into vector ORs.
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    high |= word;
  }
  for (; i < text.size(); ++i) high |= static_cast<unsigned char>(text[i]);
  return (high & 0x8080808080808080u) == 0;
}

// Both normalizers on pure ASCII, where lower() is A-Z only, nothing has an accent, `\d` is 0-9
// and no unicode punct character can occur: strip, lower, digits to '0', drop controls.
void normalize_ascii(std::string_view text, std::string& out) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && pu::is_space(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && pu::is_space(static_cast<unsigned char>(text[end - 1]))) --end;
  out.resize(end - begin);
  char* put = out.data();
  std::size_t i = begin;
  for (; i + 16 <= end; i += 16) {
    if (detail::map_ascii_block(text.data() + i, put)) {
      put += 16;
    } else {
      for (std::size_t k = i; k < i + 16; ++k) put = detail::map_ascii(text[k], put);
    }
  }
  for (; i < end; ++i) put = detail::map_ascii(text[i], put);
  out.resize(static_cast<std::size_t>(put - out.data()));
}

struct Scratch {
  pu::CodePoints decoded, lowered, unaccented;
};
Scratch& scratch() {
  thread_local Scratch buffers;
  return buffers;
}

enum class Punct { replace, remove };

// strip, lower, optionally strip accents, then digits, punct and controls in one last pass.
void normalize_unicode(std::string_view utf8, bool accents, Punct punct, std::string& out) {
  Scratch& s = scratch();
  pu::decode_utf8(utf8, s.decoded);
  const std::u32string_view stripped = pu::strip({s.decoded.data(), s.decoded.size()});
  if (stripped.empty()) return;
  pu::lower(stripped, s.lowered);
  const pu::CodePoints* text = &s.lowered;
  if (accents) {
    pu::strip_accents({s.lowered.data(), s.lowered.size()}, s.unaccented);
    text = &s.unaccented;
  }
  // Each code point becomes at most 4 bytes (a replacement is at most 3).
  out.resize(4 * text->size());
  char* put = out.data();
  for (const char32_t c : *text) {
    if (c < 0x80) {
      if (c >= '0' && c <= '9') {
        *put++ = '0';
      } else if (!is_control(c)) {
        *put++ = static_cast<char>(c);
      }
    } else if (pu::is_decimal_digit(c)) {
      *put++ = '0';
    } else if (const char* replacement = punct_replacement(c); replacement != nullptr) {
      if (punct == Punct::replace)
        for (const char* r = replacement; *r != 0; ++r) *put++ = *r;
    } else if (!is_control(c)) {
      put = pu::put_utf8(c, put);
    }
  }
  out.resize(static_cast<std::size_t>(put - out.data()));
}

}  // namespace

void normalize(std::string_view utf8, std::string& out) {
  out.clear();
  if (is_ascii(utf8)) return normalize_ascii(utf8, out);
  normalize_unicode(utf8, /*accents=*/true, Punct::replace, out);
}

void normalize_general(std::string_view utf8, std::string& out) {
  out.clear();
  normalize_unicode(utf8, /*accents=*/true, Punct::replace, out);
}

std::string normalize(std::string_view utf8) {
  std::string out;
  normalize(utf8, out);
  return out;
}

void normalize_for_dedup_general(std::string_view utf8, std::string& out) {
  out.clear();
  normalize_unicode(utf8, /*accents=*/false, Punct::remove, out);
}

std::string normalize_for_dedup(std::string_view utf8) {
  std::string out;
  normalize_for_dedup(utf8, out);
  return out;
}

}  // namespace loom::ccnet
