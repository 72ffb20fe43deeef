// Added tokens found inside text as Hugging Face's AddedVocabulary finds them: leftmost match
// first, the longest token among those starting there, non-overlapping, left to right.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loom::tokens {

class AddedTokenMatcher {
 public:
  void add(std::string_view content, std::uint32_t id);
  bool empty() const { return nodes_.size() <= 1; }

  struct Piece {
    std::string_view text;
    std::int64_t token = -1;  // the added token's id, or -1 for text between tokens
  };
  // `text` cut into added tokens and the (non-empty) text between them, in order.
  void split(std::string_view text, std::vector<Piece>& out) const;

 private:
  struct Node {
    std::vector<std::pair<unsigned char, std::uint32_t>> children;  // sorted by byte
    std::int64_t token = -1;
  };
  std::int64_t child(std::uint32_t node, unsigned char byte) const;

  std::vector<Node> nodes_{Node{}};
  std::array<bool, 256> first_byte_{};
};

}  // namespace loom::tokens
