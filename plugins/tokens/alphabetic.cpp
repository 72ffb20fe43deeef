#include "alphabetic.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace loom::tokens {

std::int64_t count_alphabetic(std::string_view utf8) {
  std::int64_t count = 0;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<std::int64_t>(utf8.size());
  for (std::int64_t i = 0; i < length;) {
    if (bytes[i] < 0x80) {
      const auto c = bytes[i++] | 0x20;
      count += c >= 'a' && c <= 'z';
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && (U_GET_GC_MASK(c) & U_GC_L_MASK) != 0) ++count;
  }
  return count;
}

}  // namespace loom::tokens
