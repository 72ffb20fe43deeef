#include "simhash.hpp"

#include <unicode/uchar.h>

#include <array>
#include <bit>
#include <stdexcept>

#include "md5.hpp"

namespace loom::books {
namespace {

constexpr char32_t capital_sigma = 0x3A3;
constexpr char32_t small_sigma = 0x3C3;
constexpr char32_t final_small_sigma = 0x3C2;
constexpr char32_t capital_i_with_dot = 0x130;

// Decodes strict UTF-8 (no surrogates, no overlongs), stopping after max_chars code points.
void decode(std::string_view utf8, std::size_t max_chars, std::vector<char32_t>& out) {
  out.clear();
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t n = utf8.size();
  std::size_t i = 0;
  while (i < n && (max_chars == 0 || out.size() < max_chars)) {
    const unsigned char lead = p[i];
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    std::size_t length = 0;
    char32_t cp = 0, min = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2, cp = lead & 0x1F, min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3, cp = lead & 0x0F, min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4, cp = lead & 0x07, min = 0x10000;
    }
    bool valid = length != 0 && i + length <= n;
    for (std::size_t k = 1; valid && k < length; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (!valid || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      throw std::invalid_argument("invalid UTF-8 at byte " + std::to_string(i));
    out.push_back(cp);
    i += length;
  }
}

bool is_cased(char32_t c) { return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASED); }
bool is_case_ignorable(char32_t c) {
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASE_IGNORABLE);
}

// Python lowers U+03A3 to the final form when a cased letter precedes it and none follows,
// skipping case-ignorable characters on both sides.
char32_t lower_sigma(const std::vector<char32_t>& text, std::size_t at) {
  std::size_t j = at;
  while (j > 0 && is_case_ignorable(text[j - 1])) --j;
  if (j == 0 || !is_cased(text[j - 1])) return small_sigma;
  std::size_t k = at + 1;
  while (k < text.size() && is_case_ignorable(text[k])) ++k;
  return k == text.size() || !is_cased(text[k]) ? final_small_sigma : small_sigma;
}

// Python's `\w`: letters, numbers (Nd, Nl, No) and the underscore.
bool is_word(char32_t c) {
  if (c < 0x80)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

void keep_if_word(char32_t c, FeatureScratch& scratch) {
  if (!is_word(c)) return;
  scratch.starts.push_back(static_cast<std::uint32_t>(scratch.word_chars.size()));
  append_utf8(scratch.word_chars, c);
}

}  // namespace

void word_characters(std::string_view utf8, std::size_t max_chars, FeatureScratch& scratch) {
  decode(utf8, max_chars, scratch.code_points);
  const std::vector<char32_t>& text = scratch.code_points;
  scratch.word_chars.clear();
  scratch.starts.clear();
  if (text.size() >= UINT32_MAX / 4) throw std::length_error("text too long to fingerprint");
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c < 0x80) {
      keep_if_word(c >= 'A' && c <= 'Z' ? c + 32 : c, scratch);
    } else if (c == capital_sigma) {
      keep_if_word(lower_sigma(text, i), scratch);
    } else if (c == capital_i_with_dot) {
      keep_if_word('i', scratch);  // then U+0307, which is not a word character
    } else {
      keep_if_word(static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))), scratch);
    }
  }
  scratch.starts.push_back(static_cast<std::uint32_t>(scratch.word_chars.size()));
}

Fingerprint simhash(std::string_view utf8, int shingle_width, std::size_t max_chars,
                    FeatureScratch& scratch) {
  if (shingle_width < 1 || static_cast<std::size_t>(shingle_width) * 4 > md5_max_short_message)
    throw std::invalid_argument("shingle width must be 1..13");
  word_characters(utf8, max_chars, scratch);
  const std::size_t chars = scratch.starts.size() - 1;
  const auto width = static_cast<std::size_t>(shingle_width);
  const std::size_t features = chars >= width ? chars - width + 1 : 1;
  // Prose repeats most of its 6-character shingles; half the feature count is a fair first guess.
  ShingleCounts& counts = scratch.shingles;
  counts.reset(scratch.word_chars, features / 2);
  const auto shingle_start = [&](std::size_t i) { return scratch.starts[i]; };
  const auto shingle_length = [&](std::size_t i) {
    return scratch.starts[std::min(i + width, chars)] - scratch.starts[i];
  };
  // Hash `lookahead` shingles ahead and prefetch their slots so the cache misses overlap.
  constexpr std::size_t lookahead = 16;
  std::array<std::uint32_t, lookahead> hashes{};
  for (std::size_t i = 0; i < std::min(lookahead, features); ++i) {
    hashes[i] = counts.hash(shingle_start(i), shingle_length(i));
    counts.prefetch(hashes[i]);
  }
  for (std::size_t i = 0; i < features; ++i) {
    const std::uint32_t hash = hashes[i % lookahead];
    if (i + lookahead < features) {
      const std::size_t ahead = i + lookahead;
      hashes[ahead % lookahead] = counts.hash(shingle_start(ahead), shingle_length(ahead));
      counts.prefetch(hashes[ahead % lookahead]);
    }
    counts.add(shingle_start(i), shingle_length(i), hash);
  }
  // Bit b is set iff the features with bit b set outweigh half of all features, each distinct
  // shingle voting with its count; only the set bits of each hash are visited.
  std::array<std::uint64_t, 64> ones{};
  for (const ShingleCounts::Entry& entry : counts.slots()) {
    if (entry.count == 0) continue;
    for (std::uint64_t h = md5_low64_big_endian(counts.shingle(entry)); h != 0; h &= h - 1)
      ones[static_cast<std::size_t>(std::countr_zero(h))] += entry.count;
  }
  Fingerprint out;
  out.feature_count = features;
  for (int bit = 0; bit < 64; ++bit)
    if (2 * ones[bit] > features) out.value |= std::uint64_t{1} << bit;
  return out;
}

std::string fingerprint_hex(std::uint64_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = digits[value & 15];
  return out;
}

}  // namespace loom::books
