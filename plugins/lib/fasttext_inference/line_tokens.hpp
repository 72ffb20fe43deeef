// The tokens of one line as fastText's predictLine reads them (Dictionary::readWord): runs of
// bytes between separators (space, \t, \n, \v, \f, \r, \0), up to the first newline, which adds
// the end-of-sentence token "</s>" and ends the line, as a literal "</s>" token also does.
// Separators are found 16 bytes at a time into a bitmap, and tokens read off it by bit scans.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace loom::fasttext_inference {

class LineTokens {
 public:
  static constexpr std::string_view end_of_sentence = "</s>";

  // Calls visit(token) for each token of `line`, in order.
  template <class Visit>
  void for_each(std::string_view line, Visit&& visit) {
    const std::size_t newline = line.find('\n');
    const std::size_t end = newline == std::string_view::npos ? line.size() : newline;
    mark_separators(line.data(), end);
    std::size_t pos = 0;
    while (true) {
      pos = next(pos, end, false);
      if (pos == end) break;
      const std::size_t stop = next(pos, end, true);
      const std::string_view token = line.substr(pos, stop - pos);
      visit(token);
      if (token == end_of_sentence) return;
      pos = stop;
    }
    if (newline != std::string_view::npos) visit(end_of_sentence);
  }

 private:
  void mark_separators(const char* bytes, std::size_t size);
  // The first position from `pos` whose separator bit is `separator`, or `end`.
  std::size_t next(std::size_t pos, std::size_t end, bool separator) const {
    while (pos < end) {
      std::uint64_t bits = separators_[pos / 64];
      if (!separator) bits = ~bits;
      bits >>= pos % 64;
      if (bits != 0) {
        const std::size_t found = pos + static_cast<std::size_t>(__builtin_ctzll(bits));
        return found < end ? found : end;
      }
      pos = (pos / 64 + 1) * 64;
    }
    return end;
  }

  std::vector<std::uint64_t> separators_;  // bit i: byte i is a separator
};

}  // namespace loom::fasttext_inference
