// gopher_repetition: the repetition rules of Gopher's MassiveWeb (Rae et al. 2021, appendix
// A.1.1, table A1) with datatrove's GopherRepetitionFilter defaults. How lines, paragraphs and
// n-grams are counted: docs/reference/quality-rules.md#gopher_repetition.
#pragma once

#include "rule_filter.hpp"

#include <loom/plugin.hpp>

#include <array>
#include <string>
#include <vector>

namespace loom::quality {

struct GopherRepetitionOptions {
  std::string mode = "filter";
  double max_duplicate_paragraph_ratio = 0.3;
  double max_duplicate_paragraph_char_ratio = 0.2;
  double max_duplicate_line_ratio = 0.3;
  double max_duplicate_line_char_ratio = 0.2;
  double max_top_2gram_char_ratio = 0.2;
  double max_top_3gram_char_ratio = 0.18;
  double max_top_4gram_char_ratio = 0.16;
  double max_duplicate_5gram_char_ratio = 0.15;
  double max_duplicate_6gram_char_ratio = 0.14;
  double max_duplicate_7gram_char_ratio = 0.13;
  double max_duplicate_8gram_char_ratio = 0.12;
  double max_duplicate_9gram_char_ratio = 0.11;
  double max_duplicate_10gram_char_ratio = 0.10;
  std::string meta_prefix = "gopher_";

  using O = GopherRepetitionOptions;
  static constexpr auto fields = std::tuple(
      field("mode", &O::mode, mode_doc).one_of(mode_values),
      field("max_duplicate_paragraph_ratio", &O::max_duplicate_paragraph_ratio,
            "drop (duplicate_paragraphs) when more paragraphs repeat an earlier one; 0: rule off")
          .range(0, 1),
      field("max_duplicate_paragraph_char_ratio", &O::max_duplicate_paragraph_char_ratio,
            "drop (duplicate_paragraph_chars) when repeated paragraphs hold more of the text's "
            "code points; 0: rule off")
          .range(0, 1),
      field("max_duplicate_line_ratio", &O::max_duplicate_line_ratio,
            "drop (duplicate_lines) when more lines repeat an earlier one; 0: rule off")
          .range(0, 1),
      field("max_duplicate_line_char_ratio", &O::max_duplicate_line_char_ratio,
            "drop (duplicate_line_chars) when repeated lines hold more of the code points; 0: "
            "rule off")
          .range(0, 1),
      field("max_top_2gram_char_ratio", &O::max_top_2gram_char_ratio,
            "drop (top_2gram) when the most frequent word 2-gram covers more; 0: rule off")
          .range(0, 1),
      field("max_top_3gram_char_ratio", &O::max_top_3gram_char_ratio,
            "the same for 3-grams (top_3gram)")
          .range(0, 1),
      field("max_top_4gram_char_ratio", &O::max_top_4gram_char_ratio,
            "the same for 4-grams (top_4gram)")
          .range(0, 1),
      field("max_duplicate_5gram_char_ratio", &O::max_duplicate_5gram_char_ratio,
            "drop (duplicate_5grams) when words in repeated 5-grams cover more; 0: rule off")
          .range(0, 1),
      field("max_duplicate_6gram_char_ratio", &O::max_duplicate_6gram_char_ratio,
            "the same for 6-grams (duplicate_6grams)")
          .range(0, 1),
      field("max_duplicate_7gram_char_ratio", &O::max_duplicate_7gram_char_ratio,
            "the same for 7-grams (duplicate_7grams)")
          .range(0, 1),
      field("max_duplicate_8gram_char_ratio", &O::max_duplicate_8gram_char_ratio,
            "the same for 8-grams (duplicate_8grams)")
          .range(0, 1),
      field("max_duplicate_9gram_char_ratio", &O::max_duplicate_9gram_char_ratio,
            "the same for 9-grams (duplicate_9grams)")
          .range(0, 1),
      field("max_duplicate_10gram_char_ratio", &O::max_duplicate_10gram_char_ratio,
            "the same for 10-grams (duplicate_10grams)")
          .range(0, 1),
      field("meta_prefix", &O::meta_prefix,
            "prefix of the meta fields written: duplicate_paragraph_ratio, "
            "duplicate_paragraph_char_ratio, duplicate_line_ratio, duplicate_line_char_ratio, "
            "top_{2,3,4}gram_char_ratio, duplicate_{5..10}gram_char_ratio"));
};

// The rules in datatrove's order: the first one a document fails gives the drop reason.
inline constexpr std::size_t kRepetitionRules = 13;

// Everything gopher_repetition measures in one document, in rule order.
using RepetitionStats = std::array<double, kRepetitionRules>;

class GopherRepetition : public Filter {
 public:
  static constexpr const char* name = "gopher_repetition";
  static constexpr const char* summary =
      "Gopher repetition rules (Rae et al. 2021): repeated lines, paragraphs and word n-grams";
  using Options = GopherRepetitionOptions;
  static constexpr Declared drop_reasons[] = {
      {"duplicate_paragraphs", ""},
      {"duplicate_paragraph_chars", ""},
      {"duplicate_lines", ""},
      {"duplicate_line_chars", ""},
      {"top_*", "top_<n>gram: the most frequent n-gram covers too much"},
      {"duplicate_*", "duplicate_<n>grams: duplicated n-grams cover too much"}};
  static constexpr Declared meta_fields[] = {{"*", "the rules' values, under meta_prefix"}};

  explicit GopherRepetition(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  std::array<double, kRepetitionRules> limits_{};
  std::vector<std::string> keys_;
};

}  // namespace loom::quality
