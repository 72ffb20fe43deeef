#include "json_escape.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace loom::bench {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_u_escape(std::string& out, std::uint32_t unit) {
  const char escaped[6] = {'\\',
                           'u',
                           hex_digits[(unit >> 12) & 0xF],
                           hex_digits[(unit >> 8) & 0xF],
                           hex_digits[(unit >> 4) & 0xF],
                           hex_digits[unit & 0xF]};
  out.append(escaped, sizeof escaped);
}

// The two-character escapes JSON has; 0 where a \u escape is needed.
constexpr std::array<char, 32> short_escapes = [] {
  std::array<char, 32> table{};
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  return table;
}();

void append_escaped_ascii(std::string& out, unsigned char c) {
  if (c == '"' || c == '\\') {
    out.push_back('\\');
    out.push_back(static_cast<char>(c));
  } else if (c < 0x20 && short_escapes[c] != 0) {
    out.push_back('\\');
    out.push_back(short_escapes[c]);
  } else {
    append_u_escape(out, c);
  }
}

}  // namespace

void append_json_utf8(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    append_escaped_ascii(out, c);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

void append_json_python(std::string& out, std::string_view text) {
  out.push_back('"');
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t run = 0;
  std::size_t i = 0;
  while (i < size) {
    const unsigned char c = bytes[i];
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(text.data() + run, i - run);
    if (c < 0x80) {
      append_escaped_ascii(out, c);
      ++i;
    } else {
      std::uint32_t code = 0;
      std::size_t length = 0;
      if (c >= 0xF0) {
        code = c & 0x07u;
        length = 4;
      } else if (c >= 0xE0) {
        code = c & 0x0Fu;
        length = 3;
      } else {
        code = c & 0x1Fu;
        length = 2;
      }
      for (std::size_t k = 1; k < length && i + k < size; ++k)
        code = (code << 6) | (bytes[i + k] & 0x3Fu);
      if (code > 0xFFFF) {
        code -= 0x10000;
        append_u_escape(out, 0xD800 + (code >> 10));
        append_u_escape(out, 0xDC00 + (code & 0x3FF));
      } else {
        append_u_escape(out, code);
      }
      i += length;
    }
    run = i;
  }
  if (run < size) out.append(text.data() + run, size - run);
  out.push_back('"');
}

}  // namespace loom::bench
