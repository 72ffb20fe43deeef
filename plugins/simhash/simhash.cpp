#include "simhash.hpp"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "md5.hpp"
#include "md5_votes.hpp"

#include <text/utf8.hpp>

namespace loom::simhash {
namespace {

constexpr char32_t capital_sigma = 0x3A3;
constexpr char32_t small_sigma = 0x3C3;
constexpr char32_t final_small_sigma = 0x3C2;
constexpr char32_t capital_i_with_dot = 0x130;

// The byte length of the UTF-8 sequence a lead byte starts (the input is already validated).
std::size_t sequence_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// Decodes the (valid) code point at p[i], returning its length.
std::size_t decode_at(const unsigned char* p, std::size_t i, char32_t& cp) {
  const std::size_t length = sequence_length(p[i]);
  static constexpr unsigned char lead_bits[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  cp = p[i] & lead_bits[length];
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (p[i + k] & 0x3F);
  return length;
}

// The end of the run of ASCII bytes starting at p[i] (before `end`), 8 bytes at a time.
std::size_t ascii_run_end(const unsigned char* p, std::size_t i, std::size_t end) {
  for (; i + 8 <= end; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    if ((word & 0x8080808080808080ULL) != 0) break;
  }
  while (i < end && p[i] < 0x80) ++i;
  return i;
}

// Checks strict UTF-8 (no surrogates, no overlongs) up to max_chars code points (0: all) and
// returns the byte length of that prefix; `count` receives its code points.
std::size_t validated_prefix(std::string_view utf8, std::size_t max_chars, std::size_t& count) {
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t n = utf8.size();
  std::size_t i = 0;
  count = 0;
  while (i < n && (max_chars == 0 || count < max_chars)) {
    const unsigned char lead = p[i];
    if (lead < 0x80) {
      const std::size_t end = max_chars == 0 ? n : std::min(n, i + (max_chars - count));
      const std::size_t run_end = ascii_run_end(p, i, end);
      count += run_end - i;
      i = run_end;
      continue;
    }
    ++count;
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
    i += length;
  }
  return i;
}

bool is_cased(char32_t c) { return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASED); }
bool is_case_ignorable(char32_t c) {
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_CASE_IGNORABLE);
}

// Python lowers U+03A3 to the final form when a cased letter precedes it and none follows,
// skipping case-ignorable characters on both sides. `text` is the validated (truncated) input and
// the sigma spans [at, after).
char32_t lower_sigma(std::string_view text, std::size_t at, std::size_t after) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  char32_t cp = 0;
  std::size_t j = at;
  bool cased_before = false;
  while (j > 0) {
    do --j;
    while (j > 0 && (p[j] & 0xC0) == 0x80);
    decode_at(p, j, cp);
    if (is_case_ignorable(cp)) continue;
    cased_before = is_cased(cp);
    break;
  }
  if (!cased_before) return small_sigma;
  std::size_t k = after;
  while (k < text.size()) {
    const std::size_t length = decode_at(p, k, cp);
    if (!is_case_ignorable(cp)) break;
    k += length;
  }
  return k == text.size() || !is_cased(cp) ? final_small_sigma : small_sigma;
}

// Python's `\w`: letters, numbers (Nd, Nl, No) and the underscore.
bool is_word(char32_t c) {
  if (c < 0x80)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

using textlib::append_utf8;

void keep_if_word(char32_t c, std::string& out, std::size_t& chars) {
  if (!is_word(c)) return;
  ++chars;
  append_utf8(out, c);
}

// Each ASCII byte lowered if it is a word character (letters, digits, '_'), else 0.
constexpr std::array<char, 128> ascii_word_table() {
  std::array<char, 128> table{};
  for (int c = 0; c < 128; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
      table[c] = static_cast<char>(c);
    if (c >= 'A' && c <= 'Z') table[c] = static_cast<char>(c + 32);
  }
  return table;
}
constexpr std::array<char, 128> ascii_word = ascii_word_table();

// Lowers text[begin, end) (begin and end on code point starts) and appends its word characters
// to `out`, counting them in `chars`. Reads the whole text around a capital sigma. Runs of ASCII
// (most of an English book) go through a table, one branch-free step per byte.
void lower_words(std::string_view text, std::size_t begin, std::size_t end, std::string& out,
                 std::size_t& chars) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = begin; i < end;) {
    if (p[i] < 0x80) {
      const std::size_t run_end = ascii_run_end(p, i, end);
      const std::size_t old_size = out.size();
      out.resize(old_size + (run_end - i));
      char* const first = out.data() + old_size;
      char* kept = first;
      for (; i < run_end; ++i) {
        const char lowered = ascii_word[p[i]];
        *kept = lowered;
        kept += lowered != 0;
      }
      chars += static_cast<std::size_t>(kept - first);
      out.resize(static_cast<std::size_t>(kept - out.data()));
      continue;
    }
    char32_t c = 0;
    const std::size_t length = decode_at(p, i, c);
    if (c == capital_sigma) {
      keep_if_word(lower_sigma(text, i, i + length), out, chars);
    } else if (c == capital_i_with_dot) {
      keep_if_word('i', out, chars);  // then U+0307, which is not a word character
    } else {
      keep_if_word(static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))), out, chars);
    }
    i += length;
  }
}

