// A long text's features are counted in parts on the run's threads (up to four parts per thread
// of the task arena); the votes add up, so the fingerprint must not depend on the thread count.
#include <doctest/doctest.h>

#include <oneapi/tbb/task_arena.h>

#include <random>
#include <string>
#include <vector>

#include "md5.hpp"
#include "simhash.hpp"

using namespace loom::simhash;

namespace {

// ~1.2 MB of words (with some non-ASCII letters, a capital sigma and punctuation) that repeat
// enough to make counts above one, and shingles that cross every part boundary.
std::string long_text() {
  const char* const words[] = {"the",   "Angler", "river", "trout", "Ω",    "naïve", "ΣΟΦΙΑ",
                               "water", "fish",   "line",  "rod",   "日本", "évite", "42"};
  std::mt19937 rng(16);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(words) - 1);
  std::uniform_int_distribution<int> letter('a', 'z');
  std::string text;
  while (text.size() < 1'200'000) {
    text += words[pick(rng)];
    if (pick(rng) < 3) text += static_cast<char>(letter(rng));  // rarer shingles
    text += pick(rng) == 0 ? ", " : " ";
  }
  return text;
}

Fingerprint on_threads(int threads, const std::string& text, std::size_t max_chars = 0) {
  oneapi::tbb::task_arena arena(threads);
  return arena.execute([&] {
    FeatureScratch scratch;
    return simhash(text, 6, max_chars, scratch);
  });
}

}  // namespace

TEST_CASE("a long text's fingerprint is the same on 1, 2 and 3 threads") {
  const std::string text = long_text();
  const Fingerprint one = on_threads(1, text);
  CHECK(one.feature_count > 4 * (std::size_t{1} << 16));  // long enough to be split
  for (const int threads : {2, 3}) {
    CAPTURE(threads);
    const Fingerprint many = on_threads(threads, text);
    CHECK(many.value == one.value);
    CHECK(many.feature_count == one.feature_count);
  }
  // A different text gives a different fingerprint, on any thread count: the check can fail.
  const Fingerprint prefix = on_threads(2, text, 300'000);
  CHECK(prefix.value != one.value);
  CHECK(prefix.value == on_threads(1, text, 300'000).value);
}

TEST_CASE("a text lowered on one thread but counted in parts has the same fingerprint") {
  // simhash_dedup fingerprints the books of a batch side by side with max_threads = 1: each book
  // is lowered in one piece, and its features are still counted in parts on all the threads.
  const std::string text = long_text();
  const Fingerprint one = on_threads(1, text);
  for (const int threads : {2, 3}) {
    CAPTURE(threads);
    oneapi::tbb::task_arena arena(threads);
    const Fingerprint side_by_side = arena.execute([&] {
      FeatureScratch scratch;
      scratch.max_threads = 1;
      return simhash(text, 6, 0, scratch);
    });
    CHECK(side_by_side.value == one.value);
    CHECK(side_by_side.feature_count == one.feature_count);
  }
}

TEST_CASE("parts split by byte: every feature counted once, whatever the characters' widths") {
  // Word characters of 1 to 4 bytes (U+1D400 is a letter without a lower case), so part
  // boundaries fall inside multi-byte characters and move to the next code point. A feature lost
  // or counted twice at a boundary would hardly move the majority votes, but it moves the sum of
  // the features' set hash bits, which a scalar MD5 of each shingle gives here.
  const char* const letters[] = {"a", "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9d\x90\x80"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(0, 3);
  std::string text;
  std::vector<std::size_t> starts;  // of each code point
  while (text.size() < 900'000) {
    starts.push_back(text.size());
    text += letters[pick(rng)];
  }
  starts.push_back(text.size());
  constexpr std::size_t width = 6;
  std::uint64_t set_bits = 0;
  for (std::size_t i = 0; i + width < starts.size(); ++i)
    set_bits += static_cast<std::uint64_t>(__builtin_popcountll(md5_low64_big_endian(
        std::string_view(text).substr(starts[i], starts[i + width] - starts[i]))));
  const Fingerprint one = on_threads(1, text);
  CHECK(one.feature_count == starts.size() - 1 - width + 1);
  CHECK(one.set_bits == set_bits);
  for (const int threads : {2, 3, 4, 5}) {
    CAPTURE(threads);
    const Fingerprint many = on_threads(threads, text);
    CHECK(many.value == one.value);
    CHECK(many.feature_count == one.feature_count);
    CHECK(many.set_bits == set_bits);
  }
}
