// copyright_strip: the reference's clean_copyright_comments().
//
// If the text has a C-style block comment, only the FIRST one is looked at: it is cut when it
// contains "copyright" (any case), and nothing else happens. Only when there is no block comment
// at all, the leading run of lines that start with "//", "#" or "--" or are empty is removed
// (strip_leading_comment_lines): this also removes #include lines, shebangs and Markdown
// headings at the top of a file, a side effect the reference has and parity needs.
#pragma once

#include <loom/plugin.hpp>

#include <string>
#include <string_view>

namespace loom::github {

struct CopyrightStripOptions {
  bool strip_leading_comment_lines = true;

  static constexpr auto fields = std::tuple(loom::field(
      "strip_leading_comment_lines", &CopyrightStripOptions::strip_leading_comment_lines,
      "in files without a /* */ comment, drop the leading lines that start with //, # or -- or "
      "are empty (the reference does; it also drops leading #include, shebang and # heading "
      "lines)"));
};

// The cleaned text, or nullopt-like: returns false when the text is unchanged.
bool strip_copyright(std::string_view text, bool strip_leading_comment_lines, std::string& cleaned);

class CopyrightStrip : public Cleaner {
 public:
  static constexpr const char* name = "copyright_strip";
  static constexpr const char* summary =
      "cuts a first /* */ comment mentioning copyright, else leading //, #, -- lines "
      "(reference rule)";
  using Options = CopyrightStripOptions;
  static constexpr std::array<Declared, 0> drop_reasons{};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit CopyrightStrip(const Options& options) : options_(options) {}
  void process(Batch& batch) override;

 private:
  Options options_;
};

}  // namespace loom::github
