// fineweb_quality: FineWeb's own quality filters (Penedo et al. 2024, section 3.3) with
// datatrove's FineWebQualityFilter defaults: share of lines ending in terminal punctuation,
// share of short lines, characters in duplicated lines, newlines per word. How lines and words
// are counted: docs/reference/quality-rules.md#fineweb_quality.
#pragma once

#include "rule_filter.hpp"

#include <loom/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace loom::quality {

struct FineWebQualityOptions {
  std::string mode = "filter";
  double min_punctuated_lines_ratio = 0.12;
  bool allow_no_punctuated_lines = false;
  StringList stop_chars;
  double max_short_lines_ratio = 0.67;
  std::int64_t short_line_length = 30;
  double max_duplicate_line_char_ratio = 0.01;
  double max_newline_word_ratio = 0.3;
  std::string meta_prefix = "fineweb_";

  using O = FineWebQualityOptions;
  static constexpr auto fields = std::tuple(
      field("mode", &O::mode, mode_doc).one_of(mode_values),
      field("min_punctuated_lines_ratio", &O::min_punctuated_lines_ratio,
            "drop (too_few_punctuated_lines) when fewer non-blank lines end with a stop_chars "
            "entry (datatrove's line_punct_thr)")
          .range(0, 1),
      field("allow_no_punctuated_lines", &O::allow_no_punctuated_lines,
            "keep documents where no line ends so (datatrove's line_punct_exclude_zero)"),
      field("stop_chars", &O::stop_chars,
            "line endings that count as punctuated; empty: every Unicode Sentence_Terminal "
            "character (datatrove's TERMINAL_PUNCTUATION)"),
      field("max_short_lines_ratio", &O::max_short_lines_ratio,
            "drop (too_many_short_lines) when more non-blank lines are short; 0: rule off")
          .range(0, 1),
      field("short_line_length", &O::short_line_length,
            "a line of at most this many code points is short")
          .min(0),
      field("max_duplicate_line_char_ratio", &O::max_duplicate_line_char_ratio,
            "drop (duplicate_line_chars) when repeated non-blank lines hold more of the text's "
            "code points (newlines not counted); 0: rule off")
          .range(0, 1),
      field("max_newline_word_ratio", &O::max_newline_word_ratio,
            "drop (too_many_newlines, datatrove's list_ratio) when newlines per word exceed "
            "this; 0: rule off")
          .min(0),
      field("meta_prefix", &O::meta_prefix,
            "prefix of the meta fields written: lines, punctuated_lines_ratio, "
            "short_lines_ratio, duplicate_line_char_ratio, newline_word_ratio"));
};

struct FineWebStats {
  std::int64_t lines = 0;  // non-blank lines
  double punctuated_lines_ratio = 0;
  double short_lines_ratio = 0;
  double duplicate_line_char_ratio = 0;
  double newline_word_ratio = 0;
};

class FineWebQuality : public Filter {
 public:
  static constexpr const char* name = "fineweb_quality";
  static constexpr const char* summary =
      "FineWeb quality filters (Penedo et al. 2024): line punctuation, short lines, duplicated "
      "line characters, newlines per word";
  using Options = FineWebQualityOptions;
  static constexpr Declared drop_reasons[] = {
      {"empty", "no line"},
      {"too_few_punctuated_lines", "under the punctuated line ratio"},
      {"too_many_short_lines", "over the short line ratio"},
      {"duplicate_line_chars", "over the duplicate line character ratio"},
      {"too_many_newlines", "over the newline per word ratio"}};
  static constexpr Declared meta_fields[] = {{"*", "the ratios, under meta_prefix"}};

  explicit FineWebQuality(const Options& options);
  void process(Batch& batch) override;

 private:
  const char* verdict(const FineWebStats& s) const;
  bool punctuated(std::string_view line) const;

  Options options_;
  std::vector<std::string> keys_;
};

}  // namespace loom::quality
