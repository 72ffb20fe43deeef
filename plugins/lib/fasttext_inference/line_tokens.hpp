// The tokens of one line as fastText's predictLine reads them (Dictionary::readWord): runs of
// bytes between separators (space, \t, \n, \v, \f, \r, \0), up to the first newline, which adds
// the end-of-sentence token "</s>" and ends the line, as a literal "</s>" token also does.
// Separators are found 16 bytes at a time into a bitmap, and token boundaries read off it by
// bit scans.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace loom::fasttext_inference {

class LineTokens {
 public:
  // In 16 bytes: a caller may read a token's first 16 bytes at once where they are readable.
  static constexpr char end_of_sentence_bytes[16] = "</s>";
  static constexpr std::string_view end_of_sentence{end_of_sentence_bytes, 4};

  // Calls visit(token) for each token of `line`, in order.
  template <class Visit>
  void for_each(std::string_view line, Visit&& visit) {
    const std::size_t newline = line.find('\n');
    const std::size_t end = newline == std::string_view::npos ? line.size() : newline;
    mark_separators(line.data(), end);
    // Token boundaries are where the separator bit changes from the byte before (the line
    // starts after a separator); they alternate start, end, start... and the bits past `end`
    // are set, so the last token ends there. One bit scan per boundary, and the only branch
    // that depends on the text is the alternation, which a predictor follows.
    std::uint64_t before = 1;  // bit 0: "the byte before is a separator"
    std::size_t start = 0;
    bool in_token = false;
    for (std::size_t word = 0; word <= end / 64; ++word) {
      const std::uint64_t separators = separators_[word];
      std::uint64_t boundaries = separators ^ ((separators << 1) | before);
      before = separators >> 63;
      for (; boundaries != 0; boundaries &= boundaries - 1) {
        const std::size_t at = word * 64 + static_cast<std::size_t>(__builtin_ctzll(boundaries));
        if (!in_token) {
          start = at;
          in_token = true;
          continue;
        }
        in_token = false;
        const std::string_view token(line.data() + start, at - start);
        visit(token);
        if (is_end_of_sentence(token)) return;
      }
    }
    if (newline != std::string_view::npos) visit(end_of_sentence);
  }

 private:
  static bool is_end_of_sentence(std::string_view token) {
    if (token.size() != end_of_sentence.size()) return false;
    std::uint32_t a;
    std::uint32_t b;
    std::memcpy(&a, token.data(), sizeof a);
    std::memcpy(&b, end_of_sentence.data(), sizeof b);
    return a == b;
  }
  void mark_separators(const char* bytes, std::size_t size);

  std::vector<std::uint64_t> separators_;  // bit i: byte i is a separator
};

}  // namespace loom::fasttext_inference
