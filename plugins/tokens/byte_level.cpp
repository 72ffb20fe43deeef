#include "byte_level.hpp"

#include <array>

namespace loom::tokens {
namespace {

bool shown_as_itself(unsigned b) {
  return (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
}

struct Alphabet {
  std::array<char32_t, 256> char_of{};
  // Inverse over U+0000..U+0143, the only code points the alphabet uses; -1 when unused.
  std::array<int, 0x144> byte_of{};

  Alphabet() {
    byte_of.fill(-1);
    char32_t next = 256;
    for (unsigned b = 0; b < 256; ++b) {
      char_of[b] = shown_as_itself(b) ? static_cast<char32_t>(b) : next++;
      byte_of[char_of[b]] = static_cast<int>(b);
    }
  }
};

const Alphabet& alphabet() {
  static const Alphabet table;
  return table;
}

}  // namespace

char32_t byte_level_char(unsigned char b) { return alphabet().char_of[b]; }

std::optional<std::string> byte_level_decode(std::string_view shown) {
  std::string bytes;
  if (!byte_level_decode(shown, bytes)) return std::nullopt;
  return bytes;
}

bool byte_level_decode(std::string_view shown, std::string& bytes) {
  const auto& table = alphabet();
  bytes.clear();
  for (std::size_t i = 0; i < shown.size();) {
    const auto lead = static_cast<unsigned char>(shown[i]);
    char32_t c = 0;
    if (lead < 0x80) {
      c = lead;
      i += 1;
    } else if ((lead & 0xE0) == 0xC0 && i + 1 < shown.size()) {
      c = ((lead & 0x1Fu) << 6) | (static_cast<unsigned char>(shown[i + 1]) & 0x3Fu);
      i += 2;
    } else {
      return false;  // every character of the alphabet takes one or two bytes
    }
    if (c >= table.byte_of.size() || table.byte_of[c] < 0) return false;
    bytes += static_cast<char>(table.byte_of[c]);
  }
  return true;
}

}  // namespace loom::tokens