std::size_t text_threads(const FeatureScratch& scratch) {
  const auto run = static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
  return scratch.max_threads == 0 ? run : std::min(run, scratch.max_threads);
}

// A text is lowered in one piece per thread of the run when it has this many bytes per thread:
// a book in a batch of its own (one file per book) would otherwise leave the other threads idle.
constexpr std::size_t kMinBytesPerPiece = std::size_t{1} << 17;
// Past this size a text is lowered in one piece: the other pieces are held apart until joined,
// half a text more at two threads, and a giant document's memory is held to about 3x its size
// (tests/graphs/memory_per_document.sh). Books are far smaller, so they still use every thread.
constexpr std::size_t kMaxBytesSplit = std::size_t{16} << 20;

// One shingle's byte range in word_chars; next() moves both ends on by one code point.
struct ShingleWalker {
  const std::string& text;
  std::uint32_t start = 0;
  std::uint32_t end = 0;

  // A shingle that would run past the text stops at its end + 1 (`complete()` is then false).
  ShingleWalker(const std::string& word_chars, std::size_t width_chars, std::uint32_t first = 0)
      : text(word_chars), start(first), end(first) {
    for (std::size_t k = 0; k < width_chars && end <= text.size(); ++k) end += step(end);
  }
  std::uint32_t step(std::uint32_t at) const {
    return static_cast<std::uint32_t>(sequence_length(static_cast<unsigned char>(text[at])));
  }
  std::uint32_t length() const { return end - start; }
  bool complete() const { return end <= text.size(); }
  void next() {
    start += step(start);
    end += step(end);  // past the last shingle this reads the string's terminator, never more
  }
};

}  // namespace

void word_characters(std::string_view utf8, std::size_t max_chars, FeatureScratch& scratch) {
  std::size_t count = 0;
  const std::string_view text = utf8.substr(0, validated_prefix(utf8, max_chars, count));
  if (count >= UINT32_MAX / 4) throw std::length_error("text too long to fingerprint");
  scratch.word_chars.clear();
  scratch.word_chars.reserve(text.size());
  scratch.chars = 0;
  const std::size_t pieces =
      text.size() > kMaxBytesSplit
          ? 1
          : std::clamp<std::size_t>(text.size() / kMinBytesPerPiece, 1, text_threads(scratch));
  if (pieces == 1) {
    lower_words(text, 0, text.size(), scratch.word_chars, scratch.chars);
    return;
  }
  // Piece k starts at the first code point at or after byte k * size / pieces; the pieces'
  // word characters, joined in order, are the whole text's.
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::vector<std::size_t> starts(pieces + 1, text.size());
  for (std::size_t k = 0; k < pieces; ++k) {
    std::size_t at = k * text.size() / pieces;
    while (at < text.size() && (p[at] & 0xC0) == 0x80) ++at;
    starts[k] = at;
  }
  scratch.piece_chars.resize(pieces - 1);
  std::vector<std::size_t> piece_counts(pieces, 0);
  tbb::parallel_for(std::size_t{0}, pieces, [&](std::size_t k) {
    std::string& out = k == 0 ? scratch.word_chars : scratch.piece_chars[k - 1];
    if (k > 0) out.clear();
    lower_words(text, starts[k], starts[k + 1], out, piece_counts[k]);
  });
  for (const std::string& piece : scratch.piece_chars) scratch.word_chars += piece;
  for (const std::size_t piece_count : piece_counts) scratch.chars += piece_count;
}

