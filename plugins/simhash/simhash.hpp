// The SimHash fingerprint of 1e0ng/simhash as RedPajama's book/dedup.py computes it:
//   s = text.lower(); s = re.sub(r'[^\w]+', '', s)           (Python str semantics)
//   features = [s[i:i + w] for i in range(max(len(s) - w + 1, 1))]   (code points, duplicates kept)
//   bit b of the fingerprint = 1 iff more than half of the features' md5 hashes (last 8 digest
//   bytes, big-endian) have bit b set. Every occurrence is hashed and votes (the reference hashes
//   each distinct shingle once and weighs it by its count: the same sums).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loom::simhash {

struct Fingerprint {
  std::uint64_t value = 0;
  std::uint64_t feature_count = 0;
  // The set bits of every feature's hash, summed: each feature counted once, on any split into
  // parts, gives the same sum (a check the fingerprint's majority votes are too coarse for).
  std::uint64_t set_bits = 0;
};

// Working memory reused between documents so fingerprinting a book allocates nothing in steady
// state. It holds about two copies of the text (one when the run has one thread), never a
// per-character array or a shingle table: a 300 MB book needs well under 1 GB.
struct FeatureScratch {
  std::string word_chars;  // lowered word characters, UTF-8
  std::size_t chars = 0;   // code points in word_chars
  // The word characters of the other pieces when a long text is lowered on several threads.
  std::vector<std::string> piece_chars;
  // The most threads one text's lowering may use (0: all of the run's); one when several texts
  // are fingerprinted side by side, where pieces would only cost the copy that joins them. Its
  // features are hashed in parts on all of the run's threads either way (parts cost no copy), so
  // a thread done with the shorter books of a batch helps with the longest instead of waiting.
  std::size_t max_threads = 0;
};

// Python's `s.lower()` followed by deleting every non-`\w` character, as UTF-8 (and its code point
// count) in scratch. max_chars > 0 first keeps only the first max_chars code points (dedup.py's
// -l). Throws std::invalid_argument naming the byte offset of invalid UTF-8.
void word_characters(std::string_view utf8, std::size_t max_chars, FeatureScratch& scratch);

// The fingerprint of a text with shingles of shingle_width code points (1..13).
Fingerprint simhash(std::string_view utf8, int shingle_width, std::size_t max_chars,
                    FeatureScratch& scratch);

inline int hamming_distance(std::uint64_t a, std::uint64_t b) {
  return __builtin_popcountll(a ^ b);
}

// Lower-case hex, 16 digits.
std::string fingerprint_hex(std::uint64_t value);

}  // namespace loom::simhash
