// c4_quality: C4's line rules (Raffel et al. 2020, section 2.2) with datatrove's C4QualityFilter
// defaults: lines without terminal punctuation, with too few words or a too long word, with
// "javascript" or a cookie/terms policy are removed; "lorem ipsum" or "{" drops the document, as
// do fewer than min_sentences sentences in what is left. How lines, words and sentences are
// counted: docs/reference/quality-rules.md#c4_quality.
#pragma once

#include "rule_filter.hpp"

#include <loom/plugin.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace loom::quality {

struct C4QualityOptions {
  std::string mode = "filter";
  bool remove_citations = true;
  bool require_terminal_punctuation = true;
  std::int64_t min_words_per_line = 3;
  std::int64_t max_word_length = 1000;
  std::int64_t min_sentences = 5;
  bool drop_lorem_ipsum = true;
  bool remove_javascript_lines = true;
  bool drop_curly_bracket = true;
  bool remove_policy_lines = true;
  std::string meta_prefix = "c4_";

  using O = C4QualityOptions;
  static constexpr auto fields = std::tuple(
      field("mode", &O::mode,
            "filter: rewrite the text with the kept lines and drop a document at the first "
            "document rule it fails; annotate: only write the counts into meta (how each is "
            "counted: docs/reference/quality-rules.md)")
          .one_of(mode_values),
      field("remove_citations", &O::remove_citations,
            "delete '[<digits>]', '[edit]' and '[citation needed]' from lines"),
      field("require_terminal_punctuation", &O::require_terminal_punctuation,
            "remove lines not ending in . ? ! \" or ', or ending in '...'"),
      field("min_words_per_line", &O::min_words_per_line,
            "remove lines with fewer whitespace-separated words")
          .min(0),
      field("max_word_length", &O::max_word_length,
            "remove lines with a word of more code points; 0: no limit")
          .min(0),
      field("min_sentences", &O::min_sentences,
            "drop (too_few_sentences) documents whose kept lines hold fewer sentences")
          .min(0),
      field("drop_lorem_ipsum", &O::drop_lorem_ipsum,
            "drop (lorem_ipsum) documents with a line containing 'lorem ipsum' (any case)"),
      field("remove_javascript_lines", &O::remove_javascript_lines,
            "remove lines containing 'javascript' (any case)"),
      field("drop_curly_bracket", &O::drop_curly_bracket,
            "drop (curly_bracket) documents with a line containing '{'"),
      field("remove_policy_lines", &O::remove_policy_lines,
            "remove lines mentioning terms of use, privacy or cookie policy, or cookies use"),
      field("meta_prefix", &O::meta_prefix,
            "prefix of the meta fields written: lines, kept_lines, too_long_word_lines, "
            "no_terminal_punctuation_lines, too_few_words_lines, javascript_lines, "
            "policy_lines, sentences, lorem_ipsum, curly_bracket"));
};

// What c4_quality measures in one document; kept lines go to `kept` when it is not null.
struct C4Stats {
  std::int64_t lines = 0;
  std::int64_t kept_lines = 0;
  std::int64_t too_long_word_lines = 0;
  std::int64_t no_terminal_punctuation_lines = 0;
  std::int64_t too_few_words_lines = 0;
  std::int64_t javascript_lines = 0;
  std::int64_t policy_lines = 0;
  std::int64_t sentences = 0;
  bool lorem_ipsum = false;
  bool curly_bracket = false;
  const char* first_document_rule = nullptr;  // lorem_ipsum or curly_bracket, whichever came first
};

C4Stats measure_c4(std::string_view text, const C4QualityOptions& options, std::string* kept);

// Sentences in one line: 1 for a line with any text, plus each sentence end followed by more
// text (see docs/reference/quality-rules.md#c4_quality).
std::int64_t count_sentences(std::string_view line);

class C4Quality : public Filter {
 public:
  static constexpr const char* name = "c4_quality";
  static constexpr const char* summary =
      "C4's line rules (Raffel et al. 2020): removes lines without terminal punctuation, "
      "javascript, policy; drops lorem ipsum, '{', too few sentences";
  using Options = C4QualityOptions;
  static constexpr Declared drop_reasons[] = {{"lorem_ipsum", "contains lorem ipsum"},
                                              {"curly_bracket", "contains a curly bracket"},
                                              {"too_few_sentences", "fewer than min_sentences"}};
  static constexpr Declared meta_fields[] = {{"*", "line and sentence counts, under meta_prefix"}};

  explicit C4Quality(const Options& options);
  void process(Batch& batch) override;

 private:
  Options options_;
  std::vector<std::string> keys_;
};

}  // namespace loom::quality