namespace {

// Adds the votes of features [first, first + count) (shingles of `width` code points, the first
// starting at byte first_byte of word_chars) to `ones`. Every occurrence is hashed: 32 MD5s
// side by side cost less than finding the repeated shingles in a table (a cache miss each).
// Not inlined: inside simhash() the loop kept the shingle's ends on the stack around the call to
// add(), 60% slower than in a function of its own, where they stay in registers.
[[gnu::noinline]] void vote_features(const std::string& word_chars, std::size_t width,
                                     std::uint32_t first_byte, std::size_t count,
                                     std::array<std::uint64_t, 64>& ones) {
  Md5Votes votes;
  ShingleWalker shingle(word_chars, width, first_byte);
  for (std::size_t i = 0; i < count; ++i) {
    votes.add(word_chars.data() + shingle.start, shingle.length(),
              word_chars.size() - shingle.start);
    shingle.next();
  }
  votes.take(ones);
}

// A book's features are split into parts of about this many or more (fewer are not worth a task),
// up to kPartsPerThread per thread the run allows: each part hashes its own features, none twice,
// so several per thread cost little and let a thread that was busy elsewhere (reading the next
// book) take a share when it comes back, instead of leaving one thread to hash a half alone.
constexpr std::size_t kMinFeaturesPerPart = std::size_t{1} << 15;
constexpr std::size_t kPartsPerThread = 4;

std::size_t feature_parts(std::size_t features) {
  const auto threads =
      static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
  if (threads == 1) return 1;
  return std::clamp<std::size_t>(features / kMinFeaturesPerPart, 1, kPartsPerThread * threads);
}

// Adds the votes of the whole shingles (`width` code points) that start at a byte of
// word_chars[begin, end) (both code point starts) to `ones`.
void vote_features_from(const std::string& word_chars, std::size_t width, std::uint32_t begin,
                        std::uint32_t end, std::array<std::uint64_t, 64>& ones) {
  Md5Votes votes;
  for (ShingleWalker shingle(word_chars, width, begin); shingle.start < end && shingle.complete();
       shingle.next())
    votes.add(word_chars.data() + shingle.start, shingle.length(),
              word_chars.size() - shingle.start);
  votes.take(ones);
}

// Part k's first byte in word_chars: the first code point at or after byte k * size / parts.
// Parts split the bytes, not the features: finding where feature k * features / parts starts
// was a pass over the whole text on one thread before any part could start.
std::vector<std::uint32_t> part_starts(const std::string& word_chars, std::size_t parts) {
  std::vector<std::uint32_t> starts(parts + 1, static_cast<std::uint32_t>(word_chars.size()));
  for (std::size_t part = 0; part < parts; ++part) {
    std::size_t at = part * word_chars.size() / parts;
    while (at < word_chars.size() && (static_cast<unsigned char>(word_chars[at]) & 0xC0) == 0x80)
      ++at;
    starts[part] = static_cast<std::uint32_t>(at);
  }
  return starts;
}

}  // namespace

Fingerprint simhash(std::string_view utf8, int shingle_width, std::size_t max_chars,
                    FeatureScratch& scratch) {
  if (shingle_width < 1 || static_cast<std::size_t>(shingle_width) * 4 > md5_max_short_message)
    throw std::invalid_argument("shingle width must be 1..13");
  word_characters(utf8, max_chars, scratch);
  const std::size_t chars = scratch.chars;
  const auto width = static_cast<std::size_t>(shingle_width);
  const std::size_t features = chars >= width ? chars - width + 1 : 1;
  // Bit b is set iff the features with bit b set outweigh half of all features, every
  // occurrence voting (as the reference's Counter of features does, by count). Votes add up, so
  // the features split into parts counted apart (a long book on several threads) give the same
  // sums as one pass: the fingerprint does not depend on the thread count.
  std::array<std::uint64_t, 64> ones{};
  const std::size_t parts = feature_parts(features);
  if (parts == 1) {
    vote_features(scratch.word_chars, std::min(width, chars), 0, features, ones);
  } else {
    // Every feature is a whole shingle (chars >= width here) and starts in exactly one part.
    const std::vector<std::uint32_t> starts = part_starts(scratch.word_chars, parts);
    std::vector<std::array<std::uint64_t, 64>> part_ones(parts);
    tbb::parallel_for(std::size_t{0}, parts, [&](std::size_t k) {
      vote_features_from(scratch.word_chars, width, starts[k], starts[k + 1], part_ones[k]);
    });
    for (const auto& part : part_ones)
      for (std::size_t bit = 0; bit < 64; ++bit) ones[bit] += part[bit];
  }
  Fingerprint out;
  out.feature_count = features;
  for (const std::uint64_t count : ones) out.set_bits += count;
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

}  // namespace loom::simhash
