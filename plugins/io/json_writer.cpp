#include "json_writer.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace loom::io {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// Bytes that cannot be copied as they are: 1 for control characters, quote and backslash (both
// styles); 2 for DEL and every non-ASCII byte (python style only: ensure_ascii escapes them).
constexpr std::array<std::uint8_t, 256> escape_table = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 1;
  table['"'] = 1;
  table['\\'] = 1;
  for (int c = 0x7f; c < 0x100; ++c) table[c] = 2;
  return table;
}();

void append_u_escape(std::string& out, std::uint32_t unit) {
  char buf[6] = {'\\',
                 'u',
                 hex_digits[(unit >> 12) & 0xf],
                 hex_digits[(unit >> 8) & 0xf],
                 hex_digits[(unit >> 4) & 0xf],
                 hex_digits[unit & 0xf]};
  out.append(buf, sizeof buf);
}

void append_ascii_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out.append("\\\"", 2); break;
    case '\\': out.append("\\\\", 2); break;
    case '\n': out.append("\\n", 2); break;
    case '\r': out.append("\\r", 2); break;
    case '\t': out.append("\\t", 2); break;
    case '\b': out.append("\\b", 2); break;
    case '\f': out.append("\\f", 2); break;
    default: append_u_escape(out, c);
  }
}

// Decodes one UTF-8 sequence starting at p (strict: no overlongs, surrogates or > U+10FFFF).
// Returns its length, or 0 if invalid.
std::size_t decode_utf8(const unsigned char* p, const unsigned char* end, std::uint32_t& cp) {
  unsigned char c = p[0];
  std::size_t len;
  std::uint32_t min;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xc2 && c <= 0xdf) {
    len = 2, cp = c & 0x1f, min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3, cp = c & 0x0f, min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < len) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((p[k] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[k] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

// Length of the leading run of bytes that need no escaping, 16 or 8 bytes at a time while possible.
// A word is clean when it has no byte < 0x20, no '"', no '\\' and, for python style, no byte
// >= 0x7f (standard "has a byte less than n" / "has a zero byte" bit tricks).
std::size_t clean_run(const unsigned char* p, const unsigned char* end, bool ensure_ascii) {
  constexpr std::uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  auto has_zero = [](std::uint64_t x) { return (x - ones) & ~x & high; };
  const unsigned char* start = p;
#if defined(__SSE2__)
  // Sixteen bytes at a time: the text of every record passes here.
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto equal = [&](char c) {
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c))));
    };
    const auto non_ascii = static_cast<unsigned>(_mm_movemask_epi8(v));
    // Signed compare: bytes >= 0x80 are negative, "below 0x20" too; they are not controls.
    const auto below_space =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(0x20), v)));
    unsigned bad = (below_space & ~non_ascii) | equal('"') | equal('\\');
    if (ensure_ascii) bad |= non_ascii | equal(0x7f);
    if (bad != 0) return static_cast<std::size_t>(p - start) + std::countr_zero(bad);
    p += 16;
  }
#endif
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    std::uint64_t bad =
        ((w - ones * 0x20) & ~w & high) | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'));
    if (ensure_ascii) bad |= (w & high) | has_zero(w ^ (ones * 0x7f));
    if (bad != 0) break;
    p += 8;
  }
  const int escape_level = ensure_ascii ? 2 : 1;
  while (p < end && (escape_table[*p] == 0 || escape_table[*p] > escape_level)) ++p;
  return static_cast<std::size_t>(p - start);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
    s.remove_prefix(1);
  return s;
}

void append_python_value(std::string& out, simdjson::ondemand::value value, JsonStyle style,
                         simdjson::ondemand::parser& parser);

void append_python_array(std::string& out, simdjson::ondemand::array array, JsonStyle style,
                         simdjson::ondemand::parser& parser) {
  out += '[';
  bool first = true;
  for (auto element : array) {
    if (!first) out.append(", ", 2);
    first = false;
    append_python_value(out, element.value(), style, parser);
  }
  out += ']';
}

void append_python_object(std::string& out, simdjson::ondemand::object object, JsonStyle style,
                          simdjson::ondemand::parser& parser) {
  out += '{';
  bool first = true;
  for (auto field : object) {
    if (!first) out.append(", ", 2);
    first = false;
    std::string_view key = field.unescaped_key();
    append_string(out, key, style);  // simdjson validated the UTF-8
    out.append(": ", 2);
    append_python_value(out, field.value(), style, parser);
  }
  out += '}';
}

