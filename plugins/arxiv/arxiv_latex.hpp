// arxiv_latex: RedPajama's per-file LaTeX cleaning of an arXiv paper (arxiv_cleaner.py,
// clean_tex_files), with each of the reference's output-changing quirks as an option.
#pragma once

#include "latex_cleaner.hpp"

#include <loom/plugin.hpp>

#include <string>

namespace loom::arxiv {

struct ArxivLatexOptions {
  std::string files_field = "tex_file_sizes";
  bool paragraph_needs_subparagraph = false;
  bool inline_comment_eats_preceding_char = false;
  bool unescapable_macro_drops_paper = false;
  bool drop_empty = true;

  static constexpr auto fields = std::tuple(
      field("files_field", &ArxivLatexOptions::files_field,
            "meta field with the byte sizes of the files concatenated in the text (JSON array, as "
            "arxiv_source writes it); removed after use. Absent: the text is one file"),
      field("paragraph_needs_subparagraph", &ArxivLatexOptions::paragraph_needs_subparagraph,
            "reference quirk (missing `|` in its header regex): \\paragraph{..} only counts as the "
            "first header when \\subparagraph{..} follows right after it"),
      field(
          "inline_comment_eats_preceding_char",
          &ArxivLatexOptions::inline_comment_eats_preceding_char,
          "reference quirk (`[^\\\\]%.+$`): an inline comment also removes the character before "
          "its `%`, and a `%` ending its line is kept; false removes from `%` to the end of line"),
      field("unescapable_macro_drops_paper", &ArxivLatexOptions::unescapable_macro_drops_paper,
            "reference quirk (unicode-escaped macro values used as re.sub templates): a macro "
            "value with a character outside printable ASCII, tab and CR drops the whole paper; "
            "false expands such values as written"),
      field("drop_empty", &ArxivLatexOptions::drop_empty,
            "drop papers whose cleaned text is empty, as the reference does"));
};

class ArxivLatex : public Cleaner {
 public:
  static constexpr const char* name = "arxiv_latex";
  static constexpr const char* summary =
      "cleans arXiv LaTeX as RedPajama did: preamble, comments, bibliography/appendix, macros";
  using Options = ArxivLatexOptions;
  static constexpr Declared drop_reasons[] = {
      {"unescapable_macro", "a macro value the reference cannot escape (reference mode)"},
      {"empty_text", "nothing left after cleaning"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit ArxivLatex(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  LatexQuirks quirks_;
};

}  // namespace loom::arxiv
