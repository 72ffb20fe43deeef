#include "wikitext_strip.hpp"

#include "wikitext_definitions.hpp"

namespace loom::wikitext {

std::int32_t shown_list(const Tree& tree, const Node& node) {
  switch (node.kind) {
    case NodeKind::Wikilink: return node.second != kNone ? node.second : node.first;
    case NodeKind::ExternalLink: return node.brackets ? node.second : node.first;
    case NodeKind::Heading:
    case NodeKind::Argument: return node.first;
    case NodeKind::Tag: return is_visible_tag(tree.text(node)) ? node.first : kNone;
    default: return kNone;
  }
}

void collapse_newlines(std::string& out, std::size_t start) {
  std::size_t begin = start, end = out.size();
  while (begin < end && out[begin] == '\n') ++begin;
  while (end > begin && out[end - 1] == '\n') --end;
  std::size_t write = start;
  int run = 0;
  for (std::size_t read = begin; read < end; ++read) {
    const char c = out[read];
    if (c == '\n') {
      if (++run > 2) continue;
    } else {
      run = 0;
    }
    out[write++] = c;
  }
  out.resize(write);
}

void strip_node(const Tree& tree, std::int32_t id, std::string& out) {
  const Node& node = tree.nodes[static_cast<std::size_t>(id)];
  if (node.kind == NodeKind::Text || node.kind == NodeKind::Entity) {
    out += tree.text(node);
    return;
  }
  const std::int32_t list = shown_list(tree, node);
  if (list != kNone) strip_list(tree, list, out);
}

void strip_list(const Tree& tree, std::int32_t list, std::string& out) {
  const std::size_t start = out.size();
  for (std::int32_t id = tree.lists[static_cast<std::size_t>(list)].head; id != kNone;
       id = tree.nodes[static_cast<std::size_t>(id)].next) {
    if (!tree.nodes[static_cast<std::size_t>(id)].removed) strip_node(tree, id, out);
  }
  collapse_newlines(out, start);
}

}  // namespace loom::wikitext
