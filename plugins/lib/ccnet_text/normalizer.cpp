#include <ccnet_text/normalizer.hpp>

#include <ccnet_text/python_unicode.hpp>

#include <algorithm>

namespace loom::ccnet {

namespace pu = python_unicode;

namespace {

// text_normalizer.UNICODE_PUNCT: the replacement of each "unicode punct" character, or nullptr.
// (U+FF11, the fullwidth digit one, maps to '"', an upstream slip; being `\d` it never gets here.)
const char* punct_replacement(char32_t c) {
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
bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Both normalizers on pure ASCII, where lower() is A-Z only, nothing has an accent, `\d` is 0-9
// and no unicode punct character can occur: strip, lower, digits to '0', drop controls.
void normalize_ascii(std::string_view text, std::string& out) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && pu::is_space(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && pu::is_space(static_cast<unsigned char>(text[end - 1]))) --end;
  out.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) {
    const char c = text[i];
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c + 32));
    } else if (c >= '0' && c <= '9') {
      out.push_back('0');
    } else if (!is_control(static_cast<unsigned char>(c))) {
      out.push_back(c);
    }
  }
}

struct Scratch {
  pu::CodePoints decoded, lowered, unaccented;
  std::string normalized;
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

std::string normalize(std::string_view utf8) {
  std::string out;
  normalize(utf8, out);
  return out;
}

void normalize_for_dedup(std::string_view utf8, std::string& out) {
  out.clear();
  if (is_ascii(utf8)) return normalize_ascii(utf8, out);
  normalize_unicode(utf8, /*accents=*/false, Punct::remove, out);
}

std::string normalize_for_dedup(std::string_view utf8) {
  std::string out;
  normalize_for_dedup(utf8, out);
  return out;
}

std::uint64_t dedup_line_hash(std::string_view line) {
  std::string& normalized = scratch().normalized;
  normalize_for_dedup(line, normalized);
  return line_hash(normalized);
}

}  // namespace loom::ccnet
