// The HF wikipedia script's _parse_and_clean_wikicode on our own parser: per section (lead
// first, then one per top-level heading, heading included), File/Image/Media links removed,
// category links replaced by their text minus the namespace prefix, ref and table tags removed,
// then strip_code().strip() with __MAGIC__ words deleted; sections joined by blank lines.
//
// The removals walk the tree the way mwparserfromhell's ifilter does while the script deletes
// from it: inside nested lists, the node right after a removed one is not visited (the list
// shifted under the iterator), so e.g. the second of two adjacent refs in a <div> stays.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "namespace_aliases.hpp"
#include "wikitext_tokenizer.hpp"
#include "wikitext_tree.hpp"

namespace loom::wikitext {

class PageCleaner {
 public:
  explicit PageCleaner(NamespaceAliases aliases) : aliases_(std::move(aliases)) {}

  // Cleaned text of one page's wikitext; empty when nothing is left.
  std::string clean(std::string_view wikitext);

 private:
  enum class Pass { Links, Tags };
  bool visit(std::int32_t id, Pass pass);
  void visit_list(std::int32_t list, Pass pass);
  void replace_category_text(std::int32_t id);
  std::string title_prefix(const Node& link) const;

  NamespaceAliases aliases_;
  Tokenizer tokenizer_;
  Tree tree_;
  std::vector<std::int32_t> top_;
  std::string section_;
};

// Length of "<name>:" when text starts with one of names followed by ':' (compared
// case-insensitively, first name in order wins), else std::string_view::npos.
std::size_t namespace_prefix_length(std::string_view text, const std::vector<std::string>& names);
// Python's str.strip() (Unicode whitespace) and re.sub("__[A-Z]*__", "", s), in place.
void strip_python_whitespace(std::string& s);
void remove_magic_words(std::string& s);

}  // namespace loom::wikitext