void append_python_value(std::string& out, simdjson::ondemand::value value, JsonStyle style,
                         simdjson::ondemand::parser& parser) {
  using simdjson::ondemand::json_type;
  switch (json_type(value.type())) {
    case json_type::object: append_python_object(out, value.get_object(), style, parser); break;
    case json_type::array: append_python_array(out, value.get_array(), style, parser); break;
    case json_type::string: append_string(out, std::string_view(value.get_string()), style); break;
    case json_type::number: append_python_number(out, value.raw_json_token()); break;
    case json_type::boolean: out += bool(value.get_bool()) ? "true" : "false"; break;
    case json_type::null:
      if (!bool(value.is_null())) throw simdjson::simdjson_error(simdjson::INCORRECT_TYPE);
      out += "null";
      break;
  }
}

}  // namespace

bool append_string(std::string& out, std::string_view s, JsonStyle style) {
  const bool ensure_ascii = style == JsonStyle::python;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  out += '"';
  while (p < end) {
    std::size_t run = clean_run(p, end, ensure_ascii);
    out.append(reinterpret_cast<const char*>(p), run);
    p += run;
    if (p == end) break;
    if (*p < 0x80) {
      append_ascii_escape(out, *p++);
      continue;
    }
    std::uint32_t cp = 0;
    std::size_t len = decode_utf8(p, end, cp);
    if (len == 0) return false;
    p += len;
    if (cp < 0x10000) {
      append_u_escape(out, cp);
    } else {
      cp -= 0x10000;
      append_u_escape(out, 0xd800 + (cp >> 10));
      append_u_escape(out, 0xdc00 + (cp & 0x3ff));
    }
  }
  out += '"';
  return true;
}

void append_python_float(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "Infinity" : "-Infinity";
    return;
  }
  // Shortest round-trip digits, as Python's repr computes them, then Python's layout rules.
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(result.ptr - buf));
  if (sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const std::size_t e = sci.find('e');
  // At most 17 significant digits: no allocation (this runs for every float of every record).
  char digit_buf[24];
  std::size_t ndigits = 0;
  for (char c : sci.substr(0, e))
    if (c != '.') digit_buf[ndigits++] = c;
  const std::string_view digits(digit_buf, ndigits);
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  const int decpt = exponent + 1;  // digits d1d2... mean 0.d1d2... * 10^decpt
  const int n = static_cast<int>(ndigits);

  if (decpt <= -4 || decpt > 16) {
    out += digits[0];
    if (n > 1) {
      out += '.';
      out.append(digits.substr(1));
    }
    out += 'e';
    int shown = decpt - 1;
    out += shown < 0 ? '-' : '+';
    if (shown < 0) shown = -shown;
    if (shown < 10) out += '0';
    char exp_buf[8];
    const auto written = std::to_chars(exp_buf, exp_buf + sizeof exp_buf, shown);
    out.append(exp_buf, static_cast<std::size_t>(written.ptr - exp_buf));
  } else if (decpt <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-decpt), '0');
    out += digits;
  } else if (decpt >= n) {
    out += digits;
    out.append(static_cast<std::size_t>(decpt - n), '0');
    out += ".0";
  } else {
    out.append(digits.substr(0, static_cast<std::size_t>(decpt)));
    out += '.';
    out.append(digits.substr(static_cast<std::size_t>(decpt)));
  }
}

void append_python_number(std::string& out, std::string_view token) {
  token = trim(token);
  if (token.find_first_of(".eE") == std::string_view::npos) {
    // Python ints are exact at any size; only -0 changes (int("-0") is 0).
    if (token.find_first_not_of("-0") == std::string_view::npos) {
      out += '0';
    } else {
      out += token;
    }
    return;
  }
  double value = 0;
  auto result = std::from_chars(token.data(), token.data() + token.size(), value);
  if (result.ec == std::errc::result_out_of_range) {
    // float() overflows to infinity and underflows to zero, keeping the sign.
    bool negative = token.front() == '-';
    std::size_t e = token.find_first_of("eE");
    bool tiny = e != std::string_view::npos && e + 1 < token.size() && token[e + 1] == '-';
    value = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    if (negative) value = -value;
  }
  append_python_float(out, value);
}

void append_python_json(std::string& out, std::string_view json, JsonStyle style,
                        simdjson::ondemand::parser& parser) {
  std::string_view trimmed = trim(json);
  if (trimmed.empty() || (trimmed.front() != '[' && trimmed.front() != '{')) {
    append_python_number(out, trimmed);
    return;
  }
  simdjson::padded_string padded(trimmed);
  simdjson::ondemand::document doc = parser.iterate(padded);
  if (trimmed.front() == '[') {
    append_python_array(out, doc.get_array(), style, parser);
  } else {
    append_python_object(out, doc.get_object(), style, parser);
  }
}

}  // namespace loom::io
