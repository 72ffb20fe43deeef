#include "added_tokens.hpp"

#include <algorithm>

namespace loom::tokens {

std::int64_t AddedTokenMatcher::child(std::uint32_t node, unsigned char byte) const {
  const auto& children = nodes_[node].children;
  auto it = std::lower_bound(children.begin(), children.end(), byte,
                             [](const auto& edge, unsigned char b) { return edge.first < b; });
  if (it == children.end() || it->first != byte) return -1;
  return it->second;
}

void AddedTokenMatcher::add(std::string_view content, std::uint32_t id) {
  if (content.empty()) return;
  first_byte_[static_cast<unsigned char>(content.front())] = true;
  std::uint32_t node = 0;
  for (char c : content) {
    const auto byte = static_cast<unsigned char>(c);
    const std::int64_t next = child(node, byte);
    if (next >= 0) {
      node = static_cast<std::uint32_t>(next);
      continue;
    }
    const auto created = static_cast<std::uint32_t>(nodes_.size());
    auto& children = nodes_[node].children;
    children.insert(std::lower_bound(children.begin(), children.end(), std::make_pair(byte, 0u)),
                    {byte, created});
    nodes_.emplace_back();
    node = created;
  }
  // A content listed twice keeps its first id, as a lookup by content does.
  if (nodes_[node].token < 0) nodes_[node].token = id;
}

void AddedTokenMatcher::split(std::string_view text, std::vector<Piece>& out) const {
  std::size_t plain_begin = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    if (!first_byte_[static_cast<unsigned char>(text[at])]) {
      ++at;
      continue;
    }
    std::uint32_t node = 0;
    std::int64_t token = -1;
    std::size_t token_end = 0;
    for (std::size_t i = at; i < text.size(); ++i) {
      const std::int64_t next = child(node, static_cast<unsigned char>(text[i]));
      if (next < 0) break;
      node = static_cast<std::uint32_t>(next);
      if (nodes_[node].token >= 0) {
        token = nodes_[node].token;
        token_end = i + 1;
      }
    }
    if (token < 0) {
      ++at;
      continue;
    }
    if (at > plain_begin) out.push_back({text.substr(plain_begin, at - plain_begin), -1});
    out.push_back({text.substr(at, token_end - at), token});
    at = plain_begin = token_end;
  }
  if (plain_begin < text.size()) out.push_back({text.substr(plain_begin), -1});
}

}  // namespace loom::tokens
