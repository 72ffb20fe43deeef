// wikiref_filter: RedPajama's Wikipedia-reference classifier (data_prep/cc/classifier/classify.py
// and filter/cc_classifier.sh): a fastText model's top label on the document's lines joined by
// spaces gives wiki_prob, and documents below min_wiki_prob are dropped.
#pragma once

#include <loom/plugin.hpp>

#include <memory>
#include <string>

namespace loom::fasttext_inference {
class ClassifierPool;
}  // namespace loom::fasttext_inference

namespace loom::redpajama_cc {

inline constexpr const char* wikiref_mode_values[] = {"filter", "annotate"};

struct WikirefFilterOptions {
  std::string model;
  double min_wiki_prob = 0.25;
  std::string wiki_label = "__label__wiki";
  std::string mode = "filter";

  static constexpr auto fields = std::tuple(
      field("model", &WikirefFilterOptions::model,
            "supervised fastText model (.bin or .ftz), e.g. RedPajama's model.bin / V2's "
            "wikiref.model.bin or one trained as docs/guides/training-wikiref-classifier.md shows")
          .required(),
      field("min_wiki_prob", &WikirefFilterOptions::min_wiki_prob,
            "keep a document iff wiki_prob >= this (RedPajama: 0.25); else drop (low_wiki_prob)")
          .range(0.0, 1.0),
      field("wiki_label", &WikirefFilterOptions::wiki_label,
            "the model's label for Wikipedia-referenced pages (wiki_prob = its probability)"),
      field("mode", &WikirefFilterOptions::mode,
            "filter: record the fields and drop below min_wiki_prob; annotate: only record them")
          .one_of(wikiref_mode_values));
};

class WikirefFilter : public Filter {
 public:
  static constexpr const char* name = "wikiref_filter";
  static constexpr const char* summary =
      "RedPajama's Wikipedia-reference classifier: records pred_label, pred_label_prob and "
      "wiki_prob; drops documents below min_wiki_prob";
  using Options = WikirefFilterOptions;
  static constexpr Declared drop_reasons[] = {{"no_prediction", "the classifier gave no label"},
                                              {"low_wiki_prob", "wiki_prob under min_wiki_prob"}};
  static constexpr Declared meta_fields[] = {{"pred_label", "top label"},
                                             {"pred_label_prob", "its probability"},
                                             {"wiki_prob", "probability of the wiki label"}};

  explicit WikirefFilter(const Options& options);
  ~WikirefFilter() override;
  void process(Batch& batch) override;

 private:
  Options options_;
  std::unique_ptr<fasttext_inference::ClassifierPool> classifier_;
};

}  // namespace loom::redpajama_cc
