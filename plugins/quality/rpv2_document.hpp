// RedPajama-V2's rule-based quality signals of one document (core/quality_signals/content.py,
// repetitions.py, natural_language.py, lines.py), computed as V2 computes them: on its document
// views (rpv2_text.hpp), rounded as V2 rounds them. What each signal counts:
// docs/reference/rpv2-signals.md.
#pragma once

#include <text/word_ngrams.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace loom::quality {

// V2's round(x, 8) (PRECISION = 8): Python's correctly rounded decimal rounding of the double.
double round8(double x);

// One line as V2 splits them (re.finditer(r"([^\n]*\n|[^\n]+$)")): code-point offsets of the raw
// text, the line's "\n" included.
struct Rpv2Line {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  double ends_with_terminal_punctuation = 0;  // 1.0 or 0.0
  double javascript_count = 0;
  std::int64_t words = 0;
  double uppercase_letter_fraction = 0;
  double numerical_chars_fraction = 0;
  double starts_with_bullet = 0;  // 1.0 or 0.0
};

// A value V2 writes as null when there is nothing to measure.
using MaybeReal = std::optional<double>;

struct Rpv2Signals {
  std::uint64_t length = 0;  // code points of the raw text: every document span is [0, length]
  // content
  double curly_bracket = 0;
  double lorem_ipsum = 0;
  double stop_word_fraction = 0;
  // repetitions: frac_chars_dupe_{5..10}grams, frac_chars_top_{2,3,4}gram
  std::array<double, 6> dupe_ngrams{};
  std::array<double, 3> top_ngram{};
  // natural language
  MaybeReal frac_all_caps_words;
  MaybeReal frac_lines_end_with_ellipsis;
  MaybeReal frac_no_alph_words;
  MaybeReal frac_unique_words;
  MaybeReal mean_word_length;
  double num_sentences = 0;
  MaybeReal symbol_to_word_ratio;
  MaybeReal unigram_entropy;
  std::int64_t word_count = 0;
  // lines
  std::vector<Rpv2Line> lines;
};

// V2's English stop words (the default for language "en").
const std::vector<std::string>& rpv2_english_stop_words();

// Exact, case-sensitive lookup of stop words (views of strings that must outlive the set).
using Rpv2StopWords = std::unordered_set<std::string_view>;

// Measures documents one after another, keeping its scratch memory between them (one per
// thread: process() may run on several batches at once).
class Rpv2Measurer {
 public:
  explicit Rpv2Measurer(const Rpv2StopWords& stop_words) : stop_words_(stop_words) {}
  void measure(std::string_view text, Rpv2Signals& out);

 private:
  void measure_raw_tokens(std::string_view text, Rpv2Signals& out) const;
  void measure_normalized(std::string_view text, Rpv2Signals& out);
  void measure_lines(std::string_view text, Rpv2Signals& out);

  const Rpv2StopWords& stop_words_;
  std::string normalized_;
  std::string normalized_line_;
  textlib::WordSequence words_;
  textlib::NgramCounter ngrams_;
  std::vector<std::uint64_t> word_counts_;
};

}  // namespace loom::quality
