#include "page_cleaner.hpp"

#include <unicode/uchar.h>

#include "wikitext_definitions.hpp"
#include "wikitext_strip.hpp"

namespace loom::wikitext {

std::size_t namespace_prefix_length(std::string_view text, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    std::size_t t = 0, n = 0;
    bool same = true;
    while (n < name.size()) {
      if (t >= text.size()) {
        same = false;
        break;
      }
      std::size_t tl = 0, nl = 0;
      const char32_t a = decode_utf8_at(text, t, &tl), b = decode_utf8_at(name, n, &nl);
      if (a != b && u_foldCase(static_cast<UChar32>(a), U_FOLD_CASE_DEFAULT) !=
                        u_foldCase(static_cast<UChar32>(b), U_FOLD_CASE_DEFAULT)) {
        same = false;
        break;
      }
      t += tl;
      n += nl;
    }
    if (same && t < text.size() && text[t] == ':') return t + 1;
  }
  return std::string_view::npos;
}

void strip_python_whitespace(std::string& s) {
  std::size_t begin = 0, length = 0;
  while (begin < s.size() && is_unicode_space_at(s, begin, &length)) begin += length;
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t p = end - 1;
    while (p > begin && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
    if (!is_unicode_space_at(s, p, &length) || p + length != end) break;
    end = p;
  }
  s.erase(end);
  s.erase(0, begin);
}

void remove_magic_words(std::string& s) {
  std::size_t write = 0, read = 0;
  while (read < s.size()) {
    if (s[read] == '_' && read + 1 < s.size() && s[read + 1] == '_') {
      std::size_t j = read + 2;
      while (j < s.size() && s[j] >= 'A' && s[j] <= 'Z') ++j;
      if (j + 1 < s.size() && s[j] == '_' && s[j + 1] == '_') {
        read = j + 2;
        continue;
      }
    }
    s[write++] = s[read++];
  }
  s.resize(write);
}

// str(link.title) as far as a namespace prefix can be read from it: its leading text.
std::string PageCleaner::title_prefix(const Node& link) const {
  std::string prefix;
  for (std::int32_t id = tree_.lists[static_cast<std::size_t>(link.first)].head; id != kNone;
       id = tree_.nodes[static_cast<std::size_t>(id)].next) {
    const Node& node = tree_.nodes[static_cast<std::size_t>(id)];
    if (node.kind != NodeKind::Text) break;
    prefix += tree_.text(node);
  }
  return prefix;
}

void PageCleaner::replace_category_text(std::int32_t id) {
  const Node& link = tree_.nodes[static_cast<std::size_t>(id)];
  std::string text;
  strip_list(tree_, link.second != kNone ? link.second : link.first, text);
  const std::size_t prefix = namespace_prefix_length(text, aliases_.category);
  if (prefix != std::string_view::npos) text.erase(0, prefix);
  // Assigning a string to Wikilink.text parses it again as wikitext.
  const TokenStream tokens = tokenizer_.tokenize(text);
  const std::int32_t list = build_tree(tokens, tree_);
  tree_.nodes[static_cast<std::size_t>(id)].second = list;
}

// Visits one node (and what it shows); returns whether the pass removed it.
bool PageCleaner::visit(std::int32_t id, Pass pass) {
  {
    const Node& node = tree_.nodes[static_cast<std::size_t>(id)];
    if (pass == Pass::Links && node.kind == NodeKind::Wikilink) {
      const std::string title = title_prefix(node);
      if (namespace_prefix_length(title, aliases_.media) != std::string_view::npos) {
        tree_.nodes[static_cast<std::size_t>(id)].removed = true;
        return true;
      }
      if (namespace_prefix_length(title, aliases_.category) != std::string_view::npos)
        replace_category_text(id);
    } else if (pass == Pass::Tags && node.kind == NodeKind::Tag) {
      const std::string_view name = tree_.text(node);
      if (name == "ref" || name == "table") {
        tree_.nodes[static_cast<std::size_t>(id)].removed = true;
        return true;
      }
    }
  }
  // Lists that are never shown cannot change the text: skip them.
  const std::int32_t list = shown_list(tree_, tree_.nodes[static_cast<std::size_t>(id)]);
  if (list != kNone) visit_list(list, pass);
  return false;
}

void PageCleaner::visit_list(std::int32_t list, Pass pass) {
  const auto next_live = [&](std::int32_t id) {
    id = tree_.nodes[static_cast<std::size_t>(id)].next;
    while (id != kNone && tree_.nodes[static_cast<std::size_t>(id)].removed)
      id = tree_.nodes[static_cast<std::size_t>(id)].next;
    return id;
  };
  std::int32_t id = tree_.lists[static_cast<std::size_t>(list)].head;
  while (id != kNone && tree_.nodes[static_cast<std::size_t>(id)].removed)
    id = tree_.nodes[static_cast<std::size_t>(id)].next;
  while (id != kNone) {
    const bool removed = visit(id, pass);
    std::int32_t next = next_live(id);
    if (removed && next != kNone) next = next_live(next);  // shifted past by the iterator
    id = next;
  }
}

std::string PageCleaner::clean(std::string_view wikitext) {
  tree_.clear();
  const std::int32_t root = build_tree(tokenizer_.tokenize(wikitext), tree_);
  top_.clear();
  for (std::int32_t id = tree_.lists[static_cast<std::size_t>(root)].head; id != kNone;
       id = tree_.nodes[static_cast<std::size_t>(id)].next)
    top_.push_back(id);

  std::string out;
  const auto clean_section = [&](std::size_t begin, std::size_t end, bool first) {
    // A section's own node list is iterated from a snapshot: no node is skipped at this level.
    for (Pass pass : {Pass::Links, Pass::Tags})
      for (std::size_t i = begin; i < end; ++i)
        if (!tree_.nodes[static_cast<std::size_t>(top_[i])].removed) visit(top_[i], pass);
    section_.clear();
    for (std::size_t i = begin; i < end; ++i)
      if (!tree_.nodes[static_cast<std::size_t>(top_[i])].removed)
        strip_node(tree_, top_[i], section_);
    collapse_newlines(section_, 0);
    strip_python_whitespace(section_);
    remove_magic_words(section_);
    if (!first) out += "\n\n";
    out += section_;
  };
  std::size_t begin = 0;
  bool first = true;
  for (std::size_t i = 0; i < top_.size(); ++i) {
    if (tree_.nodes[static_cast<std::size_t>(top_[i])].kind != NodeKind::Heading) continue;
    clean_section(begin, i, first);  // the lead section is kept even when empty
    first = false;
    begin = i;
  }
  clean_section(begin, top_.size(), first);
  return out;
}

}  // namespace loom::wikitext
