// language_id: fastText lid.176 language identification, annotating or filtering documents.
#pragma once

#include <loom/plugin.hpp>

#include <memory>
#include <string>

namespace loom::fasttext_inference {
class ClassifierPool;
}  // namespace loom::fasttext_inference

namespace loom::langid {

inline constexpr const char* mode_values[] = {"annotate", "filter"};
inline constexpr const char* newline_values[] = {"space", "remove", "keep"};
inline constexpr const char* position_values[] = {"last", "first"};

struct LanguageIdOptions {
  std::string model;
  std::string mode = "annotate";
  StringList languages;
  double threshold = 0.0;
  std::string newlines = "space";
  bool lowercase = false;
  std::string label_field = "language";
  std::string score_field;
  std::int64_t score_digits = -1;
  std::string field_position = "last";

  static constexpr auto fields = std::tuple(
      field("model", &LanguageIdOptions::model,
            "fastText model file; empty: ${LOOM_CACHE:-$HOME/.cache/loom}/models/lid.176.ftz"),
      field("mode", &LanguageIdOptions::mode,
            "annotate: only record the label; filter: also drop, in this order and counted "
            "apart (as cc_net's lid and keep_lang steps), documents with an empty text "
            "(empty_text), a score below `threshold` (score_below_threshold) or a label not in "
            "`languages` (language_not_listed)")
          .one_of(mode_values),
      field("languages", &LanguageIdOptions::languages,
            "labels kept in filter mode (without __label__); empty: any label"),
      field("threshold", &LanguageIdOptions::threshold,
            "filter mode: minimum probability of the top label (after score_digits rounding)")
          .range(0.0, 1.0),
      field("newlines", &LanguageIdOptions::newlines,
            "what the model sees of each newline: space (RedPajama's text.replace('\\n', ' ')), "
            "remove (cc_net), keep (fastText then reads only the first line)")
          .one_of(newline_values),
      field("lowercase", &LanguageIdOptions::lowercase, "lowercase (ASCII) before predicting"),
      field("label_field", &LanguageIdOptions::label_field, "meta field for the top label"),
      field("score_field", &LanguageIdOptions::score_field,
            "meta field for its probability; empty: not recorded"),
      field("score_digits", &LanguageIdOptions::score_digits,
            "round the score to this many decimals like Python's round(); -1: no rounding")
          .range(-1, 17),
      field("field_position", &LanguageIdOptions::field_position,
            "where new fields go: last, or first (before the fields the document already has)")
          .one_of(position_values));
};

class LanguageId : public Filter {
 public:
  static constexpr const char* name = "language_id";
  static constexpr const char* summary =
      "fastText language id (lid.176): records the top label and score; optionally filters";
  using Options = LanguageIdOptions;
  static constexpr Declared drop_reasons[] = {
      {"empty_text", "no text to classify"},
      {"score_below_threshold", "top score under threshold"},
      {"language_not_listed", "top label not in languages"}};
  static constexpr Declared meta_fields[] = {
      {"*", "the label and score, under label_field and score_field"}};

  explicit LanguageId(const Options& options);
  ~LanguageId() override;
  void process(Batch& batch) override;

 private:
  Options options_;
  std::unique_ptr<fasttext_inference::ClassifierPool> classifier_;
};

// The text as the model should see it, per the newline and lowercase options, into `out`
// (replacing what it held; reusing its memory from one document to the next).
void prepare_text(std::string_view text, const LanguageIdOptions& options, std::string& out);
// Python's round(x, digits) for a finite double: nearest decimal, ties to even on the exact value.
double round_like_python(double x, int digits);

}  // namespace loom::langid
