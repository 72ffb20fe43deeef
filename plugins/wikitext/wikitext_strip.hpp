// Text of a parse tree as mwparserfromhell's Wikicode.strip_code(normalize=True, collapse=True)
// renders it: templates and comments dropped, link text (or title) kept, bracketed external
// links reduced to their title, tag contents kept unless the tag is invisible (math, gallery..),
// entities decoded; each list's result trimmed of newlines with 3+ newlines collapsed to 2.
#pragma once

#include <cstdint>
#include <string>

#include "wikitext_tree.hpp"

namespace loom::wikitext {

void strip_list(const Tree& tree, std::int32_t list, std::string& out);
void strip_node(const Tree& tree, std::int32_t node, std::string& out);
// The newline trimming and collapsing strip_code applies to out[start..].
void collapse_newlines(std::string& out, std::size_t start);
// The list a node shows when stripped (kNone if it shows none).
std::int32_t shown_list(const Tree& tree, const Node& node);

}  // namespace loom::wikitext
