// The LaTeX cleaning of RedPajama's arxiv_cleaner.py (rp_v1), written as scanners that reproduce
// what its Python `re` patterns do, match for match (spec section 5, "Cleaning").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace loom::arxiv {

// The reference's behaviours that look like bugs; each one changes output, so each is a switch.
struct LatexQuirks {
  // The header pattern lacks a `|` between its \paragraph and \subparagraph alternatives, so a
  // \paragraph{..} counts as a header only when \subparagraph{..} follows right after its `}`.
  bool paragraph_needs_subparagraph = false;
  // `[^\\]%.+$`: an inline comment also removes the character before `%`, and a `%` that ends its
  // line is kept.
  bool inline_comment_eats_preceding_char = false;
  // Macro values go through unicode-escape before becoming re.sub templates; a value with a
  // character other than printable ASCII, tab or CR turns into a bad escape and the paper fails.
  bool unescapable_macro_fails_paper = false;
};

// Argument-free \newcommand and \def macros, first definition's position, last definition's value
// (a Python dict updated in file order).
class MacroTable {
 public:
  void define(std::string_view name, std::string_view value);
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

// Adds the macros one file defines (raw content, comments included, as the reference reads it).
void collect_macros(std::string_view file, MacroTable& macros);

struct CleanedProject {
  std::string text;
  bool failed = false;
  std::string failure;  // why, when failed
};

// Cleans each file, then joins them with "\n" (files without a header contribute "").
CleanedProject clean_project(const std::vector<std::string_view>& files, const LatexQuirks& quirks);

// The individual steps, in the order _clean_tex_file applies them (exposed for tests).
// Returns the offset of the first sectioning command, or npos.
std::size_t find_first_header(std::string_view text, bool paragraph_needs_subparagraph);
std::string remove_line_comments(std::string_view text);
std::string remove_inline_comments(std::string_view text, bool eat_preceding_char);
std::string_view cut_bibliography(std::string_view text);
// `replaced_at`, when given, receives where each copy of `value` starts in the result.
std::string expand_macro(std::string_view text, std::string_view name, std::string_view value,
                         std::vector<std::size_t>* replaced_at = nullptr);
// True when re.sub would accept the unicode-escaped value as a template.
bool macro_value_escapable(std::string_view value);

}  // namespace loom::arxiv
