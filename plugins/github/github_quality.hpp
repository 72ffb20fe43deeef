// github_quality: the reference's github_run_filter.py rules, in its order, on the statistics
// github_metadata wrote (computed on the cleaned text, as in the reference):
//   empty text; path not ending in a whitelisted extension (case-sensitive suffix of the whole
//   path); max_line_length > 1000; avg_line_length > 100; alnum_prop < 0.25.
// Drop reasons are the ones the golden filter_decisions.jsonl uses, with the configured
// threshold: empty, extension_whitelist, max_line_length>1000, avg_line_length>100,
// alnum_prop<0.25. The alpha/token ratio rule needs the GPT-NeoX tokenizer and is not here.
#pragma once

#include <loom/plugin.hpp>

#include <string>

namespace loom::github {

struct GithubQualityOptions {
  StringList extensions = {
      ".asm",     ".bat",  ".cmd",  ".c",    ".h",   ".cs",    ".cpp",       ".hpp",        ".c++",
      ".h++",     ".cc",   ".hh",   ".C",    ".H",   ".cmake", ".css",       ".dockerfile", ".f90",
      ".f",       ".f03",  ".f08",  ".f77",  ".f95", ".for",   ".fpp",       ".go",         ".hs",
      ".html",    ".java", ".js",   ".jl",   ".lua", ".md",    ".markdown",  ".php",        ".php3",
      ".php4",    ".php5", ".phps", ".phpt", ".pl",  ".pm",    ".pod",       ".perl",       ".ps1",
      ".psd1",    ".psm1", ".py",   ".rb",   ".rs",  ".sql",   ".scala",     ".sh",         ".bash",
      ".command", ".zsh",  ".ts",   ".tsx",  ".tex", ".vb",    "Dockerfile", "Makefile",    ".xml",
      ".rst",     ".m",    ".smali"};
  std::string path_field = "path";
  std::int64_t max_line_length = 1000;
  double max_avg_line_length = 100;
  double min_alnum_prop = 0.25;

  static constexpr auto fields = std::tuple(
      loom::field("extensions", &GithubQualityOptions::extensions,
                  "keep paths ending in one of these (case-sensitive; the reference's 66-entry "
                  "whitelist by default); empty keeps every path"),
      loom::field("path_field", &GithubQualityOptions::path_field, "meta field with the path"),
      loom::field("max_line_length", &GithubQualityOptions::max_line_length,
                  "drop if the longest line has more code points than this")
          .min(0),
      loom::field("max_avg_line_length", &GithubQualityOptions::max_avg_line_length,
                  "drop if avg_line_length (code points per line, newlines included) is above")
          .min(0),
      loom::field("min_alnum_prop", &GithubQualityOptions::min_alnum_prop,
                  "drop if the fraction of alphanumeric code points is below this")
          .range(0, 1));
};

class GithubQuality : public Filter {
 public:
  static constexpr const char* name = "github_quality";
  static constexpr const char* summary =
      "reference GitHub filters: empty, extension whitelist, line lengths, alnum fraction";
  using Options = GithubQualityOptions;
  static constexpr Declared drop_reasons[] = {
      {"empty", "no text"},
      {"extension_whitelist", "an extension outside the list"},
      {"max_line_length>*", "a line over max_line_length"},
      {"avg_line_length>*", "mean line length over max_avg_line_length"},
      {"alnum_prop<*", "alphanumeric share under min_alnum_prop"}};
  static constexpr std::array<Declared, 0> meta_fields{};

  explicit GithubQuality(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  std::string max_line_reason_;
  std::string avg_line_reason_;
  std::string alnum_reason_;
};

}  // namespace loom::github
