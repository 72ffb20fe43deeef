// The parse tree built from the token stream: the node kinds mwparserfromhell's Wikicode has,
// reduced to what text extraction needs (template and comment bodies and tag attributes are
// consumed but not kept). Nodes and lists live in flat arrays, so building a tree allocates only
// when those arrays grow.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wikitext_tokens.hpp"

namespace loom::wikitext {

enum class NodeKind : std::uint8_t {
  Text,
  Template,
  Argument,
  Wikilink,
  ExternalLink,
  Heading,
  Comment,
  Tag,
  Entity
};

inline constexpr std::int32_t kNone = -1;

struct Node {
  NodeKind kind = NodeKind::Text;
  bool brackets = false;      // ExternalLink written as [url title]
  bool removed = false;       // taken out of its list by the cleaner
  std::int32_t next = kNone;  // next sibling in the containing list
  // Text: its value; Entity: the decoded character (UTF-8); Tag: the tag name as written.
  std::uint32_t text_begin = 0;
  std::uint32_t text_size = 0;
  // Child lists (kNone when absent). Wikilink: title, text. ExternalLink: url, title.
  // Heading: title. Tag: contents (kNone when self-closing). Argument: default.
  std::int32_t first = kNone;
  std::int32_t second = kNone;
};

struct NodeList {
  std::int32_t head = kNone;
  std::int32_t tail = kNone;
};

struct Tree {
  std::vector<Node> nodes;
  std::vector<NodeList> lists;
  std::string arena;

  void clear() {
    nodes.clear();
    lists.clear();
    arena.clear();
  }
  std::string_view text(const Node& node) const {
    return std::string_view(arena).substr(node.text_begin, node.text_size);
  }
};

// Builds the tree of `tokens` into `tree` (appending to what it holds) and returns the id of
// its top-level list. Throws std::runtime_error on a malformed stream (never from Tokenizer).
std::int32_t build_tree(const TokenStream& tokens, Tree& tree);

}  // namespace loom::wikitext
